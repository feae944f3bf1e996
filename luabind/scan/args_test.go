package scan

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/scan"
	"socklab/luabind/runtime"
)

// Argument checking of net.scan, net.parse_ports, net.top_ports and
// net.scan_allow: misuse raises errors that say what is wrong before any
// socket exists.

func TestLuaParsePorts(t *testing.T) {
	t.Parallel()
	e := newLua(t)
	cases := []struct {
		expr string
		want []int
	}{
		{`80`, []int{80}},
		{`"22,80,8000-8002"`, []int{22, 80, 8000, 8001, 8002}},
		{`" 443 , 22 "`, []int{22, 443}},
		{`{443, 22, 22, "80-81"}`, []int{22, 80, 81, 443}},
		{`{top = 5}`, []int{21, 22, 23, 80, 443}}, // parse_ports sorts
		{`"65530-"`, []int{65530, 65531, 65532, 65533, 65534, 65535}},
	}
	for _, c := range cases {
		vs := e.run(t, "return net.parse_ports("+c.expr+")")
		var got []int
		e.rt.Do(func(L *lua.LState) {
			tbl := vs[0].(*lua.LTable)
			for i := 1; i <= tbl.Len(); i++ {
				got = append(got, int(tbl.RawGetInt(i).(lua.LNumber)))
			}
		})
		if !slices.Equal(got, c.want) {
			t.Errorf("net.parse_ports(%s) = %v, want %v", c.expr, got, c.want)
		}
	}
	vs := e.run(t, `local all, dash = net.parse_ports("1-65535"), net.parse_ports("-")
		return #all, #dash, all[1], all[65535], #net.top_ports(100), net.top_ports(3)[1], net.top_ports(3)[2]`)
	if got := fmt.Sprint(vs); got != "[65535 65535 1 65535 100 80 23]" {
		t.Errorf("full range / top ports: %s", got)
	}
}

// TestLuaMisuse: bad arguments raise Lua errors that say what is wrong, and
// no scan starts (every call below would only touch a port we closed).
func TestLuaMisuse(t *testing.T) {
	t.Parallel()
	e := newLua(t)
	e.setGlobal("CLOSED", lua.LNumber(closedPorts(t, 1)[0]))
	f := &fakeEngine{}
	e.configure(func(c *config) { c.scan = f.scan }) // nothing may reach a socket, even by mistake
	cases := []struct{ call, want string }{
		{`net.scan()`, "targets expected"},
		{`net.scan(42, CLOSED)`, "targets expected"},
		{`net.scan({}, CLOSED)`, "no targets"},
		{`net.scan({"127.0.0.1", 5}, CLOSED)`, "item 2 is a number"},
		{`net.scan("127.0.0.1")`, "ports expected"},
		{`net.scan("127.0.0.1", true)`, "ports expected"},
		{`net.scan("127.0.0.1", 70000)`, "bad port range 70000"},
		{`net.scan("127.0.0.1", 0)`, "bad port range 0"},
		{`net.scan("127.0.0.1", 22.5)`, "whole numbers"},
		{`net.scan("127.0.0.1", "1-70000")`, "bad port range 70000"},
		{`net.scan("127.0.0.1", "90-80")`, "bad port range 90-80"},
		{`net.scan("127.0.0.1", "ssh")`, `bad port spec "ssh"`},
		{`net.scan("127.0.0.1", "")`, "bad port spec"},
		{`net.scan("127.0.0.1", {})`, "no ports given"},
		{`net.scan("127.0.0.1", {CLOSED, {}})`, "item 2 is a table"},
		{`net.scan("127.0.0.1", {top = 0})`, "between 1 and 1000"},
		{`net.scan("127.0.0.1", {top = "x"})`, "whole number"},
		{`net.scan("127.0.0.1", CLOSED, 5)`, "options table expected"},
		{`net.scan("127.0.0.1", CLOSED, {timout = 1})`, `unknown option "timout"`},
		{`net.scan("127.0.0.1", CLOSED, {timeout = -1})`, "timeout must be"},
		{`net.scan("127.0.0.1", CLOSED, {timeout = "1"})`, "timeout must be"},
		{`net.scan("127.0.0.1", CLOSED, {concurrency = 0})`, "concurrency must be"},
		{`net.scan("127.0.0.1", CLOSED, {rate = 0})`, "rate must be"},
		{`net.scan("127.0.0.1", CLOSED, {rate = -5})`, "rate must be"},
		{`net.scan("127.0.0.1", CLOSED, {timing = 6})`, "timing template must be 0-5"},
		{`net.scan("127.0.0.1", CLOSED, {timing = -1})`, "timing template must be 0-5"},
		{`net.scan("127.0.0.1", CLOSED, {timing = 2.5})`, "timing must be a template number"},
		{`net.scan("127.0.0.1", CLOSED, {skip_discovery = 1})`, "skip_discovery must be true or false"},
		{`net.scan("127.0.0.1", CLOSED, {retries = -1})`, "retries must be"},
		{`net.scan("127.0.0.1", CLOSED, {banner = "yes"})`, "banner must be"},
		{`net.scan("127.0.0.1", CLOSED, {banner = {size = 3}})`, `unknown banner option "size"`},
		{`net.scan("127.0.0.1", CLOSED, {banner = {bytes = 0}})`, "banner.bytes must be"},
		{`net.scan("127.0.0.1", CLOSED, {udp = 1})`, "udp must be true or false"},
		{`net.scan("127.0.0.1", CLOSED, {progress = "auto"})`, "progress must be true or false"},
		{`net.scan("127.0.0.1", CLOSED, {on_result = 1})`, "on_result must be a function"},
		{`net.scan("127.0.0.1", CLOSED, {i_have_permission = "yes"})`, "i_have_permission must be"},
		{`net.scan("127.0.0.1", CLOSED, {}, 4)`, "too many arguments"},
		{`net.scan("300.1.1.1", CLOSED)`, `bad target "300.1.1.1"`},
		{`net.scan("127.0.0.1/33", CLOSED)`, "not a CIDR block"},
		{`net.scan("10.0.0.0/8", CLOSED)`, "too large"},
		{`net.scan("bad_host!", CLOSED)`, "bad target"},
		{`net.scan_allow("everything")`, `bad range "everything"`},
		{`net.scan_allow(5)`, `bad range "5"`},
		{`net.top_ports(0)`, "between 1 and 1000"},
		{`net.top_ports(1001)`, "between 1 and 1000"},
		{`net.top_ports(2.5)`, "whole number"},
		{`net.parse_ports("80,,81")`, "empty item"},
		{`net.parse_ports(65536)`, "bad port range 65536"},
	}
	for _, c := range cases {
		_, err := e.exec(context.Background(), t, c.call)
		if err == nil {
			t.Errorf("%s: no error", c.call)
			continue
		}
		if msg := runtime.ErrorMessage(err); !strings.Contains(msg, c.want) {
			t.Errorf("%s: error %q does not contain %q", c.call, msg, c.want)
		}
	}
	if n := f.calls.Load(); n != 0 {
		t.Errorf("%d scans started by calls that should have failed first", n)
	}
}

// TestLuaScopeRefusal: public addresses are refused with the permission
// warning before any socket exists, unless i_have_permission or
// net.scan_allow say otherwise (then the fake syscall layer shows the scan
// would go ahead: no packet leaves the test).
func TestLuaScopeRefusal(t *testing.T) {
	t.Parallel()
	f := &fakeEngine{}
	lookup := func(_ context.Context, host string) ([]netip.Addr, error) {
		if host == "public.example" {
			return []netip.Addr{netip.MustParseAddr("203.0.113.8")}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	e := newLua(t)
	e.configure(func(c *config) { c.scan, c.lookup = f.scan, lookup })
	for _, targets := range []string{`"203.0.113.8"`, `{"127.0.0.1", "203.0.113.8"}`, `"203.0.113.0/30"`, `"2001:db8::8888"`,
		`"public.example"`, `"::ffff:203.0.113.8"`} {
		_, err := e.exec(context.Background(), t, `return net.scan(`+targets+`, 53)`)
		if err == nil {
			t.Fatalf("net.scan(%s): not refused", targets)
		}
		msg := runtime.ErrorMessage(err)
		if !strings.Contains(msg, engine.PermissionWarning) || !strings.Contains(msg, "refusing to scan") {
			t.Errorf("net.scan(%s): %q does not quote the permission warning", targets, msg)
		}
	}
	if n := f.calls.Load(); n != 0 {
		t.Fatalf("%d scans started for refused targets", n)
	}

	// Explicit permission: the scan proceeds (against fake sockets).
	vs := e.run(t, `local r = net.scan("203.0.113.8", {53, 443}, {i_have_permission = true, retries = 0})
		return r.scanned, r.closed, #r`)
	if fmt.Sprint(vs) != "[2 2 2]" || f.calls.Load() == 0 {
		t.Errorf("with i_have_permission: %v, %d sockets", vs, f.calls.Load())
	}

	// net.scan_allow: per runtime.
	before := f.calls.Load()
	vs = e.run(t, `local list = net.scan_allow("203.0.113.0/24")
		net.scan_allow("203.0.113.9") -- inside: listed as given
		local r = net.scan({"203.0.113.8", "203.0.113.9"}, 53)
		return #net.scan_allow(), list[1], r.hosts, r.scanned`)
	if fmt.Sprint(vs) != "[2 203.0.113.0/24 2 2]" || f.calls.Load() == before {
		t.Errorf("after scan_allow: %v", vs)
	}
	if _, err := e.exec(context.Background(), t, `return net.scan("198.51.100.4", 53)`); err == nil {
		t.Error("198.51.100.4 is outside the allowed 203.0.113.0/24 but was scanned")
	}
	other := newLua(t)
	other.configure(func(c *config) { c.scan = f.scan })
	if _, err := other.exec(context.Background(), t, `return net.scan("203.0.113.8", 53)`); err == nil {
		t.Error("scan_allow of one runtime leaked into another")
	}

	// A name that does not resolve: nil and a message, not an error.
	vs = e.run(t, `return net.scan("no-such-host.invalid", 53)`)
	if len(vs) != 2 || vs[0] != lua.LNil || !strings.Contains(vs[1].String(), `cannot resolve "no-such-host.invalid": [Errno -2] Name or service not known`) {
		t.Errorf("unresolvable name: %v", vs)
	}
}
