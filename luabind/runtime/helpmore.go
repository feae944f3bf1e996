package runtime

import (
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Help beyond the registry: Lua's own libraries (one line per function, as
// a learner coming from Python's help() expects), and a search of every doc
// when help("word") names nothing.

// luaLibraries are the standard libraries help describes, in this order.
var luaLibraries = []string{"string", "table", "math", "os", "io", "coroutine"}

// luaDocs is "lib.name" → "(args) what it does" for Lua 5.1's functions.
var luaDocs = map[string]string{
	"string.byte":       "(s [, i [, j]]) the byte codes of s[i..j]",
	"string.char":       "(...) a string from byte codes",
	"string.dump":       "(f) a function's bytecode",
	"string.find":       "(s, pattern [, init [, plain]]) start and end of the first match, and captures",
	"string.format":     "(fmt, ...) printf-style formatting: string.format(\"%s:%d\", host, port)",
	"string.gmatch":     "(s, pattern) an iterator over the matches",
	"string.gsub":       "(s, pattern, repl [, n]) replaces matches; returns the string and the count",
	"string.len":        "(s) the length of s (also #s)",
	"string.lower":      "(s) s in lower case",
	"string.match":      "(s, pattern [, init]) the captures of the first match",
	"string.rep":        "(s, n) s repeated n times",
	"string.reverse":    "(s) s reversed",
	"string.sub":        "(s, i [, j]) the substring s[i..j]; negative indices count from the end",
	"string.upper":      "(s) s in upper case",
	"table.concat":      "(t [, sep [, i [, j]]]) joins t's strings: Python's sep.join(t)",
	"table.insert":      "(t, [pos,] value) inserts value at pos (default: the end), as list.append/insert",
	"table.maxn":        "(t) the largest positive numeric key",
	"table.remove":      "(t [, pos]) removes and returns t[pos] (default: the last), as list.pop",
	"table.sort":        "(t [, comp]) sorts t in place; comp(a, b) is true when a comes first",
	"table.getn":        "(t) the length of t (also #t)",
	"math.abs":          "(x) absolute value",
	"math.ceil":         "(x) the smallest integer >= x",
	"math.floor":        "(x) the largest integer <= x (Python's //: math.floor(a / b))",
	"math.fmod":         "(x, y) remainder of x / y rounding towards zero",
	"math.huge":         "infinity",
	"math.max":          "(x, ...) the largest argument",
	"math.min":          "(x, ...) the smallest argument",
	"math.modf":         "(x) integer and fractional parts",
	"math.pow":          "(x, y) x^y",
	"math.random":       "([m [, n]]) a random number: [0,1), [1,m] or [m,n]",
	"math.randomseed":   "(x) seeds the random generator",
	"math.sqrt":         "(x) square root",
	"math.exp":          "(x) e^x",
	"math.log":          "(x) natural logarithm",
	"math.log10":        "(x) base-10 logarithm",
	"os.clock":          "() CPU time used, in seconds",
	"os.date":           "([format [, time]]) formats a date (\"*t\": a table)",
	"os.difftime":       "(t2, t1) t2 - t1 in seconds",
	"os.exit":           "([code]) leaves socklab with code, closing every socket",
	"os.getenv":         "(name) an environment variable, or nil",
	"os.remove":         "(path) deletes a file",
	"os.rename":         "(old, new) renames a file",
	"os.time":           "([t]) the current time (or t's) in seconds since 1970",
	"os.tmpname":        "() a name for a temporary file",
	"io.close":          "([file]) closes a file",
	"io.lines":          "([path]) an iterator over a file's lines",
	"io.open":           "(path [, mode]) opens a file: f:read(\"*a\"), f:write(s), f:close()",
	"io.read":           "(...) reads from stdin (\"*l\" a line, \"*n\" a number, \"*a\" everything)",
	"io.write":          "(...) writes its arguments to stdout without a newline",
	"coroutine.create":  "(f) a coroutine running f",
	"coroutine.resume":  "(co, ...) runs co until it yields; true and the yielded values, or false and an error",
	"coroutine.running": "() the running coroutine",
	"coroutine.status":  "(co) \"suspended\", \"running\", \"normal\" or \"dead\"",
	"coroutine.wrap":    "(f) a function that resumes a coroutine running f",
	"coroutine.yield":   "(...) suspends the running coroutine, handing ... to resume",
}

// luaFunctionName finds "string.format" for a standard library function.
func luaFunctionName(L *lua.LState, fn *lua.LFunction) string {
	for _, lib := range luaLibraries {
		tbl, ok := L.GetGlobal(lib).(*lua.LTable)
		if !ok {
			continue
		}
		// One function can stand under two names (gopher-lua's string.gfind
		// is string.gmatch): the documented one, else the first in order,
		// wins, so that help says the same whatever the table's order.
		name, documented := "", false
		tbl.ForEach(func(k, v lua.LValue) {
			if v != fn {
				return
			}
			n := lib + "." + lua.LVAsString(k)
			_, doc := luaDocs[n]
			if name == "" || doc && !documented || doc == documented && n < name {
				name, documented = n, doc
			}
		})
		if name != "" {
			return name
		}
	}
	return ""
}

// helpLuaFunction describes a standard library function; false if fn is
// not one that luaDocs knows.
func (rt *Runtime) helpLuaFunction(b *strings.Builder, fn *lua.LFunction) bool {
	name := luaFunctionName(rt.L, fn)
	doc, ok := luaDocs[name]
	if !ok {
		return false
	}
	args, what := splitLuaDoc(doc)
	fmt.Fprintf(b, "%s%s\n  %s (Lua 5.1)\n", name, args, what)
	return true
}

// helpLuaLibrary lists a standard library, one line per function; false if
// tbl is not one.
func (rt *Runtime) helpLuaLibrary(b *strings.Builder, tbl *lua.LTable) bool {
	for _, lib := range luaLibraries {
		if rt.L.GetGlobal(lib) != tbl {
			continue
		}
		fmt.Fprintf(b, "%s: Lua 5.1's %s library\n", lib, lib)
		var names []string
		tbl.ForEach(func(k, _ lua.LValue) { names = append(names, lua.LVAsString(k)) })
		sort.Strings(names)
		for _, n := range names {
			args, what := splitLuaDoc(luaDocs[lib+"."+n])
			fmt.Fprintf(b, "  %-40s %s\n", lib+"."+n+args, what)
		}
		return true
	}
	return false
}

func splitLuaDoc(doc string) (args, what string) {
	if strings.HasPrefix(doc, "(") {
		if i := strings.Index(doc, ") "); i >= 0 {
			return doc[:i+1], doc[i+2:]
		}
	}
	return "", doc
}

// helpSearch answers help("word") when word names nothing: every function,
// method and library function whose name or doc mentions it.
func (rt *Runtime) helpSearch(b *strings.Builder, word string) {
	w := strings.ToLower(word)
	var hits []string
	seen := map[string]bool{}
	add := func(sig, doc string) {
		if !seen[sig] && (strings.Contains(strings.ToLower(sig), w) || strings.Contains(strings.ToLower(doc), w)) {
			seen[sig] = true
			hits = append(hits, fmt.Sprintf("  %-40s %s", sig, truncate(firstSentence(doc), rt.HelpWidth()-44)))
		}
	}
	for _, m := range rt.modules {
		for i := range m.Funcs {
			add(m.Funcs[i].Signature(), m.Funcs[i].Doc)
		}
		for _, t := range m.Types {
			for i := range t.Methods {
				add(t.Methods[i].Signature(), t.Methods[i].Doc)
			}
		}
	}
	names := make([]string, 0, len(luaDocs))
	for n := range luaDocs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		args, what := splitLuaDoc(luaDocs[n])
		add(n+args, what)
	}
	if len(hits) == 0 {
		fmt.Fprintf(b, "no help for %q, and no doc mentions it. help() lists the modules; TAB completes names.\n", word)
		return
	}
	fmt.Fprintf(b, "no help for %q by that name; the docs that mention it:\n%s\n", word, strings.Join(hits, "\n"))
}
