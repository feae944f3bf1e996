package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/scan"
	"socklab/internal/scan/scantest"
	"socklab/internal/services"
	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// Tests of the Lua face (net.scan). Scans here go to 127.0.0.1 only, and in
// the machine's own namespace only to ports of the test's own listeners and
// to ports the test bound and closed; full-range scans are in
// lua_netns_test.go.

type luaEnv struct {
	rt          *runtime.Runtime
	out, errOut *runtimetest.Buffer
}

func newLua(t testing.TB) *luaEnv {
	t.Helper()
	rt := runtime.New()
	e := &luaEnv{rt: rt, out: &runtimetest.Buffer{}, errOut: &runtimetest.Buffer{}}
	e.rt.SetOutput(e.out, e.errOut)
	t.Cleanup(e.rt.Close)
	return e
}

// setInts sets the global name to a Lua list of ns.
func (e *luaEnv) setInts(name string, ns ...int) {
	e.rt.Do(func(L *lua.LState) { L.SetGlobal(name, intList(L, ns)) })
}

func (e *luaEnv) setGlobal(name string, v lua.LValue) {
	e.rt.Do(func(L *lua.LState) { L.SetGlobal(name, v) })
}

// exec runs src and returns its results or the error.
func (e *luaEnv) exec(ctx context.Context, t testing.TB, src string) ([]lua.LValue, error) {
	t.Helper()
	proto, err := e.rt.Compile(src, "test")
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	return e.rt.Exec(ctx, proto, "test")
}

// configure changes the runtime's net.scan configuration.
func (e *luaEnv) configure(change func(*config)) {
	e.rt.Do(func(L *lua.LState) { change(configOf(L)) })
}

// fakeEngine stands in for engine.Scan where no packet may leave the test:
// it counts its calls and reports every port closed.
type fakeEngine struct{ calls atomic.Int64 }

func (f *fakeEngine) scan(ctx context.Context, targets []engine.Target, ports []int, opts engine.Options) (*engine.Report, error) {
	f.calls.Add(1)
	rep := &engine.Report{Hosts: len(targets), Ports: len(ports)}
	for _, t := range targets {
		for _, p := range ports {
			rep.Results = append(rep.Results, engine.Result{Host: t.Host, IP: t.IP, Port: p, Proto: "tcp", State: engine.Closed})
		}
	}
	return rep, nil
}

// run runs src, failing the test on an error.
func (e *luaEnv) run(t testing.TB, src string) []lua.LValue {
	t.Helper()
	vs, err := e.exec(context.Background(), t, src)
	if err != nil {
		t.Fatalf("%v\nsource:\n%s", err, src)
	}
	return vs
}

// closedPorts binds n loopback TCP ports and releases them: nothing listens
// there afterwards (and they are ours, not another service's).
func closedPorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for len(ports) < n {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		p := ln.Addr().(*net.TCPAddr).Port
		if services.Name(p, "tcp") == "" {
			ports = append(ports, p)
		}
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// tcpListener listens on a loopback port with no service name and serves
// banner on it (see serveBanner).
func tcpListener(t testing.TB, banner string) int {
	t.Helper()
	for {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		if services.Name(port, "tcp") != "" {
			defer ln.Close()
			continue
		}
		serveBanner(t, ln, banner)
		return port
	}
}

// serveBanner sends each connection to ln the banner (if any) and holds it
// open until the peer closes it (or 5 s). ln closes when the test ends.
func serveBanner(t testing.TB, ln net.Listener, banner string) {
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if banner != "" {
					c.Write([]byte(banner))
				}
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				c.Read(make([]byte, 1)) // stay open until the scanner closes
			}()
		}
	}()
}

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

// TestLuaScanResult checks the result list, :open(), :json() and the table.
func TestLuaScanResult(t *testing.T) {
	t.Parallel()
	silent1 := tcpListener(t, "")
	silent2 := tcpListener(t, "")
	talker := tcpListener(t, "SSH-2.0-socklab_test\r\n")
	closed := closedPorts(t, 2)
	e := newLua(t)
	ports := []int{silent1, silent2, talker, closed[0], closed[1]}
	e.setInts("PORTS", ports...)
	vs := e.run(t, `
		local r = net.scan("127.0.0.1", PORTS, {banner = {timeout = 2}}) -- (what the silent ports cost; the talker speaks at once, even on a loaded machine)
		assert(getmetatable(r) == getmetatable(r:open()))
		local n = 0
		for i, res in ipairs(r) do n = n + 1 end
		return r, tostring(r), r:json(), #r, n, r.closed, r.hosts, r.ports, r.scanned, r.elapsed, r.interrupted`)
	if got := fmt.Sprint(vs[3:9]); got != "[5 5 2 1 5 5]" {
		t.Errorf("#r, ipairs, closed, hosts, ports, scanned = %s, want [5 5 2 1 5 5]", got)
	}
	if el := float64(vs[9].(lua.LNumber)); el <= 0 || vs[10] != lua.LNil {
		t.Errorf("elapsed %v interrupted %v", vs[9], vs[10])
	}

	// The JSON round trip: every port listed (both states have few ports).
	var s summary
	if err := json.Unmarshal([]byte(vs[2].String()), &s); err != nil {
		t.Fatalf("json: %v\n%s", err, vs[2])
	}
	open := []int{silent1, silent2, talker}
	slices.Sort(open)
	all := slices.Sorted(slices.Values(ports))
	if s.Hosts != 1 || s.Ports != 5 || s.Scanned != 5 || s.Closed != 2 || len(s.Results) != 5 || len(s.States["127.0.0.1"]) != 2 {
		t.Fatalf("json summary %+v", s)
	}
	for i, r := range s.Results {
		wantState, wantReason, wantBanner := "closed", "conn-refused", ""
		if slices.Contains(open, r.Port) {
			wantState, wantReason = "open", "syn-ack"
		}
		if r.Port == talker {
			wantBanner = "SSH-2.0-socklab_test"
		}
		if r.Host != "127.0.0.1" || r.IP != "127.0.0.1" || r.Port != all[i] || r.Proto != "tcp" || r.State != wantState ||
			r.Reason != wantReason || r.Banner != wantBanner || r.Service != "" || r.RTT <= 0 {
			t.Errorf("json result %d: %+v", i, r)
		}
	}

	// The nmap-style table lists both states (few ports each).
	var rows []string
	for _, p := range all {
		row := fmt.Sprintf("%d/tcp  closed", p)
		if slices.Contains(open, p) {
			row = fmt.Sprintf("%d/tcp  open  ", p)
		}
		if p == talker {
			row = fmt.Sprintf("%d/tcp  open%sSSH-2.0-socklab_test", p, strings.Repeat(" ", 13))
		}
		rows = append(rows, strings.TrimRight(row, " "))
	}
	want := "PORT       STATE   SERVICE  BANNER\n" + strings.Join(rows, "\n") +
		"\nScanned 1 host, 5 ports in ELAPSED s: 3 open, 2 closed"
	got := regexp.MustCompile(`in \d+\.\d\d s`).ReplaceAllString(vs[1].String(), "in ELAPSED s")
	if got != want {
		t.Errorf("tostring:\n%s\nwant:\n%s", got, want)
	}
	// print() and the REPL go through __tostring too.
	before := len(e.out.String())
	e.setGlobal("R", vs[0])
	e.run(t, `print(R)`)
	if printed := e.out.String()[before:]; printed != vs[1].String()+"\n" {
		t.Errorf("print(r) = %q", printed)
	}

	// :open() drops what is not open; the table says what is not shown.
	// r:port finds any port.
	e.setInts("CLOSED", closed...)
	vs = e.run(t, `local o = R:open()
		return #o, tostring(o), R:port(CLOSED[1]).state, R:port(CLOSED[1]).reason, R:port(1) == nil, o:port(CLOSED[2]).state`)
	if got := fmt.Sprintln(vs[0], vs[2], vs[3], vs[4], vs[5]); got != "3 closed conn-refused true closed\n" {
		t.Errorf(":open() and :port(): %v", vs)
	}
	if s := vs[1].String(); !strings.HasPrefix(s, "Not shown: 2 closed tcp ports (conn-refused)\nPORT") || !strings.HasSuffix(s, ": 3 open, 2 closed") {
		t.Errorf("tostring(r:open()):\n%s", s)
	}
}

func TestRenderTableHosts(t *testing.T) {
	t.Parallel()
	s := summary{Hosts: 3, Ports: 100, Scanned: 300, Closed: 296, Filtered: 1, Elapsed: 1.234, Down: []string{"10.0.0.3"},
		Results: []entry{
			{Host: "a.lan", IP: "10.0.0.1", Port: 22, Proto: "tcp", State: "open", Service: "ssh"},
			{Host: "a.lan", IP: "10.0.0.1", Port: 8080, Proto: "tcp", State: "filtered", Reason: "no-response", Service: "http-alt"},
			{Host: "10.0.0.2", IP: "10.0.0.2", Port: 80, Proto: "tcp", State: "open", Service: "http"},
			{Host: "10.0.0.2", IP: "10.0.0.2", Port: 443, Proto: "tcp", State: "open", Service: "https"},
		},
		States: map[string][]portGroup{
			"10.0.0.1": {{State: "closed", Reason: "conn-refused", Count: 98}, {State: "open", Count: 1}, {State: "filtered", Reason: "no-response", Count: 1}},
			"10.0.0.2": {{State: "closed", Reason: "conn-refused", Count: 98}, {State: "open", Count: 2}},
		}}
	want := `Host a.lan (10.0.0.1)
Not shown: 98 closed tcp ports (conn-refused)
PORT      STATE     SERVICE
22/tcp    open      ssh
8080/tcp  filtered  http-alt

Host 10.0.0.2
Not shown: 98 closed tcp ports (conn-refused)
PORT     STATE  SERVICE
80/tcp   open   http
443/tcp  open   https
Down (no answer to discovery): 10.0.0.3
Scanned 3 hosts (2 up), 100 ports each in 1.23 s: 3 open, 296 closed, 1 filtered`
	if got := renderTable(s); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	empty := renderTable(summary{Hosts: 1, Ports: 65535, Scanned: 65535, Closed: 65535, Elapsed: 0.5,
		States: map[string][]portGroup{"127.0.0.1": {{State: "closed", Reason: "conn-refused", Count: 65535}}}})
	if empty != "All 65535 scanned ports are closed (conn-refused)\nScanned 1 host, 65535 ports in 0.50 s: 0 open, 65535 closed" {
		t.Errorf("empty: %q", empty)
	}
	cut := renderTable(summary{Hosts: 1, Ports: 65535, Scanned: 1000, Closed: 999, Elapsed: 0.05, Interrupted: true,
		Results: []entry{{Host: "127.0.0.1", IP: "127.0.0.1", Port: 22, Proto: "tcp", State: "open", Banner: strings.Repeat("x", 100)}},
		States:  map[string][]portGroup{"127.0.0.1": {{State: "closed", Reason: "conn-refused", Count: 999}, {State: "open", Count: 1}}}})
	if !strings.Contains(cut, "Not shown: 999 closed tcp ports (conn-refused)\nPORT") || !strings.Contains(cut, "Interrupted after 1000 of 65535 probes") ||
		!strings.Contains(cut, strings.Repeat("x", 59)+"…") {
		t.Errorf("interrupted:\n%s", cut)
	}
}

// TestLuaOnResult: the callback runs on the calling task (it reads and
// writes the caller's locals and globals, and may block in sleep), once per
// port that is not closed, all before net.scan returns; an error in it stops
// the scan and surfaces, with every socket closed.
func TestLuaOnResult(t *testing.T) { // not parallel: it counts the process's descriptors
	a, b, c := tcpListener(t, ""), tcpListener(t, ""), tcpListener(t, "")
	closed := closedPorts(t, 3)
	e := newLua(t)
	e.setInts("PORTS", a, closed[0], b, closed[1], c, closed[2])
	e.run(t, `net.scan("127.0.0.1", PORTS[2])`) // warm up: timers, threads
	base := scantest.FDCount(t)
	vs := e.run(t, `
		calls = 0
		local seen, during = {}, {}
		local r = net.scan("127.0.0.1", PORTS, {concurrency = 2, on_result = function(res)
			calls = calls + 1
			sleep(0.01)                      -- a blocking call inside the callback
			seen[#seen + 1] = res.port
			during[#during + 1] = #tasks()   -- no task was spawned for it
		end})
		table.sort(seen)
		return calls, table.concat(seen, ","), table.concat(during, ","), #r`)
	want := []int{a, b, c}
	slices.Sort(want)
	wantSeen := strings.Trim(strings.ReplaceAll(fmt.Sprint(want), " ", ","), "[]")
	if got := fmt.Sprint(vs); got != fmt.Sprintf("[3 %s 0,0,0 6]", wantSeen) {
		t.Errorf("calls, seen, tasks during, #r = %s, want [3 %s 0,0,0 6]", got, wantSeen)
	}

	// An error in the callback: raised (string errors prefixed, other values
	// as they are), the scan stopped.
	_, err := e.exec(context.Background(), t, `return net.scan("127.0.0.1", PORTS, {on_result = function() error("boom") end})`)
	if msg := runtime.ErrorMessage(err); err == nil || !strings.Contains(msg, "net.scan: on_result: ") || !strings.Contains(msg, "boom") {
		t.Errorf("error in on_result: %v", err)
	}
	vs = e.run(t, `local ok, err = pcall(net.scan, "127.0.0.1", PORTS, {on_result = function() error({code = 7}) end})
		local x = 1
		return ok, type(err) == "table" and err.code, x`)
	if fmt.Sprint(vs) != "[false 7 1]" {
		t.Errorf("pcall with a table error: %v", vs)
	}
	scantest.WaitFDs(t, base)
}

// TestLuaProgress: the bar is drawn only when the runtime's stderr is a
// terminal, erased at the end, and never touches stdout.
func TestLuaProgress(t *testing.T) {
	t.Parallel()
	e := newLua(t)
	e.configure(func(c *config) { c.progressDelay = 0 })
	e.setInts("PORTS", append(closedPorts(t, 5), tcpListener(t, ""))...)
	// rate = 20: 6 probes take ~250 ms, so the 100 ms ticks come.
	scan := `return #net.scan("127.0.0.1", PORTS, {rate = 20%s})`

	e.rt.SetTerminal(false)
	e.run(t, fmt.Sprintf(scan, ""))
	if s := e.errOut.String(); s != "" {
		t.Errorf("not a terminal, but stderr got %q", s)
	}

	e.rt.SetTerminal(true)
	e.run(t, fmt.Sprintf(scan, ", progress = false"))
	if s := e.errOut.String(); s != "" {
		t.Errorf("progress = false, but stderr got %q", s)
	}
	e.run(t, fmt.Sprintf(scan, ""))
	s := e.errOut.String()
	if !strings.HasPrefix(s, "\r\x1b[Kscanning 1 host: [") || !strings.HasSuffix(s, "\r\x1b[K") || strings.Contains(s, "\n") {
		t.Errorf("progress on a terminal: %q", s)
	}
	if e.out.String() != "" {
		t.Errorf("stdout got %q", e.out.String())
	}

	// With a callback too: the bar is erased before each callback runs.
	e.errOut.Reset()
	e.run(t, fmt.Sprintf(scan, `, on_result = function(r) print("found", r.port) end`))
	if s := e.errOut.String(); !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("progress with on_result: %q", s)
	}
	if !strings.HasPrefix(e.out.String(), "found\t") {
		t.Errorf("stdout: %q", e.out.String())
	}
}

// TestLuaScanUDP: a UDP scan of our own echo listener and a closed port.
func TestLuaScanUDP(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo(buf[:n], from)
		}
	}()
	udpPort := pc.LocalAddr().(*net.UDPAddr).Port
	closedPC, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := closedPC.LocalAddr().(*net.UDPAddr).Port
	closedPC.Close()
	e := newLua(t)
	e.setInts("PORTS", udpPort, closedPort)
	vs := e.run(t, `local r = net.scan("127.0.0.1", PORTS, {udp = true, timeout = 5}) -- (the echo and the ICMP error come at once: a hang guard)
		local o = r:open()
		return #o, o[1].port, o[1].proto, r:port(PORTS[2]).state .. "/" .. r:port(PORTS[2]).reason, r.closed, tostring(r)`)
	if got := fmt.Sprint(vs[:5]); got != fmt.Sprintf("[1 %d udp closed/port-unreach 1]", udpPort) {
		t.Errorf("udp scan: %s\n%s", got, vs[5])
	}
	if !strings.Contains(vs[5].String(), strconv.Itoa(udpPort)+"/udp  open") {
		t.Errorf("udp table:\n%s", vs[5])
	}
}
