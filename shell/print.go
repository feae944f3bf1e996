package shell

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"socklab/internal/escape"
	"socklab/luabind/runtime"
)

// Limits of the value printer: what the REPL shows of a big or deep value.
const (
	printMaxEntries = 50 // entries shown per table; the rest become "… (N more)"
	printMaxDepth   = 6  // nesting shown; deeper tables print as {…}
	printLineWidth  = 72 // a table whose one-line form is longer is indented
	metaTimeout     = time.Second
)

// printer renders Lua values as readable, bounded, cycle-safe Lua-like
// literals: {1, 2, 3}, {host = "127.0.0.1", port = 80}, nested tables
// indented when they do not fit on a line. It reads Lua values, so it must
// run with the runtime's lock held (inside rt.Do).
type printer struct {
	ctx context.Context // Ctrl-C: interrupts a __tostring metamethod
	rt  *runtime.Runtime
	L   *lua.LState
	// open holds the tables being printed, to show a cycle as <cycle>.
	open map[*lua.LTable]bool
}

// formatResults renders the values a REPL chunk returned, separated by tabs
// as lua 5.4's REPL does; strings are quoted so that "1" and 1 differ.
// Call with the lock held; cancelling ctx (Ctrl-C) interrupts a __tostring.
func formatResults(ctx context.Context, rt *runtime.Runtime, L *lua.LState, vs []lua.LValue) string {
	p := &printer{ctx: ctx, rt: rt, L: L, open: map[*lua.LTable]bool{}}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = p.value(v, 0)
	}
	return strings.Join(parts, "\t")
}

// value renders v at nesting depth depth.
func (p *printer) value(v lua.LValue, depth int) string {
	switch x := v.(type) {
	case lua.LString:
		return quote(string(x))
	case *lua.LTable:
		if s, ok := p.metaString(x, "__repr"); ok {
			return s
		}
		if s, ok := p.metaString(x, "__tostring"); ok {
			return s
		}
		return p.table(x, depth)
	case *lua.LUserData:
		if s, ok := p.metaString(x, "__repr"); ok {
			return s
		}
		if t := p.rt.TypeOf(x); t != nil && t.Tostring != nil {
			return t.Tostring(x)
		}
		if s, ok := p.metaString(x, "__tostring"); ok {
			return s
		}
		return x.String()
	case *lua.LFunction:
		if f := p.rt.Doc(x); f != nil {
			return "function: builtin " + strings.TrimSuffix(f.Signature(), f.Args)
		}
		return x.String()
	}
	return v.String() // nil, booleans, numbers, threads, channels
}

// table renders t, on one line when short, else one entry per line.
func (p *printer) table(t *lua.LTable, depth int) string {
	if p.open[t] {
		return "<cycle>"
	}
	keys := tableKeys(t)
	if len(keys.array)+len(keys.other) == 0 {
		return "{}"
	}
	if depth >= printMaxDepth {
		return "{…}"
	}
	p.open[t] = true
	defer delete(p.open, t)

	var entries []string
	total := len(keys.array) + len(keys.other)
	for _, v := range keys.array {
		if len(entries) == printMaxEntries {
			break
		}
		entries = append(entries, p.value(v, depth+1))
	}
	for _, k := range keys.other {
		if len(entries) == printMaxEntries {
			break
		}
		entries = append(entries, p.key(k, depth)+" = "+p.value(t.RawGet(k), depth+1))
	}
	if more := total - len(entries); more > 0 {
		entries = append(entries, fmt.Sprintf("… (%d more)", more))
	}

	oneLine := "{" + strings.Join(entries, ", ") + "}"
	if !strings.Contains(oneLine, "\n") && utf8.RuneCountInString(oneLine)+2*depth <= printLineWidth {
		return oneLine
	}
	var b strings.Builder
	b.WriteString("{\n")
	for i, e := range entries {
		b.WriteString("  ")
		b.WriteString(strings.ReplaceAll(e, "\n", "\n  "))
		if i < len(entries)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}")
	return b.String()
}

// key renders a table key as it would appear in a constructor: name or [k].
func (p *printer) key(k lua.LValue, depth int) string {
	if s, ok := k.(lua.LString); ok && isIdentifier(string(s)) {
		return string(s)
	}
	return "[" + p.value(k, depth+1) + "]"
}

// sortedKeys splits a table's keys into its array part (1..n, as values)
// and the other keys, sorted: numbers, then strings, then the rest.
type sortedKeys struct {
	array []lua.LValue
	other []lua.LValue
}

func tableKeys(t *lua.LTable) sortedKeys {
	var ks sortedKeys
	n := 0
	for ; t.RawGetInt(n+1) != lua.LNil; n++ {
		ks.array = append(ks.array, t.RawGetInt(n+1))
	}
	t.ForEach(func(k, _ lua.LValue) {
		if num, ok := k.(lua.LNumber); ok && float64(num) == float64(int(num)) && int(num) >= 1 && int(num) <= n {
			return
		}
		ks.other = append(ks.other, k)
	})
	rank := func(v lua.LValue) int {
		switch v.(type) {
		case lua.LNumber:
			return 0
		case lua.LString:
			return 1
		case lua.LBool:
			return 2
		}
		return 3
	}
	sort.SliceStable(ks.other, func(i, j int) bool {
		a, b := ks.other[i], ks.other[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if na, ok := a.(lua.LNumber); ok {
			return na < b.(lua.LNumber)
		}
		return a.String() < b.String()
	})
	return ks
}

// metaString calls v's metamethod event (__repr: the form the REPL shows,
// as Python's repr, a Lua constructor for socket's addresses; __tostring:
// print's form), if it has one, as a short task of the session (runtime.CallLocked) with a time limit: a metamethod
// that loops or blocks is interrupted after metaTimeout, or by Ctrl-C
// (p.ctx), and must not hang the REPL. It reports false when there is none
// or it fails.
func (p *printer) metaString(v lua.LValue, event string) (string, bool) {
	fn, ok := p.L.GetMetaField(v, event).(*lua.LFunction)
	if !ok {
		return "", false
	}
	ctx, cancel := context.WithTimeout(p.ctx, metaTimeout)
	defer cancel()
	results, err := p.rt.CallLocked(ctx, nil, fn, v)
	if err != nil || len(results) == 0 {
		return "", false
	}
	s, ok := results[0].(lua.LString)
	return string(s), ok
}

// quote renders s as a Lua string literal, "…" with escapes; valid UTF-8
// text is kept, other bytes become \ddd.
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		named := escape.Named(r, '"')
		switch {
		case named != "":
			b.WriteString(named)
		case r == utf8.RuneError && size == 1, r < 0x20, r == 0x7f:
			// \ddd must not be followed by a digit that would extend it.
			if i+size < len(s) && s[i+size] >= '0' && s[i+size] <= '9' {
				fmt.Fprintf(&b, `\%03d`, s[i])
			} else {
				b.WriteString(`\` + strconv.Itoa(int(s[i])))
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true,
	"end": true, "false": true, "for": true, "function": true, "goto": true,
	"if": true, "in": true, "local": true, "nil": true, "not": true, "or": true,
	"repeat": true, "return": true, "then": true, "true": true, "until": true,
	"while": true,
}

// isIdentifier reports whether s is a Lua name (so t.s works).
func isIdentifier(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// A number that stands for a constant shows its name at the prompt:
// socket.AF_INET, s.family and e.family print as `2 (AF_INET)`. The value
// stays the number; the shell only reads the entry's source to find which
// field was read, and asks the runtime what the modules named it
// (runtime.ValueName). Only a plain chain of names and constant keys is
// read again, so nothing the entry calls runs twice.

// constantName is the name to show beside the single value v that entry
// src returned, or "". Call it with the lock held.
func constantName(rt *runtime.Runtime, L *lua.LState, src string, v lua.LValue) string {
	if _, isNum := v.(lua.LNumber); !isNum {
		return ""
	}
	if parts, ok := splitStatements(src); ok { // `s = socket.socket(); s.type`
		src = parts[len(parts)-1]
	}
	chunk, err := parse.Parse(strings.NewReader("return "+src), "=input")
	if err != nil || len(chunk) != 1 {
		return ""
	}
	ret, ok := chunk[0].(*ast.ReturnStmt)
	if !ok || len(ret.Exprs) != 1 {
		return ""
	}
	get, ok := ret.Exprs[0].(*ast.AttrGetExpr)
	if !ok {
		return ""
	}
	key, ok := get.Key.(*ast.StringExpr)
	if !ok {
		return ""
	}
	container, ok := globalPath(L, get.Object) // culprit.go
	if !ok {
		return ""
	}
	return rt.ValueName(container, key.Value, v)
}
