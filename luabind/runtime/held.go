package runtime

import lua "github.com/yuin/gopher-lua"

// heldValue wraps what NewHeld stores, so that a userdata a script puts
// under __value itself is never taken for one.
type heldValue struct{ v any }

// NewHeld makes a table with its own metatable (one per call: a result is
// one value, not thousands) that carries typeName's __tostring and __name
// and remembers v, the Go value the result prints from.
func NewHeld(L *lua.LState, typeName string, v any) *lua.LTable {
	t := L.NewTable()
	mt := L.NewTable()
	base := L.GetTypeMetatable(typeName).(*lua.LTable)
	mt.RawSetString("__tostring", base.RawGetString("__tostring"))
	mt.RawSetString("__name", lua.LString(typeName))
	ud := L.NewUserData()
	ud.Value = heldValue{v}
	mt.RawSetString("__value", ud)
	L.SetMetatable(t, mt)
	return t
}

// Held returns what NewHeld (or SetHeld) remembered for t, nil when t is
// not such a table.
func Held(L *lua.LState, t lua.LValue) any {
	if ud := heldData(L, t); ud != nil {
		if h, ok := ud.Value.(heldValue); ok {
			return h.v
		}
	}
	return nil
}

// SetHeld replaces what a table made by NewHeld remembers; it does nothing
// to other values.
func SetHeld(L *lua.LState, t lua.LValue, v any) {
	if ud := heldData(L, t); ud != nil {
		if _, ok := ud.Value.(heldValue); ok {
			ud.Value = heldValue{v}
		}
	}
}

func heldData(L *lua.LState, t lua.LValue) *lua.LUserData {
	mt, ok := L.GetMetatable(t).(*lua.LTable)
	if !ok {
		return nil
	}
	ud, _ := mt.RawGetString("__value").(*lua.LUserData)
	return ud
}
