package socket

import (
	"strings"
	"testing"
)

func (e env) testLineHelpersAndModule(t *testing.T) {
	out := e.runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local port = srv:getsockname().port
local peer = spawn(function()
  local c = srv:accept()
  c:sendall("one\ntwo\r\n\nHEAD:x;;tail12345rest")
  c:sendline("l1") c:sendline("l2")
  c:close()
end)
local s = socket.create_connection({"127.0.0.1", port}, 5)
print(s:gettimeout())
print(s:recvline())
print(s:recvline(false))
print(s:recvline(false) == "")
print(s:recvuntil(";;"))
print(s:recvuntil("tail", true))
print(s:recvexactly(5))
print(s:recv(4))
local got = {}
for line in s:lines() do got[#got+1] = line end
print(table.concat(got, ","))
print(s:recvline() == "", s:recvexactly(3))
peer:join()
local ai = socket.getaddrinfo("localhost", "http", socket.AF_INET, socket.SOCK_STREAM)
print(#ai, ai[1].family == socket.AF_INET, ai[1].proto, tostring(ai[1].addr), ai[1][5].port)
print(socket.getnameinfo({"127.0.0.1", 22}, socket.NI_NUMERICHOST))
print(socket.inet_ntoa(socket.inet_aton("127.1")), #socket.inet_pton(socket.AF_INET6, "::1"))
print(socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, "::ffff:1.2.3.4")))
print(socket.inet_aton("300.1.1.1"))
local none, why = socket.getservbyname("nonexistent")
print(none, why, socket.getservbyport(1, "udp"))
local u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6:bind("::1", 0)
print(tostring(u6:getsockname()):match("^%[::1%]:%d+$") ~= nil)
socket.setdefaulttimeout(2.5) print(socket.getdefaulttimeout(), socket.socket():gettimeout()) socket.setdefaulttimeout(nil)
print(socket.gethostbyname("localhost"), socket.gethostbyname_ex("localhost"))
help(socket)
`)
	want := `5
one

two
true
HEAD:x;;

12345
rest
l1,l2
true	nil	connection closed after 0 of 3 bytes
1	true	6	127.0.0.1:80	80
127.0.0.1	ssh
127.0.0.1	16
::ffff:1.2.3.4
nil	illegal IP address string passed to inet_aton
nil	service/proto not found	nil	port/proto not found
true
2.5	2.5
127.0.0.1	localhost	table`
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "socket:recvuntil(delim[, drop])") {
		t.Fatalf("got:\n%s\nwant prefix:\n%s", out, want)
	}
}

func TestEveryFunctionDocumented(t *testing.T) {
	for _, f := range append(append([]any{}, funcsOf(moduleFuncs)...), funcsOf(socketType.Methods)...) {
		fn := f.([3]string)
		if fn[1] == "" || fn[2] == "" {
			t.Errorf("%s lacks Args or Doc", fn[0])
		}
	}
}

func TestLineHelpersAndModule(t *testing.T) {
	t.Parallel()
	env{}.testLineHelpersAndModule(t)
}
