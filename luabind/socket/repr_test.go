package socket

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// Entries and addresses keep their values (numbers stay numbers); their
// metatables give the compact forms the REPL and pp show.
func TestReprOfEntriesAndAddresses(t *testing.T) {
	t.Parallel()
	out := env{}.runLua(t, `
local e = socket.getaddrinfo("localhost", "http", socket.AF_INET, socket.SOCK_STREAM)[1]
print(e.family == socket.AF_INET, e[1] == e.family, type(e.type), e.proto, e.addr.port, e[5] == e.addr)
print(tostring(e))
print(getmetatable(e).__repr(e), getmetatable(e.addr).__repr(e.addr), tostring(e.addr))
local six = socket.getaddrinfo("::1", 7, socket.AF_INET6, socket.SOCK_DGRAM)[1]
print(six, six.addr)
e[3] = 0
print(e)
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u:bind("127.0.0.1", 0)
local a = u:getsockname()
local r = getmetatable(a).__repr(a)
local copy = loadstring("return " .. r)()
print(copy[1] == a.host, copy[2] == a.port)
`)
	want := `true	true	number	6	80	true
{AF_INET, SOCK_STREAM, IPPROTO_TCP, "", {"127.0.0.1", 80}}
{AF_INET, SOCK_STREAM, IPPROTO_TCP, "", {"127.0.0.1", 80}}	{"127.0.0.1", 80}	127.0.0.1:80
{AF_INET6, SOCK_DGRAM, IPPROTO_UDP, "", {"::1", 7, 0, 0}}	[::1]:7
{AF_INET, SOCK_STREAM, 0, "", {"127.0.0.1", 80}}
true	true
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// dir(a) and completion list an address's host and port.
func TestAddressMembers(t *testing.T) {
	t.Parallel()
	rt := runtime.New()
	defer rt.Close()
	var names []string
	rt.Do(func(L *lua.LState) {
		if err := L.DoString(`a = socket.getaddrinfo("127.0.0.1", 80)[1].addr`); err != nil {
			t.Fatal(err)
		}
		names = rt.Members(L.GetGlobal("a"))
	})
	if strings.Join(names, ",") != "host,port" {
		t.Errorf("members %q, want host and port", names)
	}
}
