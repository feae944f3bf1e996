package scan

import (
	"fmt"
	"strings"
	"testing"
)

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
