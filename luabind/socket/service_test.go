package socket

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/resolver"
	"socklab/internal/services"
	"socklab/luabind/runtime"
)

// freeUDPPort is a loopback UDP port nobody uses right now (the kernel's
// choice for a socket closed at once); freePort is TCP's.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

var portNumbers = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// Service names are accepted wherever a port is, as Python's getaddrinfo
// accepts them. The names come from a services file the test writes, for
// ports of servers the test itself starts on loopback.
func TestServiceNamesAsPorts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "services")
	lines := fmt.Sprintf("labtcp %d/tcp\nlabudp %d/udp\nlabbind %d/tcp\nlabdgram %d/udp\n",
		freePort(t), freeUDPPort(t), freePort(t), freeUDPPort(t))
	if err := os.WriteFile(file, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	rt := runtime.New()
	defer rt.Close()
	rt.Do(func(L *lua.LState) {
		stateOf(L).resolver = &resolver.Resolver{HostsPath: "/etc/hosts", ResolvConfPath: "/etc/resolv.conf", Services: services.New(file, "")}
	})
	var out strings.Builder
	rt.SetOutput(&out, &out)
	src := `
local function port(name, proto) return (socket.getaddrinfo("localhost", name, socket.AF_INET, proto)[1].addr.port) end
-- bind and create_server take a name
local srv = socket.create_server("127.0.0.1", "labtcp")
print(srv:getsockname().port == port("labtcp"))
local b = socket.socket()
assert(b:bind("127.0.0.1", "labbind"))
print(b:getsockname().port == port("labbind"))
b:close()
local h = spawn(function()
  for i = 1, 3 do local c = srv:accept() c:sendall("hi" .. i) c:close() end
end)
-- create_connection, connect and connect_ex, in both address forms
local c1 = socket.create_connection("localhost", "labtcp")
print(c1:recv(10)) c1:close()
local c2 = socket.socket() assert(c2:connect({"127.0.0.1", "labtcp"}))
print(c2:recv(10)) c2:close()
local c3 = socket.socket() print(c3:connect_ex("127.0.0.1", "labtcp"))
print(c3:recv(10)) c3:close()
h:join()
-- UDP: a datagram socket looks names up in the udp table
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(u:bind({"127.0.0.1", "labudp"}))
print(u:getsockname().port == port("labudp", socket.SOCK_DGRAM))
local v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print(v:sendto("ping", "127.0.0.1", "labudp"), v:sendto("pong", 0, {"127.0.0.1", "labudp"}))
print(u:recvfrom(10)) print((u:recvfrom(10)))
-- a name only in the tcp table is unknown to a UDP socket
print(v:sendto("x", "127.0.0.1", "labtcp"))
-- numeric strings keep working; unknown names fail in getaddrinfo's words
print(port("80"), port(80))
print(socket.getaddrinfo("localhost", "nope"))
print(socket.create_connection("localhost", "nope"))
print(socket.socket():connect({"127.0.0.1", "nope"}))
print(socket.socket():bind("127.0.0.1", "nope"))
print(socket.create_server("127.0.0.1", "nope"))
print(socket.getaddrinfo("localhost", -1))
print(pcall(socket.create_connection, "localhost", 70000))
print(pcall(function() local s = socket.socket() return s:connect({"127.0.0.1", "70000"}) end))
print(pcall(function() local s = socket.socket() return s:bind("127.0.0.1", true) end))
`
	proto, err := rt.Compile(src, "services.lua")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Exec(t.Context(), proto, "services.lua"); err != nil {
		t.Fatalf("%s\n%s\noutput:\n%s", runtime.ErrorMessage(err), runtime.Traceback(err), out.String())
	}
	got := out.String()
	got = portNumbers.ReplaceAllString(got, "127.0.0.1:P")
	want := `true
true
hi1
hi2
0
hi3
true
4	4
ping	127.0.0.1:P
pong
nil	[Errno -8] Servname not supported for ai_socktype
80	80
nil	[Errno -8] Servname not supported for ai_socktype
nil	[Errno -8] Servname not supported for ai_socktype
nil	[Errno -8] Servname not supported for ai_socktype
nil	[Errno -8] Servname not supported for ai_socktype
nil	[Errno -8] Servname not supported for ai_socktype
nil	[Errno -8] Servname not supported for ai_socktype
false	bad argument #2 to 'create_connection' (port must be 0-65535, got 70000)
false	services.lua:39: bad argument #1 to 'connect' (port must be 0-65535, got 70000)
false	services.lua:40: bad argument #2 to 'bind' (port number or service name expected, got boolean)
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// FuzzPortArgument feeds any string (and its number, if it is one) as a
// port to getaddrinfo and to bind of a UDP socket on loopback (no packet is
// sent): each answers with a port, nil and a message, or a Lua error,
// never a Go panic.
func FuzzPortArgument(f *testing.F) {
	for _, seed := range []string{"80", "http", "", "70000", "-1", "nope", "\x00", "1e3", " 80", "0x50", "65535", "domain", "nan", "-0"} {
		f.Add(seed)
	}
	rt := runtime.New()
	defer rt.Close()
	proto, err := rt.Compile(`
local p = ...
local out = {}
for _, port in ipairs({p, tonumber(p) or p}) do
  local ok, r, msg = pcall(socket.getaddrinfo, "127.0.0.1", port, socket.AF_INET, socket.SOCK_DGRAM)
  out[#out+1] = tostring(ok) .. " " .. tostring(type(r) == "table" and r[1].addr.port or msg or r)
  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  ok, r, msg = pcall(u.bind, u, "127.0.0.1", port)
  out[#out+1] = tostring(ok) .. " " .. tostring(msg or r)
  u:close()
end
return table.concat(out, "\n")`, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, port string) {
		res, err := rt.Exec(context.Background(), proto, "fuzz", lua.LString(port))
		if err != nil {
			t.Fatalf("port %q: %v", port, err)
		}
		if text := res[0].String(); strings.Contains(text, "internal error") {
			t.Fatalf("port %q: %s", port, text)
		}
	})
}
