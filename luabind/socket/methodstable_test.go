package socket

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// Methods and attributes through a table (issue 8): every socket's
// metatable has a plain table as __index holding the methods and the
// socket's family, type and proto, whichever way the socket was made.
func TestSocketIndexIsATable(t *testing.T) {
	t.Parallel()
	out := env{}.runLua(t, `
local function show(what, s)
  local index = getmetatable(s).__index
  print(what, type(index), rawget(index, "recv") == s.recv, rawget(index, "family"), rawget(index, "type"), rawget(index, "proto"))
end
local srv = socket.create_server("127.0.0.1", 0)
show("server", srv)
local c = socket.create_connection(srv:getsockname())
show("client", c)
local a = srv:accept()
show("accepted", a)
show("udp", socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
show("udp6", socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
show("unix", socket.socket(socket.AF_UNIX))
show("plain", socket.socket())
print("shared", getmetatable(c) == getmetatable(a), getmetatable(c) == getmetatable(srv),
  getmetatable(c) ~= getmetatable(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)))
`)
	want := `server	table	true	2	1	6
client	table	true	2	1	6
accepted	table	true	2	1	6
udp	table	true	2	2	17
udp6	table	true	10	2	17
unix	table	true	1	1	0
plain	table	true	2	1	6
shared	true	true	true
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// What used the metatable before still works with per-variant metatables:
// method calls, attributes (also after close), tostring, unknown keys, the
// argument check of a method called on something else, help and the
// names the REPL prints beside numbers.
func TestSocketVariantsBehaveAsOneType(t *testing.T) {
	t.Parallel()
	out := env{}.runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local c = socket.create_connection(srv:getsockname())
local a = srv:accept()
print(c:sendall("ping"), a:recv(10), a.family == socket.AF_INET, a.type == socket.SOCK_STREAM, a.proto)
print(tostring(a):match("^<socket fd=%d+ family=AF_INET type=SOCK_STREAM laddr=127%.0%.0%.1:%d+ raddr=127%.0%.0%.1:%d+>$") ~= nil)
print(a.nosuch, a[1])
a:close()
print(tostring(a):match("^<socket %[closed%] fd=%-1 family=AF_INET type=SOCK_STREAM>$") ~= nil, a.family, a:fileno())
print(a:recv(1))
print(pcall(a.recv, {}, 1))
print(pcall(a.recv, spawn(function() end), 1))
print(pcall(a.family))
local u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
print(u.family, u.type, u.proto, u:close(), u.type)
help(u)
`)
	for _, want := range []string{
		"true\tping\ttrue\ttrue\t6\n",
		"true\n",
		"nil\tnil\n",
		"true\t2\t-1\n",
		"nil\t[Errno 9] Bad file descriptor\n",
		"false\tcalling 'recv' on bad self (socket expected, got table)\n",
		"false\tcalling 'recv' on bad self (socket expected, got task)\n",
		"false\tattempt to call a number value\n",
		"1\t2\t0\ttrue\t2\n",
		"socket objects: a socket made by socket.socket()",
		"  fields: family, type, proto\n",
		"  socket:recv(bufsize[, flags])\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// The REPL's view of a socket of each variant: its type (help, dir and
// completion), its members and the names printed beside its numbers.
func TestSocketVariantsForTheREPL(t *testing.T) {
	t.Parallel()
	rt := runtime.New()
	defer rt.Close()
	rt.Do(func(L *lua.LState) {
		if err := L.DoString(`
			tcp = socket.socket()
			udp6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
			srv = socket.create_server("127.0.0.1", 0)
			cli = socket.create_connection(srv:getsockname())
			acc = srv:accept()`); err != nil {
			t.Fatal(err)
		}
		base := rt.TypeOf(L.GetGlobal("tcp"))
		if base == nil || base.Name != "socket" {
			t.Fatalf("TypeOf(tcp) = %v, want the socket type", base)
		}
		for _, name := range []string{"udp6", "srv", "cli", "acc"} {
			v := L.GetGlobal(name)
			if ty := rt.TypeOf(v); ty != base {
				t.Errorf("TypeOf(%s) = %v, want the socket type", name, ty)
			}
			members := strings.Join(rt.Members(v), ",")
			for _, m := range []string{"accept", "family", "proto", "recv", "type"} {
				if !strings.Contains(","+members+",", ","+m+",") {
					t.Errorf("Members(%s) lacks %s: %s", name, m, members)
				}
			}
		}
		for _, c := range []struct {
			name, field string
			value       int
			want        string
		}{
			{"tcp", "family", 2, "AF_INET"},
			{"udp6", "family", 10, "AF_INET6"},
			{"udp6", "type", 2, "SOCK_DGRAM"},
			{"acc", "type", 1, "SOCK_STREAM"},
		} {
			if got := rt.ValueName(L.GetGlobal(c.name), c.field, lua.LNumber(c.value)); got != c.want {
				t.Errorf("%s.%s = %d shows as %q, want %q", c.name, c.field, c.value, got, c.want)
			}
		}
	})
}

// Each runtime keeps its own variants: a socket of one runtime never gets a
// metatable (a Lua table) of another.
func TestSocketVariantsPerRuntime(t *testing.T) {
	t.Parallel()
	var mts [2]lua.LValue
	for i := range mts {
		rt := runtime.New()
		rt.Do(func(L *lua.LState) {
			if err := L.DoString(`s = socket.socket() s:close()`); err != nil {
				t.Fatal(err)
			}
			mts[i] = L.GetMetatable(L.GetGlobal("s"))
		})
		rt.Close()
	}
	if mts[0] == mts[1] {
		t.Error("two runtimes share a socket metatable")
	}
}
