package runtime

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// RaiseHere raises msg as a Lua error prefixed with the position of the Lua
// code that made the call, if there is one ("script.lua:3: msg");
// gopher-lua's own RaiseError leaves a stray space when there is none (a
// call straight from pcall).
func RaiseHere(L *lua.LState, msg string) {
	L.Error(lua.LString(luaWhere(L)+msg), 0)
}

// luaWhere is "source:line: " of the innermost Lua function on the stack,
// within a few levels, or "" when there is none.
func luaWhere(L *lua.LState) string {
	for level := 0; level < 8; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return ""
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return ""
		}
		if dbg.What != "G" && dbg.CurrentLine > 0 {
			return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
		}
	}
	return ""
}
