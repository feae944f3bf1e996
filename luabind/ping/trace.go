package ping

import (
	lua "github.com/yuin/gopher-lua"
)

func luaTraceroute(L *lua.LState) int {
	L.RaiseError("net.traceroute is not built yet")
	return 0
}
