package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/scan/scantest"
	"socklab/luabind/runtime"
)

// Full-range scans from Lua, each inside a private network namespace (see
// netns_test.go) where only the test's listeners exist.

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

// TestLuaFullScanNetns: net.scan(host, "-") from Lua finds exactly the
// listeners, every other port closed; net.scan({host}, "1-65535") with
// on_result too, and the callback sees exactly them. (Each spec means
// every port, as TestLuaParsePorts checks; each full scan is seconds of
// CPU under -race, so each spec is scanned once.)
func TestLuaFullScanNetns(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 5, 0)
	want := slices.Clone(l.TCP)
	slices.Sort(want)
	e := newLua(t)
	vs := e.run(t, `
		local function summary(r)
			local open = {}
			for _, res in ipairs(r:open()) do open[#open + 1] = res.port end
			return table.concat(open, ","), #r, r.closed, r.scanned
		end
		local r = net.scan("127.0.0.1", "-")
		local seen = {}
		local r2 = net.scan({"127.0.0.1"}, "1-65535", {on_result = function(res)
			assert(res.state == "open", res.state)
			seen[#seen + 1] = res.port
		end})
		table.sort(seen)
		local o1, n1, c1, s1 = summary(r)
		local o2, n2, c2, s2 = summary(r2)
		return o1, n1, c1, s1, o2, n2, c2, s2, table.concat(seen, ","), r.elapsed, tostring(r)`)
	got := fmt.Sprint(vs[:9])
	ports := joinInts(want)
	if w := fmt.Sprintf("[%s 5 65530 65535 %s 5 65530 65535 %s]", ports, ports, ports); got != w {
		t.Errorf("open, #r, closed, scanned (\"-\", then \"1-65535\" with on_result), seen: %s, want %s\n%s", got, w, vs[10])
	}
	t.Logf("net.scan(\"-\"): %.3f s\n%s", float64(vs[9].(lua.LNumber)), vs[10])
}

// TestLuaInterruptNetns: interrupting a full scan from Lua, in one
// namespace with listeners on port 1 and three other ports. Every
// interrupt comes when the scan has reached port 1 (its listener accepted:
// an event, not a sleep). The cases run one after the other, as they share
// the listeners.
func TestLuaInterruptNetns(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 3, 0)
	l.ListenTCP(t, "127.0.0.1:1")
	t.Run("cancel", func(t *testing.T) { checkCancel(t, l) })
	t.Run("partial", func(t *testing.T) { checkPartial(t, l) })
}

// awaitPort1 forgets the listeners' earlier accepts, starts the scan, and
// waits until the scan has reached port 1; the test fails if the scan
// ended first (done).
func awaitPort1(t *testing.T, l *scantest.Listeners, opts string, start func(done chan<- error)) (done <-chan error) {
	t.Helper()
	for len(l.Accepted) > 0 {
		<-l.Accepted
	}
	ch := make(chan error, 1)
	go start(ch)
	select {
	case <-l.Accepted:
	case err := <-ch:
		t.Fatalf("opts %q: the scan ended before it reached port 1: %v", opts, err)
	}
	return ch
}

// checkCancel: cancelling the chunk (what Ctrl-C does) during a full scan
// ends it with "interrupted" and leaves no socket open; how long the
// return took is logged, not asserted.
func checkCancel(t *testing.T, l *scantest.Listeners) {
	e := newLua(t)
	e.run(t, `net.scan("127.0.0.1", 2)`) // warm up: timers, threads
	base := scantest.FDCount(t)
	for _, opts := range []string{"", `, {on_result = function() end}`, `, {progress = true}`} {
		e.rt.SetTerminal(opts != "")
		ctx, cancel := context.WithCancel(context.Background())
		done := awaitPort1(t, l, opts, func(done chan<- error) {
			_, err := e.exec(ctx, t, `local r = net.scan("127.0.0.1", "-"`+opts+`) return #r`)
			done <- err
		})
		cancelled := time.Now()
		cancel()
		err := <-done
		if err == nil || !runtime.IsInterrupted(err) {
			t.Errorf("opts %q: error %v, want interrupted", opts, err)
		}
		t.Logf("opts %q: returned %v after the cancel", opts, time.Since(cancelled).Round(time.Millisecond))
		scantest.WaitFDs(t, base)
	}
	if s := e.errOut.String(); strings.Count(s, "\r\x1b[K") > 0 && !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("progress bar left on screen: %q", s)
	}
}

// TestLuaFirewalledNetns: a host that drops SYNs except to its listeners
// and a block of 500 closed ports, scanned from Lua with the defaults:
// only the open ports are listed, the rest collapsed into nmap's "Not
// shown" line with reasons, and every port's state found by r:port.
func TestLuaFirewalledNetns(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 2, 0)
	rules := [][]string{{"-p", "tcp", "--syn", "--dport", "2001:2500", "-j", "ACCEPT"}}
	for _, p := range l.TCP {
		rules = append(rules, []string{"-p", "tcp", "--syn", "--dport", fmt.Sprint(p), "-j", "ACCEPT"})
	}
	rules = append(rules, []string{"-p", "tcp", "--syn", "-j", "DROP"})
	scantest.Firewall(t, rules...)
	e := newLua(t)
	e.setInts("OPEN", l.TCP...)
	vs := e.run(t, `
		local r = net.scan("127.0.0.1", {"1-3000", OPEN[1], OPEN[2]})
		return #r, r.closed, r.filtered, r:port(2001).state, r:port(7).reason, r:port(OPEN[1]).state, tostring(r)`)
	got := fmt.Sprint(vs[:6])
	if got != "[2 500 2500 closed no-response open]" {
		t.Errorf("#r, closed, filtered, ports 2001, 7, open: %s\n%s", got, vs[6])
	}
	if !strings.Contains(vs[6].String(), "Not shown: 2500 filtered tcp ports (no-response), 500 closed tcp ports (conn-refused)\n") {
		t.Errorf("table:\n%s", vs[6])
	}
	t.Logf("\n%s", vs[6])
}

// checkPartial: at the REPL (ExecInterruptible, what the shell runs a
// line with), a Ctrl-C during `r = net.scan(…)` returns the partial
// result, marked interrupted, and the line goes on: r holds it and the
// next statement runs. A second Ctrl-C then interrupts the rest of the
// line (here a sleep). Also with on_result. Every wait is on an event: the
// listener on port 1 accepting (the scan is under way), r being set (the
// line went on).
func checkPartial(t *testing.T, l *scantest.Listeners) {
	e := newLua(t)
	base := scantest.FDCount(t)
	for _, opts := range []string{"", `, {on_result = function() end}`} {
		e.setGlobal("r", lua.LNil)
		proto, err := e.rt.Compile(`r = net.scan("127.0.0.1", "-"`+opts+`) after = r.interrupted sleep(600)`, "test")
		if err != nil {
			t.Fatal(err)
		}
		intr := make(chan struct{}, 1)
		done := awaitPort1(t, l, opts, func(done chan<- error) {
			_, err := e.rt.ExecInterruptible(intr, proto, "test")
			done <- err
		})
		intr <- struct{}{}
		// The line goes on: r is set (polled while the line sleeps; the
		// deadline only bounds a failure).
		var scanned, total lua.LValue
		var text string
		for end := time.Now().Add(30 * time.Second); ; {
			var ok bool
			e.rt.Do(func(L *lua.LState) {
				if r, isTable := L.GetGlobal("r").(*lua.LTable); isTable && L.GetGlobal("after") == lua.LTrue {
					ok = r.RawGetString("interrupted") == lua.LTrue
					scanned, total = r.RawGetString("scanned"), r.RawGetString("ports")
					if err := L.CallByParam(lua.P{Fn: L.GetGlobal("tostring"), NRet: 1, Protect: true}, r); err == nil {
						text = L.Get(-1).String()
						L.Pop(1)
					}
				}
			})
			if ok {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("opts %q: the line ended instead of going on: %v", opts, err)
			default:
			}
			if time.Now().After(end) {
				t.Fatalf("opts %q: r was not set to an interrupted result", opts)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if n, _ := scanned.(lua.LNumber); n <= 0 || n >= 65535 || total != lua.LNumber(65535) {
			t.Errorf("opts %q: scanned %v of %v", opts, scanned, total)
		}
		if !strings.Contains(text, "Interrupted after") {
			t.Errorf("opts %q: the printout does not say interrupted:\n%s", opts, text)
		}
		intr <- struct{}{} // the second Ctrl-C stops the sleep
		if err := <-done; err == nil || !runtime.IsInterrupted(err) {
			t.Errorf("opts %q: after the second interrupt: %v, want interrupted", opts, err)
		}
		scantest.WaitFDs(t, base)
	}
}
