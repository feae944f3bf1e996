package shell

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"socklab/luabind/runtime/runtimetest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// The REPL tests drive the socklab binary through a real pseudo-terminal,
// each its own process, so they run in parallel. Timeouts are generous: the
// test machine may be a loaded two-core box running the race detector.
const ptyTimeout = 20 * time.Second

// terminal is a socklab process on a pty, and everything it has written.
type terminal struct {
	t     *testing.T
	cmd   *exec.Cmd
	pty   *os.File
	state string // XDG_STATE_HOME of the process

	mu   sync.Mutex
	out  strings.Builder
	seen int // how much of out expect has consumed
	done chan struct{}
	err  error // of cmd.Wait, once done is closed
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\r| \x08`)

// startREPL starts socklab with args on a 120×40 pty (readline completion
// does nothing on a zero-width terminal) and NO_COLOR set.
func startREPL(t *testing.T, args ...string) *terminal {
	t.Helper()
	return startREPLTo(t, nil, args...)
}

// startREPLTo is startREPL with stdout going to w instead of the terminal
// (nil: the terminal).
func startREPLTo(t *testing.T, w io.Writer, args ...string) *terminal {
	t.Helper()
	return startTerminal(t, terminalOptions{stdout: w, rows: 40, cols: 120, prompt: true}, args...)
}

// terminalOptions say how startTerminal runs socklab.
type terminalOptions struct {
	stdout     io.Writer // nil: the terminal
	rows, cols uint16    // the window's size
	env        []string  // added to the environment (PAGER=…)
	wrap       []string  // a command that runs socklab as its last arguments (unshare …)
	prompt     bool      // wait for the first prompt
}

// startTerminal starts socklab with args on a pty as o says.
func startTerminal(t *testing.T, o terminalOptions, args ...string) *terminal {
	t.Helper()
	tm := &terminal{t: t, state: t.TempDir(), done: make(chan struct{})}
	argv := append(append(append([]string{}, o.wrap...), socklab(t)), args...)
	tm.cmd = exec.Command(argv[0], argv[1:]...)
	tm.cmd.Stdout = o.stdout
	tm.cmd.Env = append(append(os.Environ(), "NO_COLOR=1", "TERM=xterm", "XDG_STATE_HOME="+tm.state), o.env...)
	f, err := pty.StartWithSize(tm.cmd, &pty.Winsize{Rows: o.rows, Cols: o.cols})
	if err != nil {
		t.Fatal(err)
	}
	tm.pty = f
	go func() {
		const dsr = "\x1b[6n"
		buf := make([]byte, 4096)
		tail := "" // the end of the last read: a query may be split between reads
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
			// readline asks where the cursor is (DSR, ESC[6n) before each
			// prompt and waits for the answer, as a terminal gives it; a
			// query left unanswered would stall it before the prompt.
			seen := tail + string(buf[:n])
			for range strings.Count(seen, dsr) {
				f.Write([]byte("\x1b[1;1R"))
			}
			// Keep fewer bytes than a whole query, so none is answered twice.
			tail = seen[max(0, len(seen)-len(dsr)+1):]
		}
	}()
	go func() {
		tm.err = tm.cmd.Wait()
		close(tm.done)
	}()
	t.Cleanup(func() {
		tm.cmd.Process.Kill()
		<-tm.done
		f.Close()
	})
	if o.prompt {
		tm.expect("socklab> ")
	}
	return tm
}

// send types s (use \r for Enter, \t for TAB, \x03 for Ctrl-C).
func (tm *terminal) send(s string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(s)); err != nil {
		tm.t.Fatalf("writing %q: %v", s, err)
	}
}

// expect waits until the output not yet consumed, ANSI sequences removed,
// contains want, and consumes it up to there. It returns how long it waited.
func (tm *terminal) expect(want string) time.Duration {
	tm.t.Helper()
	start := time.Now()
	tm.expectAny(want)
	return time.Since(start)
}

// expectAny is expect for the first of several strings to appear; it
// returns the one found.
func (tm *terminal) expectAny(wants ...string) string {
	tm.t.Helper()
	start := time.Now()
	for {
		tm.mu.Lock()
		text := ansi.ReplaceAllString(tm.out.String(), "")
		tm.mu.Unlock()
		if tm.seen > len(text) {
			tm.seen = len(text)
		}
		best, found := -1, ""
		for _, w := range wants {
			if i := strings.Index(text[tm.seen:], w); i >= 0 && (best < 0 || i < best) {
				best, found = i, w
			}
		}
		if best >= 0 {
			tm.seen += best + len(found)
			return found
		}
		if time.Since(start) > ptyTimeout {
			tm.t.Fatalf("timed out waiting for %q; output after the last match:\n%s", wants, text[tm.seen:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// text is everything the terminal showed so far, ANSI sequences removed.
func (tm *terminal) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.ReplaceAllString(tm.out.String(), "")
}

// exitCode waits for the process to end and returns its exit code.
func (tm *terminal) exitCode() int {
	tm.t.Helper()
	select {
	case <-tm.done:
	case <-time.After(ptyTimeout):
		tm.t.Fatal("socklab did not exit")
	}
	var exitErr *exec.ExitError
	if errors.As(tm.err, &exitErr) {
		return exitErr.ExitCode()
	}
	if tm.err != nil {
		tm.t.Fatal(tm.err)
	}
	return 0
}

func TestREPLBasics(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send("1+1\r")
	tm.expect("\n2\n")
	tm.send("nil, 'Connection refused'\r")
	tm.expect("nil\t\"Connection refused\"")
	tm.send("{host = '127.0.0.1', port = 80}\r")
	tm.expect(`{host = "127.0.0.1", port = 80}`)

	// Multi-line input: the continuation prompt until the chunk is complete.
	tm.send("for i=1,3 do\r")
	tm.expect("   ...> ")
	tm.send("print(i * 10) end\r")
	tm.expect("10\n20\n30\nsocklab> ")

	// A syntax error shows at once, with no continuation prompt.
	tm.send("x = = 1\r")
	tm.expect("stdin[5]:1: syntax error near '='")
	tm.expect("socklab> ")

	// A runtime error, then the REPL goes on.
	tm.send("error('oops')\r")
	tm.expect("stdin[6]:1: oops")
	tm.send("'still here'\r")
	tm.expect(`"still here"`)

	// Ctrl-C at the prompt drops the line; Ctrl-D on an empty line exits 0.
	tm.send("this is not lua\x03")
	tm.expect("socklab> ")
	tm.send("\x04")
	if code := tm.exitCode(); code != 0 {
		t.Errorf("exit code %d after Ctrl-D, want 0", code)
	}
	// The history holds each chunk as one entry.
	hist, err := os.ReadFile(filepath.Join(tm.state, "socklab", "history"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(hist), "1+1\n") || !strings.Contains(string(hist), "for i=1,3 do print(i * 10) end\n") {
		t.Errorf("history:\n%s", hist)
	}
}

// With stdout piped (`socklab | tee log`) the prompt and the editing go to
// the terminal through stderr; the pipe receives only the output.
func TestREPLWithStdoutPiped(t *testing.T) {
	t.Parallel()
	var piped runtimetest.Buffer
	tm := startREPLTo(t, &piped)
	// The terminal shows no output to wait for: wait for the pipe.
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); piped.String() != want; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the pipe got %q, want %q", piped.String(), want)
			}
		}
	}
	tm.send("1+1\r")
	waitFor("2\n")
	tm.send("print('hello')\r")
	waitFor("2\nhello\n")
	// Ctrl-D typed while the terminal is still in cooked mode would be the
	// line discipline's EOF, not a key: wait for the third prompt.
	for deadline := time.Now().Add(ptyTimeout); strings.Count(tm.text(), "socklab> ") < 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no third prompt in %q", tm.text())
		}
	}
	tm.send("\x04")
	if code := tm.exitCode(); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if got := piped.String(); got != "2\nhello\n" {
		t.Errorf("the pipe got %q, want only the output", got)
	}
}

func TestREPLCompletion(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	// A unique completion is inserted: the line then runs as string.format.
	tm.send(`string.fo` + "\t")
	tm.expect("string.format")
	tm.send(`("<%d>", 7)` + "\r")
	tm.expect(`"<7>"`)

	// Several candidates are listed.
	tm.send("lab = {gethostname = 1, gethostbyname = 2, gethostbyaddr = 3}\r")
	tm.expect("socklab> ")
	tm.send("lab.geth\t\t")
	tm.expect("gethostbyaddr")
	tm.expect("gethostbyname")
	tm.expect("gethostname")
	tm.send("\x03\x03\x15") // leave the completion list, clear the line

	// The socket module, once it registers gethostname and friends.
	tm.send("print('has' .. '-socket', socket ~= nil and socket.gethostname ~= nil)\r")
	tm.expect("has-socket\t")
	if tm.expectAny("true", "false") == "false" {
		t.Log("socket.gethostname not bound yet: skipping socket.geth<TAB>")
		return
	}
	tm.send("socket.geth\t\t")
	tm.expect("gethostbyname")
	tm.expect("gethostname")
}

func TestREPLMethodCompletion(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send("h = spawn(function() end)\r")
	tm.expect("socklab> ")
	tm.send("h:jo\t")
	tm.expect("h:join")
	tm.send("()\r")
	tm.expect("socklab> ")
}

func TestREPLInterrupt(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send("g = 42\r")
	tm.expect("socklab> ")
	tm.send("srv = socket.create_server('127.0.0.1', 0)\r")
	tm.expect("socklab> ")
	for _, busy := range []string{"while true do end", "sleep(60)", "for i = 1, 3 do sleep(60) end",
		"conn = srv:accept()", "local c = socket.create_connection(srv:getsockname()) c:recv(10)"} {
		// The line announces that it runs (the marker is built at run
		// time, so the echo of the input does not match it): Ctrl-C must
		// reach the evaluation, not the line editor. How fast it returns
		// is for a benchmark, not for this test.
		tm.send(`io.write("run" .. "ning\n") ` + busy + "\r")
		tm.expect("running\n")
		tm.send("\x03")
		tm.expect("interrupted")
		tm.expect("socklab> ")
		tm.send("g\r")
		tm.expect("42")
	}
	// The listener opened by an earlier line survives the interrupts.
	tm.send("srv:fileno() >= 0, conn\r")
	tm.expect("true\tnil")
}

func TestREPLBackgroundOutput(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send(`spawn(function() sleep(0.2) print("from the " .. "background") end)` + "\r")
	tm.expect("<task ") // the REPL prints the handle at once
	tm.expect("from the background")
	tm.send("tasks()\r")
	tm.expect("{}")
}

func TestREPLExit(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send("os.exit(3)\r")
	if code := tm.exitCode(); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
}

func TestREPLAfterScript(t *testing.T) {
	t.Parallel()
	script := filepath.Join(t.TempDir(), "setup.lua")
	if err := os.WriteFile(script, []byte("answer = 6 * 7\nprint('loaded', ...)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tm := startREPL(t, "-i", script, "x")
	tm.send("answer\r")
	tm.expect("42")
}
