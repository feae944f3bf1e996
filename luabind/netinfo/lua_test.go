package netinfo

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"socklab/internal/nstest"
	_ "socklab/luabind/ipaddress"
	"socklab/luabind/runtime/runtimetest"
	_ "socklab/luabind/socket"
)

func TestLuaInterfacesRoutesConnections(t *testing.T) {
	if !nstest.IsChild(t) {
		lab := nstest.New(t)
		a, b := lab.Add("a"), lab.Add("b")
		lab.Link(a, "a0", b, "b0")
		lab.Sh(a, "ip addr add 10.7.0.1/24 dev a0; ip addr add fd00:7::1/64 dev a0; ip route add default via 10.7.0.254")
		lab.RunTest(a, nil)
		return
	}
	out, err := runtimetest.Run(t, fmt.Sprintf(`
local ifs = net.interfaces()
assert(#ifs == 2, #ifs)
local a0 = net.interface("a0")
assert(a0.name == "a0" and a0.up and a0.mtu == 1500 and a0.link_type == "ether", tostring(a0))
local found = {}
for _, a in ipairs(a0.addrs) do found[a.prefix] = a end
assert(found["10.7.0.1/24"].family == "inet" and found["10.7.0.1/24"].scope == "global")
assert(found["10.7.0.1/24"].broadcast == nil and found["10.7.0.1/24"].valid_lft == math.huge)
assert(found["fd00:7::1/64"].prefixlen == 64)
local ip = found["10.7.0.1/24"].ip
assert(ip.is_private and tostring(ip.network) == "10.7.0.0/24" and tostring(ip.ip) == "10.7.0.1", tostring(ip))
assert(net.interface("lo").addrs[1].ip.is_loopback)
print(tostring(ifs))
local nothing, msg = net.interface("nope0")
assert(nothing == nil and msg:find("no such interface"), msg)
local rs = net.routes()
assert(rs[1].dst == "default" and rs[1].gateway == "10.7.0.254" and rs[1].dev == "a0", tostring(rs[1]))
print(tostring(rs))
print(tostring(net.route_to("10.7.0.9")))
assert(net.route_to("::1").type == "local")

-- a script's own server is visible, with its pid
local srv = socket.create_server("127.0.0.1", 0)
local port = srv:getsockname()[2]
local c = net.connections({proto = "tcp", state = "listen", port = port})
assert(#c == 1 and c[1].pid == %d and c[1].local_port == port and c[1].state == "LISTEN", tostring(c))
assert(c[1].program ~= "-" and c[1].fd ~= nil)
print(tostring(c))
print(tostring(c[1]))
local upath = os.tmpname()
os.remove(upath)
local us = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
assert(us:bind(upath))
local all = net.connections()
assert(#all >= 1)
local seenUnix = false
for _, e in ipairs(all) do
	if e.family == "unix" then
		seenUnix = seenUnix or e.path == upath
		assert(e.proto == "unix" and e.local_ip == nil and e.uid == nil and e.inode > 0, tostring(e))
	else
		assert(e.path == nil and (e["local"] == e.local_ip .. ":" .. e.local_port or e["local"]:sub(1, 1) == "["), tostring(e))
	end
end
assert(seenUnix, "no UNIX socket listed")
us:close()
os.remove(upath)
assert(not pcall(function() c[1].pid = 1 end), "entries are read-only")
for _, bad in ipairs({{proto = "icmp"}, {state = "bogus"}, {port = 70000}, {foo = 1}, "sctp", 42, {pid = -1}, {port = 1.5}}) do
	local ok, err = pcall(net.connections, bad)
	assert(not ok and err:find("bad argument #1 to 'connections'"), tostring(err))
end
for _, bad in ipairs({"", "not an address!"}) do
	local ok, r, m = pcall(net.route_to, bad)
	assert(not ok or (r == nil and m), tostring(r))
end
print(pcall(net.interface))
`, os.Getpid()))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"2: a0@if", "inet 10.7.0.1/24 scope global a0", "default via 10.7.0.254 dev a0",
		"10.7.0.9 dev a0 src 10.7.0.1", "LISTEN      " + fmt.Sprint(os.Getpid()) + "/", "Proto Recv-Q Send-Q Local Address"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	t.Log(out)
}
