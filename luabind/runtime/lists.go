package runtime

import lua "github.com/yuin/gopher-lua"

// Strings returns ss as a Lua array (a sequence of strings).
func Strings(L *lua.LState, ss []string) *lua.LTable {
	t := L.CreateTable(len(ss), 0)
	for _, s := range ss {
		t.Append(lua.LString(s))
	}
	return t
}

// Numbers returns ns as a Lua array (a sequence of numbers), for port
// lists and the like.
func Numbers[N ~int | ~int32 | ~int64 | ~uint16 | ~uint32 | ~float64](L *lua.LState, ns []N) *lua.LTable {
	t := L.CreateTable(len(ns), 0)
	for _, n := range ns {
		t.Append(lua.LNumber(n))
	}
	return t
}
