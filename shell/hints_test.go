package shell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One case per row of the hints table, typed at a real terminal: the
// habit, and a fragment of the answer the row must give.
var hintCases = []typedCase{
	{"import", []string{"import socket"}, []string{"hint: modules are already loaded"}},
	{"tuple", []string{`s = socket.socket()`, `s:bind(("127.0.0.1", 80))`}, []string{`hint: tuples are tables in Lua: s:bind({"127.0.0.1", 80})`}},
	{"tuple", []string{`u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)`, `u:sendto("d", ("127.0.0.1", 9))`}, []string{"hint: tuples are tables"}},
	{"method colon", []string{`s = socket.socket()`, `s.bind({"127.0.0.1", 0})`}, []string{"calling 'bind' on bad self", "hint: methods use a colon: s:bind(…)"}},
	{"string prefix", []string{`f"port {p}"`}, []string{`hint: Lua has no f"…" or b"…" strings`}},
	{"string prefix", []string{`b"hi"`}, []string{`hint: Lua has no f"…" or b"…" strings`}},
	{"string +", []string{`"a" + "b"`}, []string{"hint: Lua joins strings with ..:"}},
	{"string %", []string{`"%d" % 80`}, []string{`hint: Lua formats with string.format("%d", p)`}},
	{"not equal", []string{`if 1 != 2 then end`}, []string{"hint: Lua writes \"not equal\" as ~="}},
	{"augmented assignment", []string{`x = 1`, `x += 1`}, []string{"hint: Lua has no += : write x = x + 1"}},
	{"hash comment", []string{`# a comment`}, []string{"hint: comments start with -- in Lua"}},
	{"colon block", []string{`while true:`, `1 + 1`}, []string{"hint: Lua blocks end with end: while x do … end", "2"}},
	{"colon block", []string{`while x:`, `1 + 1`}, []string{"stdin[1]:1: unexpected end of input", "hint: Lua blocks end with end", "2"}},
	{"len", []string{`len({1, 2})`}, []string{"attempt to call global 'len' (a nil value)", "hint: the length is #t"}},
	{"Python constants", []string{`n = 0 while True do n = n + 1 end`, `n`}, []string{"hint: Lua's constants are true, false and nil", "0"}},
	{"Python constants", []string{`x = None`}, []string{"hint: Lua's constants are true, false and nil"}},
	{"index 0", []string{`addr = {"127.0.0.1", 80}`, `addr[0]`}, []string{"hint: Lua counts from 1"}},
	{"address unpacking", []string{`s = socket.socket() s:bind("127.0.0.1", 0)`, `host, port = s:getsockname()`}, []string{"hint: getsockname() returns one address table"}},
}

func TestHintsTableHasATestPerRow(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range hintCases {
		tested[c.name] = true
	}
	for _, h := range hints {
		if !tested[h.name] {
			t.Errorf("hint row %q has no terminal test", h.name)
		}
	}
}

func TestHintsAtTheTerminal(t *testing.T) {
	t.Parallel()
	runTyped(t, hintCases)
}

// Lua 5.1's precision for a call of something that is not a function, and
// a close name when the indexed table has one.
func TestCallErrorsNameTheCulprit(t *testing.T) {
	t.Parallel()
	tm := startREPL(t)
	tm.send(`socket.gethostbynam("localhost")` + "\r")
	tm.expect("stdin[1]:1: attempt to call field 'gethostbynam' (a nil value); did you mean socket.gethostbyname?")
	tm.send(`s = socket.socket()` + "\r")
	tm.send(`s:conect("127.0.0.1", 1)` + "\r")
	tm.expect("stdin[3]:1: attempt to call method 'conect' (a nil value?); did you mean :connect?")
	tm.send(`x = 5 x()` + "\r")
	tm.expect("stdin[4]:1: attempt to call global 'x' (a number value)")
}

// A syntax error in a file says where: file:line, also at the end of input.
func TestSyntaxErrorsInFilesHaveALine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, c := range map[string]struct{ src, want string }{
		"eof.lua":    {"print(1)\nx = 1 +\n", "socklab: eof.lua:2: unexpected end of input"},
		"import.lua": {"import socket\n", "hint: modules are already loaded"},
		"block.lua":  {"local n = 0\nwhile n < 3:\n  n = n + 1\n", "hint: Lua blocks end with end"},
		"call.lua":   {"local s = socket.socket()\nsocket.gethostbynam('localhost')\n", "socklab: call.lua:2: attempt to call field 'gethostbynam' (a nil value); did you mean socket.gethostbyname?"},
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := run(t, dir, "", name)
		if code != ExitError || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %q", name, code, errOut, c.want)
		}
	}
}
