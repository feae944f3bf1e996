package shell

import (
	"os"
	"os/exec"
	"testing"

	"socklab/internal/nstest"
)

// TestREPLInterruptScan: Ctrl-C typed while `r = net.scan(…)` runs at the
// prompt returns the partial result, which prints as interrupted, and the line
// goes on, so r holds it (issue 9). socklab runs in a private network
// namespace whose loopback drops every SYN, so the full-range scan is still
// under way when Ctrl-C arrives; the progress bar is the event the test
// waits for.
func TestREPLInterruptScan(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		nstest.SkipOrFail(t, "needs root for a private network namespace")
	}
	for _, tool := range []string{"unshare", "ip", "iptables"} {
		if _, err := exec.LookPath(tool); err != nil {
			nstest.SkipOrFail(t, "needs %s (Debian packages util-linux, iproute2, iptables)", tool)
		}
	}
	setup := `ip link set lo up && iptables -A INPUT -p tcp --syn -j DROP && exec "$@"`
	tm := startTerminal(t, terminalOptions{rows: 40, cols: 120, prompt: true,
		wrap: []string{"unshare", "-n", "sh", "-c", setup, "sh"}})
	tm.send(`g = 42` + "\r")
	tm.expect("socklab> ")
	tm.send(`r = net.scan("127.0.0.1", "1-65535", {skip_discovery = true}) print("line " .. "went on", r.interrupted)` + "\r")
	// The progress bar shows a count of decided ports that starts with 1
	// (1xx, 1xxx or 1xxxx of 65535): the scan is under way.
	tm.expect("% 1")
	tm.send("\x03")
	tm.expect("line went on\ttrue")
	tm.expect("socklab> ")
	tm.send("r\r")
	tm.expect("Interrupted after")
	tm.expect("socklab> ")
	tm.send(`r.interrupted, r.scanned < r.ports, g` + "\r")
	tm.expect("true\ttrue\t42")
	tm.expect("socklab> ")
}
