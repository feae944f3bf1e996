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
// listeners, every other port closed; with on_result, the callback sees
// exactly them too.
func TestLuaFullScanNetns(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 5, 0)
	want := slices.Clone(l.TCP)
	slices.Sort(want)
	e := newLua(t)
	for _, spec := range []string{`"-"`, `"1-65535"`} {
		vs := e.run(t, `
			local r = net.scan("127.0.0.1", `+spec+`)
			local open = {}
			for _, res in ipairs(r:open()) do open[#open + 1] = res.port end
			local seen = {}
			local r2 = net.scan({"127.0.0.1"}, `+spec+`, {on_result = function(res)
				assert(res.state == "open", res.state)
				seen[#seen + 1] = res.port
			end})
			table.sort(seen)
			return table.concat(open, ","), #r, r.closed, r.scanned, table.concat(seen, ","), #r2, r.elapsed, tostring(r)`)
		got := fmt.Sprint(vs[:6])
		w := fmt.Sprintf("[%s 5 65530 65535 %s 5]", joinInts(want), joinInts(want))
		if got != w {
			t.Errorf("net.scan(%s): %s, want %s\n%s", spec, got, w, vs[7])
		}
		t.Logf("net.scan(%s): %.3f s\n%s", spec, float64(vs[6].(lua.LNumber)), vs[7])
	}
}

// TestLuaInterruptNetns: cancelling the chunk (what Ctrl-C does) during a
// full scan ends it with "interrupted" and leaves no socket open. The
// cancel comes when the scan has reached a listener on port 1 (an event,
// not a sleep); how long the return took is logged, not asserted.
func TestLuaInterruptNetns(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 3, 0)
	l.ListenTCP(t, "127.0.0.1:1")
	e := newLua(t)
	e.run(t, `net.scan("127.0.0.1", 2)`) // warm up: timers, threads
	base := scantest.FDCount(t)
	for _, opts := range []string{"", `, {on_result = function() end}`, `, {progress = true}`} {
		e.rt.SetTerminal(opts != "")
		for len(l.Accepted) > 0 {
			<-l.Accepted
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := e.exec(ctx, t, `local r = net.scan("127.0.0.1", "-"`+opts+`) return #r`)
			done <- err
		}()
		var err error
		select {
		case <-l.Accepted:
		case err = <-done:
			t.Fatalf("opts %q: the scan ended before it reached port 1: %v", opts, err)
		}
		cancelled := time.Now()
		cancel()
		err = <-done
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
