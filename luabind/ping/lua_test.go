package ping

import (
	"strings"
	"testing"

	"socklab/internal/nstest"
	"socklab/luabind/runtime/runtimetest"
)

func TestLuaPing(t *testing.T) {
	t.Parallel() // each test has namespaces of its own
	if !nstest.IsChild(t) {
		lab := nstest.New(t)
		lab.RunTest(lab.Add("p"), nil)
		return
	}
	out, err := runtimetest.Run(t, `
local r = net.ping("127.0.0.1", {count = 2, interval = 0.05})
assert(r.transmitted == 2 and r.received == 2 and r.loss == 0 and r.alive and r.method == "raw", tostring(r))
assert(#r.replies == 2 and r.replies[1].seq == 1 and r.replies[1].ttl == 64 and r.replies[1].time > 0)
assert(r.min <= r.avg and r.avg <= r.max and r.mdev >= 0)
print(r)
local six = net.ping("::1", {count = 1, size = 0})
assert(six.received == 1 and six.avg == nil and six.replies[1].bytes == 8, tostring(six))
print(six)
net.ping("127.0.0.1", {count = 1, live = true, ttl = 9})
-- A flood holds every reply, made when first read, and prints as ping -f.
local f = net.ping("127.0.0.1", {count = 300, interval = 0})
assert(rawget(f, "replies") == nil and f.received == 300, tostring(f))
assert(#f.replies == 300 and f.replies[300].seq == 300 and rawget(f, "replies") == f.replies)
assert(f.replies[1].error == nil and f.replies[1].dup == false and f.replies[1].from == "127.0.0.1")
assert(tostring(f.replies[2]) == f.replies[2].line and f.replies[2].line:find("icmp_seq=2 ttl=64 time="), f.replies[2].line)
assert(not tostring(f):find("bytes from") and tostring(f):find("300 packets transmitted, 300 received"), tostring(f))
assert(not pcall(function() f.replies[1].seq = 7 end), "replies are read-only")
local m = net.ping({"127.0.0.1", "10.99.0.1", "::1"}, {timeout = 10}) -- (a hang guard: loopback answers at once, 10.99.0.1 fails at once)
assert(#m.alive == 2 and m.unreachable[1] == "10.99.0.1", tostring(m))
assert(m.results["127.0.0.1"].received == 1)
print(m)
local bad = net.ping("10.99.0.1", {count = 1, timeout = 0.2})
assert(bad.received == 0 and bad.errors == 1 and bad.replies[1].error, tostring(bad))
print(bad)
for _, args in ipairs({{""}, {"127.0.0.1", {count = -1}}, {"127.0.0.1", {size = 70000}}, {"127.0.0.1", {ttl = 0}},
		{"127.0.0.1", {bogus = 1}}, {"127.0.0.1", {method = "carrier-pigeon"}}, {"127.0.0.1", "fast"}, {{}}, {42}}) do
	local ok, e = pcall(net.ping, unpack(args))
	assert(not ok and e:find("bad argument"), tostring(e))
end
local none, msg = net.ping("not a host!")
assert(none == nil and msg:find("Name or service not known"), msg)
-- Ctrl-C (here: cancelling the task) prints the statistics so far.
local h = spawn(function() return net.ping("127.0.0.1", {count = 1000, interval = 0.05}) end)
sleep(0.3)
h:cancel()
print(h:join())
`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=",
		"--- 127.0.0.1 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time ",
		"PING ::1(::1) 0 data bytes\n8 bytes from ::1: icmp_seq=1 ttl=64\n\n--- ::1 ping statistics ---\n1 packets transmitted, 1 received, 0% packet loss",
		"127.0.0.1 is alive", "10.99.0.1 is unreachable",
		"ping: sendmsg: Network is unreachable",
		"packets transmitted", // the cancelled ping's summary
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "--- 127.0.0.1 ping statistics ---") < 2 {
		t.Errorf("the cancelled ping printed no statistics:\n%s", out)
	}
	t.Log(out)
}

func TestLuaTraceroute(t *testing.T) {
	t.Parallel()
	if !nstest.IsChild(t) {
		lab := nstest.New(t)
		c, r, s := lab.Add("c"), lab.Add("r"), lab.Add("s")
		lab.Link(c, "c0", r, "r0")
		lab.Link(r, "r1", s, "s0")
		lab.Sh(c, "ip addr add 10.1.0.1/24 dev c0; ip route add default via 10.1.0.254")
		lab.Sh(r, "ip addr add 10.1.0.254/24 dev r0; ip addr add 10.2.0.254/24 dev r1; sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0")
		lab.Sh(s, "ip addr add 10.2.0.1/24 dev s0; ip route add default via 10.2.0.254")
		lab.RunTest(c, nil)
		return
	}
	out, err := runtimetest.Run(t, `
for _, method in ipairs({"udp", "icmp", "tcp"}) do
	local tr = net.traceroute("10.2.0.1", {method = method, max_ttl = 5, wait = 2})
	assert(tr.reached and #tr.hops == 2 and tr.hops[1].addr == "10.1.0.254" and tr.hops[2].addr == "10.2.0.1", tostring(tr))
	assert(#tr.hops[1].probes == 3 and tr.hops[1].probes[1].time > 0)
	print(tr)
end
for _, args in ipairs({{""}, {"10.2.0.1", {max_ttl = 0}}, {"10.2.0.1", {method = "sctp"}}, {"10.2.0.1", {first_ttl = 9, max_ttl = 3}}, {"10.2.0.1", {queries = 11}}, {"10.2.0.1", {x = 1}}, {7}}) do
	local ok, e = pcall(net.traceroute, unpack(args))
	assert(not ok and e:find("bad argument"), tostring(e))
end
local none, msg = net.traceroute("not a host!")
assert(none == nil and msg:find("Name or service not known"), msg)
`)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "traceroute to 10.2.0.1 (10.2.0.1), 5 hops max, 60 byte packets\n 1  10.1.0.254  ") {
		t.Errorf("output:\n%s", out)
	}
	t.Log(out)
}
