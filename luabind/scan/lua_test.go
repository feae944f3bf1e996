package scan

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

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
	e.rt.Do(func(L *lua.LState) { L.SetGlobal(name, runtime.Numbers(L, ns)) })
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

// tcpListener listens on a loopback port with no service name and returns
// it, serving banner there (scantest.ServeBanner).
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
		return scantest.ServeBanner(t, ln, banner)
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

// TestLuaScanUDP: a UDP scan of our own echo listener and a closed port.
func TestLuaScanUDP(t *testing.T) {
	t.Parallel()
	udpPort := scantest.Listen(t, 0, 1).UDP[0] // an echo server
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
