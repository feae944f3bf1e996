package dns

import (
	"context"
	"net"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/dns/dnstest"
	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// run runs src in a fresh runtime with the given string globals, and
// fails the test if it raises an error. It returns what it printed.
func run(t *testing.T, globals map[string]string, src string) string {
	t.Helper()
	e := runtimetest.New(t)
	e.RT.Do(func(L *lua.LState) {
		for k, v := range globals {
			L.SetGlobal(k, lua.LString(v))
		}
	})
	if err := e.Exec(t, context.Background(), "test", src); err != nil {
		t.Fatalf("%s\n%s\noutput:\n%s", runtime.ErrorMessage(err), runtime.Traceback(err), e.Out.String())
	}
	return e.Out.String()
}

// luaServer starts dns.serve with a Lua handler (source of a function
// expression) in a fresh runtime, as the global srv, and returns the
// runtime and the server's address.
func luaServer(tb testing.TB, handler string) (*runtimetest.Env, string) {
	tb.Helper()
	e := runtimetest.New(tb)
	if err := e.Exec(tb, context.Background(), "start", "srv = dns.serve{handler = "+handler+"}\nADDR = srv.addr"); err != nil {
		tb.Fatal(runtime.ErrorMessage(err))
	}
	var addr string
	e.RT.Do(func(L *lua.LState) { addr = lua.LVAsString(L.GetGlobal("ADDR")) })
	return e, addr
}

// queryChecks runs against any server holding the lab records (dnsmasq's,
// or dns.serve's labZone): each type's own fields, a CNAME chain, a
// missing name, the TCP retry, printing, dns.resolve and dns.reverse.
const queryChecks = `
local o = {server = SERVER, timeout = 5}
local function one(name, qtype)
	local r = assert(dns.query(name, qtype, o))
	assert(r.rcode == "NOERROR", name .. " " .. qtype .. ": " .. r.rcode)
	return r
end
local r = one("web.lab.test", "A")
assert(r.flags.qr and r.question.name == "web.lab.test." and r.question.type == "A")
assert(#r.answer == 1 and r.answer[1].address == "127.0.0.2" and r.answer[1].type == "A" and r.answer[1].class == "IN")
assert(r.transport == "udp" and r.server == SERVER and r.size > 0 and r.time >= 0)
assert(r.edns and r.edns.udp > 0)
assert(one("web.lab.test", "AAAA").answer[1].address == "::2")
assert(one("web.lab.test", 28).answer[1].address == "::2")
local mx = one("lab.test", "MX").answer[1]
assert(mx.preference == 10 and mx.exchange == "mail.lab.test.", tostring(mx))
local txt = one("txt.lab.test", "TXT").answer[1]
assert(txt.strings[1] == "hello world" and txt.strings[2] == "second" and txt.text == "hello worldsecond")
local srv = one("_http._tcp.lab.test", "SRV").answer[1]
assert(srv.priority == 1 and srv.weight == 5 and srv.port == 80 and srv.target == "web.lab.test.")
local caa = one("caa.lab.test", "CAA").answer[1]
assert(caa.flags == 0 and caa.tag == "issue" and caa.value == "ca.example")
assert(one("2.0.0.127.in-addr.arpa", "PTR").answer[1].target == "web.lab.test.")
local chain = one("alias.lab.test", "A")
assert(#chain.answer == 3 and chain.answer[1].type == "CNAME" and chain.answer[1].target == "www.lab.test.")
assert(one("www.lab.test", "CNAME").answer[1].target == "web.lab.test.")
local nx = assert(dns.query("nope.lab.test", "A", o))
assert(nx.rcode == "NXDOMAIN" and #nx.answer == 0)
local big = one("big.lab.test", "TXT")
assert(big.transport == "tcp" and big.truncated and #big.answer >= 12, big.transport)
local text = tostring(r)
assert(text:find(";; ANSWER SECTION:", 1, true) and text:find("web.lab.test.\t%d+\tIN\tA\t127.0.0.2"), text)
assert(text:find("status: NOERROR", 1, true) and text:find(";; SERVER: 127.0.0.1#", 1, true), text)
assert(tostring(mx):find("^lab.test.\t%d+\tIN\tMX\t10 mail.lab.test.$"), tostring(mx))

local res = assert(dns.resolve("alias.lab.test", "A", o))
assert(res.canonical == "web.lab.test." and res.aliases[1] == "alias.lab.test." and res.aliases[2] == "www.lab.test.")
assert(res.addresses[1] == "127.0.0.2")
assert(tostring(res) == "alias.lab.test. is an alias for www.lab.test.\nwww.lab.test. is an alias for web.lab.test.\nweb.lab.test. has address 127.0.0.2", tostring(res))
local none, msg = dns.resolve("nope.lab.test", "A", o)
assert(none == nil and msg == "NXDOMAIN: nope.lab.test. does not exist", msg)
none, msg = dns.resolve("mail.lab.test", "MX", o)
assert(none == nil and msg:find("^NODATA: mail.lab.test. has no MX records"), msg)
local name, all = dns.reverse("127.0.0.2", o)
assert(name == "web.lab.test." and all[1] == name, tostring(name))
print("ok")
`

func TestLuaAgainstDnsmasq(t *testing.T) {
	server := dnstest.StartDnsmasq(t)
	if out := run(t, map[string]string{"SERVER": server}, queryChecks); out != "ok\n" {
		t.Fatalf("output %q", out)
	}
}

// labZone is dnsmasq's lab zone (see dnstest) as zone-file text.
const labZone = `
web.lab.test.    IN A   127.0.0.2
web.lab.test.    IN AAAA ::2
mail.lab.test.   IN A   127.0.0.3
www.lab.test.    IN CNAME web.lab.test.
alias.lab.test.  IN CNAME www.lab.test.
lab.test.        IN MX  10 mail.lab.test.
txt.lab.test.    IN TXT "hello world" "second"
_http._tcp.lab.test. IN SRV 1 5 80 web.lab.test.
caa.lab.test.    IN CAA 0 issue "ca.example"
2.0.0.127.in-addr.arpa. IN PTR web.lab.test.
`

func bigZone() string {
	var b strings.Builder
	for _, s := range dnstest.BigTXT {
		b.WriteString("big.lab.test. IN TXT \"" + s + "\"\n")
	}
	return b.String()
}

// TestLuaServeAnswersLikeDnsmasq: the same checks against dns.serve started
// from Lua with the same records; once closed, its port answers no more.
func TestLuaServeAnswersLikeDnsmasq(t *testing.T) {
	out := run(t, map[string]string{"ZONE": labZone + bigZone(), "CHECKS": queryChecks}, `
		local srv = dns.serve{zone = ZONE}
		SERVER = srv.addr
		assert(loadstring(CHECKS))()
		assert(srv.queries > 10 and srv.records > 10, tostring(srv.queries))
		srv:close()
		srv:close()
		local r, err = dns.query("web.lab.test", "A", {server = SERVER, timeout = 0.2, tries = 1})
		assert(r == nil and err:find("no answer from"), err)
	`)
	if out != "ok\n" {
		t.Fatalf("output %q", out)
	}
}

// TestLuaZoneTables: records as positional and keyed tables and zone lines.
func TestLuaZoneTables(t *testing.T) {
	run(t, nil, `
		local srv = dns.serve{zone = {
			"www.lab.test CNAME web.lab.test",
			{"web.lab.test", "A", "127.0.0.2"},
			{"web.lab.test", "AAAA", "::2", 60},
			{name = "lab.test", type = "MX", preference = 10, exchange = "mail.lab.test"},
			{name = "txt.lab.test", type = "TXT", text = 'say "hi"'},
			{name = "txt2.lab.test", type = "TXT", strings = {"a", "b"}, ttl = 5},
			{name = "srv.lab.test", type = "SRV", data = "1 2 3 web.lab.test"},
		}, outside = "NXDOMAIN"}
		local o = {server = srv.addr}
		assert(dns.query("www.lab.test", "A", o).answer[2].address == "127.0.0.2")
		assert(dns.query("web.lab.test", "AAAA", o).answer[1].ttl == 60)
		assert(dns.query("lab.test", "MX", o).answer[1].exchange == "mail.lab.test.")
		assert(dns.query("txt.lab.test", "TXT", o).answer[1].text == 'say "hi"')
		local t2 = dns.query("txt2.lab.test", "TXT", o).answer[1]
		assert(t2.strings[2] == "b" and t2.ttl == 5)
		assert(dns.query("srv.lab.test", "SRV", o).answer[1].port == 3)
		assert(dns.query("example.com", "A", o).rcode == "NXDOMAIN")
		local refusing = dns.serve{zone = "web.lab.test A 127.0.0.2"}
		assert(dns.query("example.com", "A", {server = refusing.addr}).rcode == "REFUSED")
		assert(dns.query("nope.lab.test", "A", {server = refusing.addr}).rcode == "NXDOMAIN")
	`)
}

// TestLuaSilentServer: a server that never answers; the timeout is honoured
// and the message says so.
func TestLuaSilentServer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	out := run(t, map[string]string{"SERVER": pc.LocalAddr().String()}, `
		local t0 = now()
		local r, err = dns.query("web.lab.test", "A", {server = SERVER, timeout = 0.2, tries = 2})
		assert(r == nil, "answered?")
		assert(now() - t0 >= 0.4, "gave up early")
		print(err)
		print(dns.resolve("web.lab.test", "A", {server = SERVER, timeout = 0.1, tries = 1}))
	`)
	want := "timed out: no answer from " + pc.LocalAddr().String() + " (2 tries of 200ms each)\n"
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "nil\ttimed out: no answer from") {
		t.Fatalf("output %q, want %q first", out, want)
	}
}

// TestLuaBadInput: misuse raises a clear error, never a panic.
func TestLuaBadInput(t *testing.T) {
	cases := []struct{ src, want string }{
		{`dns.query("x.test", "FOO")`, `bad argument #2 to 'query' (unknown DNS record type "FOO"`},
		{`dns.query("x.test", 70000)`, "record type number must be 0-65535"},
		{`dns.query("x.test", {})`, "record type expected"},
		{`dns.query(string.rep("a", 64) .. ".test")`, "is 64 bytes long (at most 63)"},
		{`dns.query(string.rep("abcdefghi.", 30))`, "on the wire (at most 255)"},
		{`dns.query("a..b")`, "empty label"},
		{`dns.query()`, "bad argument #1 to 'query' (string expected, got nil)"},
		{`dns.query("x.test", "A", {server = "127.0.0.1:70000"})`, "port must be 1-65535"},
		{`dns.query("x.test", "A", {server = 5})`, "server must be"},
		{`dns.query("x.test", "A", {timeout = -1})`, "timeout must be a number of seconds > 0"},
		{`dns.query("x.test", "A", {tries = 0})`, "tries must be a whole number 1-10"},
		{`dns.query("x.test", "A", {bogus = 1})`, "unknown option bogus (known: bufsize, class"},
		{`dns.query("x.test", "A", {class = "XX"})`, "unknown DNS class"},
		{`dns.reverse("not-an-ip")`, `"not-an-ip" is not an IP address`},
		{`dns.serve("x")`, "table expected"},
		{`dns.serve{listen = "127.0.0.1:70000"}`, "listen port must be 0-65535"},
		{`dns.serve{listen = "nonsense"}`, "listen must be"},
		{`dns.serve{zone = "web.lab.test A not-an-ip"}`, `zone: bad A A: "not-an-ip" at line 1`},
		{"dns.serve{zone = [[ok.test A 1.2.3.4\nweb.lab.test MX x]]}", "at line 2"},
		{`dns.serve{zone = {{"web.lab.test", "A"}}}`, "zone item 1: data (item 3) must be a string"},
		{`dns.serve{zone = {{name = "lab.test", type = "MX", exchange = "m.test"}}}`, `missing field "preference"`},
		{`dns.serve{zone = {{name = "lab.test", type = "MX", prefrence = 1, exchange = "m"}}}`, `unknown field "prefrence"`},
		{`dns.serve{zone = {x = 1}}`, "must be a list"},
		{`dns.serve{zone = 5}`, "zone must be zone-file text or a list"},
		{`dns.serve{outside = "NOERROR"}`, "outside must be"},
	}
	for _, c := range cases {
		e := runtimetest.New(t)
		err := e.Exec(t, context.Background(), "test", c.src)
		if msg := runtime.ErrorMessage(err); err == nil || !strings.Contains(msg, c.want) || strings.Contains(msg, "internal error") {
			t.Errorf("%s: %v, want %q", c.src, msg, c.want)
		}
	}
}
