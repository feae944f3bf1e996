package shell

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"socklab/internal/nstest"
	"socklab/luabind/runtime/runtimetest"
)

// output runs send on the terminal and returns what appeared until want
// (included), ANSI sequences removed.
func (tm *terminal) output(send, want string) string {
	tm.t.Helper()
	from := tm.seen
	tm.send(send)
	tm.expect(want)
	return tm.text()[from:tm.seen]
}

// longestLine is the length in characters of the longest line of s.
func longestLine(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, len([]rune(l)))
	}
	return n
}

// longestDocLine is longestLine of the indented lines of help text: the
// docs, which are wrapped (a signature is not).
func longestDocLine(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, " ") {
			n = max(n, len([]rune(l)))
		}
	}
	return n
}

// On a 120-column terminal help is wrapped near 120 columns, not 80.
func TestHelpWrapsToTheTerminalsWidth(t *testing.T) {
	tm := startREPL(t) // 120×40
	text := tm.output("help(socket.create_server)\r", "socklab> ")
	body := text[strings.Index(text, "socket.create_server(host"):]
	if n := longestDocLine(body); n <= 100 || n > 120 {
		t.Errorf("longest help line %d columns on a 120-column terminal, want 101-120:\n%s", n, body)
	}
	// A narrower window, the same session: help follows the resize.
	if err := setSize(tm, 60, 40); err != nil {
		t.Fatal(err)
	}
	text = tm.output("help(socket.create_server)\r", "socklab> ")
	body = text[strings.Index(text, "socket.create_server(host"):]
	if n := longestDocLine(body); n > 60 || n < 50 {
		t.Errorf("longest help line %d columns on a 60-column terminal, want 50-60:\n%s", n, body)
	}
}

// Help longer than the window goes through the built-in pager when there
// is no $PAGER and no less: space shows the next page, q returns to the
// prompt with the session intact.
func TestHelpBuiltinPager(t *testing.T) {
	tm := startTerminal(t, terminalOptions{rows: 12, cols: 80, prompt: true, env: []string{"PAGER=", "PATH=" + t.TempDir()}})
	tm.send("x = 41\r")
	tm.expect("socklab> ")
	first := tm.output("help(socket)\r", morePrompt)
	if !strings.Contains(first, "socket: Python's socket module") || strings.Contains(first, "socket:interactive()") {
		t.Errorf("first page:\n%s", first)
	}
	if rows := strings.Count(first[strings.Index(first, "socket: Python"):], "\n"); rows > 11 {
		t.Errorf("the first page has %d rows in a 12-row window:\n%s", rows, first)
	}
	tm.send(" ")
	tm.expect(morePrompt)
	tm.send("q")
	tm.expect("socklab> ")
	tm.send("x + 1\r")
	tm.expect("42\n")
	if strings.Contains(tm.text(), "socket:interactive()") {
		t.Error("the pager showed the end of the help after q")
	}
}

// With less installed and no $PAGER, long help goes through less -FRX
// (its prompt set through $LESS here, -Ps, to recognise it); q returns.
func TestHelpThroughLess(t *testing.T) {
	if _, err := exec.LookPath("less"); err != nil {
		nstest.SkipOrFail(t, "less is not installed (apt-get install less)")
	}
	tm := startTerminal(t, terminalOptions{rows: 12, cols: 80, prompt: true, env: []string{"PAGER=", "LESS=-Pssocklab-less-prompt"}})
	tm.send("x = 41\r")
	tm.expect("socklab> ")
	tm.output("help(socket)\r", "socklab-less-prompt")
	tm.send("q")
	tm.expect("socklab> ")
	tm.send("x + 1\r")
	tm.expect("42\n")
}

// $PAGER, when set, is the pager (run by sh, as git runs it).
func TestHelpThroughPAGER(t *testing.T) {
	tm := startTerminal(t, terminalOptions{rows: 12, cols: 80, prompt: true, env: []string{`PAGER=sed 's/^/P:/'`}})
	text := tm.output("help(socket)\r", "P:      what you type is sent.")
	if !strings.Contains(text, "P:socket: Python's socket module") {
		t.Errorf("help did not go through $PAGER:\n%s", text)
	}
	tm.send("1 + 1\r")
	tm.expect("2\n")
	// Help that fits the window is written, not paged.
	if text := tm.output("help(socket.gethostname)\r", "socklab> "); strings.Contains(text, "P:") {
		t.Errorf("short help went through the pager:\n%s", text)
	}
}

// Piped output and scripts never page, however small the window.
func TestHelpNeverPagesIntoAPipeOrFromAScript(t *testing.T) {
	var piped runtimetest.Buffer
	tm := startTerminal(t, terminalOptions{stdout: &piped, rows: 12, cols: 80, env: []string{"PAGER=", "PATH=" + t.TempDir()}})
	for deadline := time.Now().Add(ptyTimeout); !strings.Contains(tm.text(), "socklab> "); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt: %q", tm.text())
		}
	}
	tm.send("help(socket)\r1 + 1\r")
	for deadline := time.Now().Add(ptyTimeout); !strings.HasSuffix(piped.String(), "what you type is sent.\n2\n"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the pipe got %q", piped.String())
		}
	}
	if strings.Contains(piped.String()+tm.text(), "-- more --") {
		t.Error("paged into a pipe")
	}
	if n := longestLine(piped.String()); n > 80 {
		t.Errorf("help into a pipe is %d columns wide, want at most 80", n)
	}

	script := startTerminal(t, terminalOptions{rows: 12, cols: 80, env: []string{"PAGER=", "PATH=" + t.TempDir()}}, "-e", "help(socket)")
	script.expect("what you type is sent.")
	if code := script.exitCode(); code != 0 || strings.Contains(script.text(), "-- more --") {
		t.Errorf("a script paged or failed (exit %d):\n%s", code, script.text())
	}
}

// setSize resizes the terminal's window, as dragging its corner does.
func setSize(tm *terminal, cols, rows uint16) error {
	return pty.Setsize(tm.pty, &pty.Winsize{Rows: rows, Cols: cols})
}
