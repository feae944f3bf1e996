package runtime

import (
	lua "github.com/yuin/gopher-lua"
)

// Named values: numbers that stand for constants (a socket's family 2 is
// AF_INET). They stay numbers in Lua, so that s.family == socket.AF_INET;
// only the REPL shows the name beside the number, as `2 (AF_INET)`, when
// it prints a field read by name (s.family, e.family, socket.AF_INET). A
// face declares them for a userdata type (Type.Names) or for the tables
// that share a metatable (SetNames); the printer asks ValueName.

// Names maps a field to the names of its values: {"family": {2: "AF_INET"}}.
type Names map[string]map[int]string

// SetNames declares the named values of the tables whose metatable is mt.
// Call it with the lock held (from a module's Values, say).
func SetNames(L *lua.LState, mt *lua.LTable, names Names) { Of(L).addNames(mt, names) }

func (rt *Runtime) addNames(mt *lua.LTable, names Names) {
	rt.names[mt] = names
	for _, values := range names {
		for _, name := range values {
			rt.constantNames[name] = true
		}
	}
}

// ValueName is the name of v read as container[key], or "": the name
// declared for the field key of container's metatable, or key itself when
// container is a module table and key one of the declared names (the
// module's constant socket.AF_INET). Call it with the lock held.
func (rt *Runtime) ValueName(container lua.LValue, key string, v lua.LValue) string {
	num, ok := v.(lua.LNumber)
	if !ok || num != lua.LNumber(int(num)) {
		return ""
	}
	if t, isTable := container.(*lua.LTable); isTable && rt.constantNames[key] && rt.isModule(t) {
		if t.RawGetString(key) == v {
			return key
		}
		return ""
	}
	mt, ok := rt.L.GetMetatable(container).(*lua.LTable)
	if !ok {
		return ""
	}
	return rt.names[mt][key][int(num)]
}

func (rt *Runtime) isModule(t *lua.LTable) bool {
	for _, m := range rt.modules {
		if m.Name != "" && rt.L.GetGlobal(m.Name) == t {
			return true
		}
	}
	return false
}
