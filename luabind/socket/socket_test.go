package socket

import (
	"strings"
	"testing"
)

func (e env) testEchoBasics(t *testing.T) {
	out := e.runLua(t, `
local s = assert(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
print(s.family == socket.AF_INET, s.type == socket.SOCK_STREAM)
assert(s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1))
assert(s:bind("127.0.0.1", 0))
local addr = s:getsockname()
print(addr.host, addr.port > 0, addr[1] == addr.host, addr[2] == addr.port)
assert(s:listen(4))
print((tostring(s):gsub("%d+", "N")))
local port = addr.port
local server = spawn(function()
  local conn, peer = s:accept()
  while true do
    local data = conn:recv(1024)
    if data == "" then break end
    conn:sendall(data)
  end
  conn:close()
  return "done", peer.host, tostring(peer):match("^127%.0%.0%.1:%d+$") ~= nil
end)
local c = socket.socket()
assert(c:connect({"127.0.0.1", port}))
print((tostring(c):gsub("%d+", "N")))
print(c:send("hi\0there"))
print(#c:recv(1024))
c:shutdown(socket.SHUT_WR)
print(c:recv(10) == "")
print(server:join())
c:close()
print(c:recv(1))
print(c:fileno(), tostring(c))
`)
	want := `true	true
127.0.0.1	true	true	true
<socket fd=N family=AF_INET type=SOCK_STREAM laddr=N.N.N.N:N>
<socket fd=N family=AF_INET type=SOCK_STREAM laddr=N.N.N.N:N raddr=N.N.N.N:N>
8
8
true
done	127.0.0.1	true
nil	[Errno 9] Bad file descriptor
-1	<socket [closed] fd=-1 family=AF_INET type=SOCK_STREAM>
`
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}

func (e env) testMisuseAndFailures(t *testing.T) {
	out := e.runLua(t, `
local function try(f, ...) local ok, err = pcall(f, ...) print(ok, err) end
local s = socket.socket()
try(function() s:connect("127.0.0.1", -1) end)
try(function() s:connect("127.0.0.1", 65536) end)
try(function() s:connect(42, 80) end)
try(function() socket.socket(999) end)
try(function() s.recv(42, 1) end)
try(function() s:recv(-1) end)
try(function() socket.getservbyport(65536) end)
-- refused: l holds the port (bound, never listening) so no other test can take it
local l = socket.socket(); l:bind("127.0.0.1", 0); local port = l:getsockname().port
print(s:connect("127.0.0.1", port))
print(socket.socket():connect_ex("127.0.0.1", port))
-- address in use
local a = socket.socket(); a:bind("127.0.0.1", 0); a:listen()
local b = socket.socket()
print(b:bind("127.0.0.1", a:getsockname().port))
-- timeout
a:settimeout(0.05)
print(a:gettimeout(), a:accept())
a:settimeout(nil) print(a:gettimeout())
a:setblocking(false) print(a:accept())
-- send on a closed socket
b:close()
print(b:send("x"))
`)
	for _, want := range []string{
		"false\ttest.lua:4: bad argument #2 to 'connect' (port must be 0-65535, got -1)",
		"false\ttest.lua:5: bad argument #2 to 'connect' (port must be 0-65535, got 65536)",
		"bad argument #1 to 'connect' (host string expected, got number)",
		"bad argument #1 to 'socket' (unknown address family 999",
		"calling 'recv' on bad self (socket expected, got number)",
		"negative buffersize",
		"getservbyport: port must be 0-65535",
		"nil\t[Errno 111] Connection refused",
		"111",
		"nil\t[Errno 98] Address already in use",
		"0.05\tnil\ttimed out",
		"\nnil\n",
		"nil\t[Errno 11] Resource temporarily unavailable",
		"nil\t[Errno 9] Bad file descriptor",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

func TestEchoBasics(t *testing.T) {
	t.Parallel()
	env{}.testEchoBasics(t)
}

func TestMisuseAndFailures(t *testing.T) {
	t.Parallel()
	env{}.testMisuseAndFailures(t)
}
