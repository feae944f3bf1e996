package shell

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// dir and pp: Python's dir(x) and pprint, as globals. They belong to the
// shell because they print the way the REPL prints.
func init() {
	runtime.Register(&runtime.Module{Funcs: []runtime.Function{
		{Name: "dir", Args: "(x)", Doc: "Returns the sorted list of x's fields and methods (a table's keys, a socket's methods), as Python's dir(x).", Fn: luaDir},
		{Name: "pp", Args: "(...)", Doc: "Prints values readably, as the REPL shows them: tables with their contents, strings quoted.", Fn: luaPP},
	}})
}

func luaDir(L *lua.LState) int {
	v := L.CheckAny(1)
	names := runtime.Of(L).Members(v)
	sort.Strings(names)
	out := L.NewTable()
	for _, n := range names {
		out.Append(lua.LString(n))
	}
	L.Push(out)
	return 1
}

func luaPP(L *lua.LState) int {
	rt := runtime.Of(L)
	vs := make([]lua.LValue, L.GetTop())
	for i := range vs {
		vs[i] = L.Get(i + 1)
	}
	text := formatResults(runtime.Context(L), rt, L, vs)
	rt.Stdout().Write([]byte(strings.TrimRight(text, "\n") + "\n"))
	return 0
}
