package shell

import (
	"regexp"
	"strings"
)

// Python habits, answered with the Lua form. Each row recognises a habit
// from what was typed (src) and, for most, the error it caused (msg); the
// first matching row's hint is shown under the error as "hint: …". Rows
// with warn set are shown before the code runs, because the habit fails
// silently (True is just an undefined, nil, variable). One test per row in
// hints_test.go.
type hint struct {
	name string
	re   *regexp.Regexp // on the source
	// msg, if not empty, must occur in the error message.
	msg  string
	warn bool // checked on the source before running, not on an error
	text string
}

var hints = []hint{
	{name: "import", re: regexp.MustCompile(`(?m)^\s*(import\s+\w+|from\s+\w+\s+import\b)`),
		text: `modules are already loaded: use socket.gethostname() directly (local socket = require("socket") if you want a local name)`},
	{name: "tuple", re: regexp.MustCompile(`\(\s*\(\s*[^()]*,[^()]*\)|,\s*\(\s*("[^"]*"|'[^']*'|\w+)\s*,[^()]*\)`), msg: "syntax error",
		text: `tuples are tables in Lua: s:bind({"127.0.0.1", 80}) or s:bind("127.0.0.1", 80)`},
	{name: "method colon", msg: "on bad self",
		text: `methods use a colon: s:bind(…), not s.bind(…) (the colon passes s itself)`},
	{name: "string prefix", re: regexp.MustCompile(`(^|[^\w"'])[fbrFBR]{1,2}("|')`),
		text: `Lua has no f"…" or b"…" strings: "port " .. p joins, string.format("%s:%d", host, port) formats; every Lua string is already bytes`},
	{name: "string +", re: regexp.MustCompile(`("|')\s*\+|\+\s*("|')`), msg: "cannot perform add operation",
		text: `Lua joins strings with ..: "a" .. b (+ is only for numbers)`},
	{name: "string %", re: regexp.MustCompile(`("|')\s*%\s*[\w(]`), msg: "cannot perform mod operation",
		text: `Lua formats with string.format("%d", p), not "%d" % p`},
	{name: "not equal", re: regexp.MustCompile(`!=`),
		text: `Lua writes "not equal" as ~=: if a ~= b then … end`},
	{name: "augmented assignment", re: regexp.MustCompile(`[\w\]]\s*(\+|-|\*|/|\.\.)=`),
		text: `Lua has no += : write x = x + 1`},
	{name: "hash comment", re: regexp.MustCompile(`(?m)^\s*#[^!]`),
		text: `comments start with -- in Lua (# is the length operator: #t)`},
	{name: "colon block", re: regexp.MustCompile(`(?m)^\s*(while|if|elif|for|else|def|try)\b[^\n]*:\s*$`),
		text: `Lua blocks end with end: while x do … end, if x then … elseif y then … else … end, for i = 1, 10 do … end, function f(x) … end`},
	{name: "len", re: regexp.MustCompile(`\blen\s*\(`), msg: "'len'",
		text: `the length is #t (or #s for a string); Lua has no len()`},
	{name: "Python constants", re: regexp.MustCompile(`(^|[^\w."'])(True|False|None)\b`), warn: true,
		text: `Lua's constants are true, false and nil: True, False and None are undefined variables, so they are nil`},
	{name: "index 0", re: regexp.MustCompile(`\w\[0\]`), warn: true,
		text: `Lua counts from 1: t[1] is the first element; an address is a table with .host and .port (addr.host, addr.port)`},
	{name: "address unpacking", re: regexp.MustCompile(`\w+\s*,\s*\w+\s*=\s*[\w.]+[:.](getsockname|getpeername)\s*\(`), warn: true,
		text: `getsockname() returns one address table, not two values: local a = s:getsockname(); print(a.host, a.port)`},
}

// hintFor returns the hint for an error msg caused by src, or "".
func hintFor(src, msg string) string {
	for _, h := range hints {
		if h.warn {
			continue
		}
		if h.msg != "" && !strings.Contains(msg, h.msg) {
			continue
		}
		if h.re != nil && !h.re.MatchString(stripStrings(src, h.name)) {
			continue
		}
		return h.text
	}
	return ""
}

// warningsFor returns the hints for habits in src that fail silently.
func warningsFor(src string) []string {
	var out []string
	for _, h := range hints {
		if h.warn && h.re.MatchString(stripStrings(src, h.name)) {
			out = append(out, h.text)
		}
	}
	return out
}

var stringLiteral = regexp.MustCompile(`"(\\.|[^"\\\n])*"|'(\\.|[^'\\\n])*'|--[^\n]*`)

// stripStrings blanks string literals and comments, so that a habit inside
// a string ("True") is not taken for code. Rows that look at the strings
// themselves keep them.
func stripStrings(src, row string) string {
	switch row {
	case "tuple", "string prefix", "string +", "string %", "hash comment", "import":
		return src
	}
	return stringLiteral.ReplaceAllString(src, `""`)
}
