package shell

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// typedCase is a terminal test: lines typed at the REPL, each followed by
// Enter, and what must then show on screen, in order.
type typedCase struct {
	name  string
	typed []string
	want  []string
}

// runTyped runs each case as a subtest, in parallel, each in a REPL
// process of its own.
func runTyped(t *testing.T, cases []typedCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tm := startREPL(t)
			for _, line := range c.typed {
				tm.send(line + "\r")
			}
			for _, w := range c.want {
				tm.expect(w)
			}
		})
	}
}

// The REPL a Python learner expects (issue 9, section 3), each bullet
// through a real terminal.
func TestREPLForLearners(t *testing.T) {
	t.Parallel()
	runTyped(t, []typedCase{
		{"_ holds the last result", []string{"6 * 7", "_ + 1"}, []string{"42", "43"}},
		{"x? shows help", []string{"socket.gethostbyname?"}, []string{"socket.gethostbyname(name)", "Returns the IPv4 address"}},
		{"?x shows help", []string{"?socket.getservbyname"}, []string{"socket.getservbyname("}},
		{"a top-level local persists", []string{"local port = 8080", "port + 1", "local function twice(x) return 2 * x end", "twice(port)"}, []string{"8081", "16160"}},
		{"a nested local stays local", []string{"do local inner = 1 end", "inner"}, []string{"nil"}},
		{"a; b shows both", []string{"1; 2"}, []string{"1\t2"}},
		{"statements then a value", []string{"x = 3; x * 2"}, []string{"6"}},
		{"each entry has its own chunk name", []string{"x = 1", "error('first')", "y = 2", "error('third')"}, []string{"stdin[2]:1: first", "stdin[4]:1: third"}},
		{"help of a missing name answers", []string{`help("nonexistent")`, "1 + 1"}, []string{`no help for "nonexistent"`, "2"}},
		{"help searches the docs", []string{`help("recvline")`}, []string{"socket:recvline"}},
		{"help for Lua's own libraries", []string{"help(string)", `help("table.insert")`}, []string{"string.format", "table.insert(t, [pos,] value)"}},
	})
}

// A multi-line block, with a comment line, is one history entry that runs
// again when recalled.
func TestREPLHistoryKeepsABlock(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	for _, line := range []string{"for i = 1, 2 do", "  -- count to two", "  print('n' .. i)", "end"} {
		tm.send(line + "\r")
	}
	tm.expect("n1\n")
	tm.expect("n2\n")
	tm.expect("socklab> ") // keys, not cooked-mode input
	tm.send("\x1b[A\r")    // up arrow: the whole block
	tm.expect("n1\n")
	tm.expect("n2\n")
	// Ctrl-D typed before readline takes the terminal back would be the
	// line discipline's EOF, not a key: wait for the prompt.
	tm.expect("socklab> ")
	tm.send("\x04")
	if code := tm.exitCode(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	hist, err := os.ReadFile(filepath.Join(tm.state, "socklab", "history"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "for i = 1, 2 do   --[=[ count to two]=]   print('n' .. i) end\n"; !strings.Contains(string(hist), want) {
		t.Errorf("history %q, want the entry %q", hist, want)
	}
}

// dir(x) lists fields and methods; pp(v) prints as the REPL does.
func TestREPLDirAndPP(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send(`dir({port = 1, host = "h"})` + "\r")
	tm.expect(`{"host", "port"}`)
	tm.send(`s = socket.socket()` + "\r")
	tm.send(`d = dir(s) print(d[1], #d > 10)` + "\r")
	tm.expect("accept\ttrue")
	tm.send(`pp({a = 1, b = {"x", 2}})` + "\r")
	tm.expect(`{a = 1, b = {"x", 2}}`)
}

// Addresses, getaddrinfo entries and constants print compactly and with
// their names, at the prompt and in pp; the values stay numbers and tables.
func TestREPLCompactNetworkValues(t *testing.T) {
	tm := startREPL(t)
	tm.send(`socket.getaddrinfo("localhost", 80, socket.AF_INET)` + "\r")
	tm.expect("{\n" +
		`  {AF_INET, SOCK_STREAM, IPPROTO_TCP, "", {"127.0.0.1", 80}},` + "\n" +
		`  {AF_INET, SOCK_DGRAM, IPPROTO_UDP, "", {"127.0.0.1", 80}},` + "\n" +
		`  {AF_INET, SOCK_RAW, 0, "", {"127.0.0.1", 80}}` + "\n}\n")
	tm.send(`e = _[1]` + "\r")
	tm.send(`e.family` + "\r")
	tm.expect("2 (AF_INET)\n")
	tm.send(`e.family == socket.AF_INET, type(e.family), e.addr.port` + "\r")
	tm.expect("true\t\"number\"\t80\n")
	tm.send(`socket.SOCK_DGRAM` + "\r")
	tm.expect("2 (SOCK_DGRAM)\n")
	tm.send(`e.addr` + "\r")
	tm.expect(`{"127.0.0.1", 80}` + "\n")
	tm.send(`print(e.addr, e)` + "\r")
	tm.expect(`127.0.0.1:80` + "\t" + `{AF_INET, SOCK_STREAM, IPPROTO_TCP, "", {"127.0.0.1", 80}}` + "\n")
	tm.send(`dir(e.addr)` + "\r")
	tm.expect(`{"host", "port"}` + "\n")
	tm.send(`pp({where = e.addr, n = 1})` + "\r")
	tm.expect(`{n = 1, where = {"127.0.0.1", 80}}` + "\n")
	// What the prompt shows can be typed back.
	tm.send(`srv = socket.create_server("127.0.0.1", 0); srv:getsockname()` + "\r")
	tm.expect(`{"127.0.0.1", `)
	tm.expect("}\n")
	shown := regexp.MustCompile(`\{"127\.0\.0\.1", \d+\}`).FindAllString(tm.text(), -1)
	if len(shown) == 0 {
		t.Fatalf("no address in %q", tm.text())
	}
	tm.send(`s = socket.socket(); s.type` + "\r")
	tm.expect("1 (SOCK_STREAM)\n")
	tm.send(`s:connect(` + shown[len(shown)-1] + `)` + "\r")
	tm.expect("true\n")
}
