package shell

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// completer is readline's AutoCompleter for Lua: it completes globals and
// keywords, fields of tables and modules after `a.b.` and methods and fields
// of userdata after `s:` or `s.`, reading the live Lua state.
//
// It only walks tables (raw fields, and __index tables): completing never
// calls a function or a metamethod, so it cannot block or have effects.
type completer struct {
	rt *runtime.Runtime
}

// Do implements readline.AutoCompleter: it returns the candidate suffixes
// for the word before pos and the length of that word.
func (c *completer) Do(line []rune, pos int) ([][]rune, int) {
	names, partial := c.candidates(string(line[:pos]))
	out := make([][]rune, 0, len(names))
	for _, n := range names {
		out = append(out, []rune(n[len(partial):]))
	}
	return out, len([]rune(partial))
}

// candidates returns the complete names that fit the expression at the end
// of text, and the partial word they complete.
func (c *completer) candidates(text string) (names []string, partial string) {
	// The expression being completed: a run of name characters, dots and
	// colons at the end of the text, e.g. "socket.geth" or "s:re".
	start := len(text)
	for start > 0 && isPathByte(text[start-1]) {
		start--
	}
	expr := text[start:]
	if strings.HasPrefix(expr, ".") || strings.HasPrefix(expr, ":") ||
		(start > 0 && isInString(text[:start])) || (expr != "" && expr[0] >= '0' && expr[0] <= '9') {
		return nil, ""
	}
	sep := strings.LastIndexAny(expr, ".:")
	path, partial := "", expr
	if sep >= 0 {
		path, partial = expr[:sep], expr[sep+1:]
	}
	var all []string
	c.rt.Do(func(L *lua.LState) {
		if sep < 0 {
			all = c.rt.Members(L.G.Global)
			for k := range luaKeywords {
				all = append(all, k)
			}
			return
		}
		v := walkPath(L, path)
		if v == lua.LNil {
			return
		}
		all = c.rt.Members(v)
	})
	sort.Strings(all)
	for i, n := range all {
		if i > 0 && n == all[i-1] {
			continue
		}
		// Names starting with _ (_G, _VERSION, __index) only on request.
		if strings.HasPrefix(n, partial) && (isIdentifier(n) || luaKeywords[n]) &&
			(strings.HasPrefix(partial, "_") || !strings.HasPrefix(n, "_")) {
			names = append(names, n)
		}
	}
	return names, partial
}

// walkPath resolves a dotted path such as "socket" or "a.b.c" from the
// globals by raw reads through tables (and __index tables), never calling
// anything. It returns nil when the path leads nowhere. The last step may
// land on a userdata or a string, whose members Members knows.
func walkPath(L *lua.LState, path string) lua.LValue {
	var v lua.LValue = L.G.Global
	for _, name := range strings.Split(path, ".") {
		t, ok := v.(*lua.LTable)
		if !ok || name == "" || !isIdentifier(name) {
			return lua.LNil
		}
		v = rawIndex(t, name)
	}
	return v
}

// rawIndex is t[name] following __index tables (not functions), at most a
// few levels deep.
func rawIndex(t *lua.LTable, name string) lua.LValue {
	for depth := 0; depth < 8; depth++ {
		if v := t.RawGetString(name); v != lua.LNil {
			return v
		}
		mt, ok := t.Metatable.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		next, ok := mt.RawGetString("__index").(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		t = next
	}
	return lua.LNil
}

func isPathByte(c byte) bool {
	return c == '_' || c == '.' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isInString reports whether text ends inside a quoted string literal, where
// completing names would be wrong. It knows '…' and "…" with escapes.
func isInString(text string) bool {
	var q byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case q != 0 && c == '\\':
			i++
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\''):
			q = c
		}
	}
	return q != 0
}
