package runtime

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestHeldRemembersOnlyWhatNewHeldStored(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.NewTypeMetatable("heldtest")
	tbl := NewHeld(L, "heldtest", 42)
	if got := Held(L, tbl); got != 42 {
		t.Fatalf("Held = %v, want 42", got)
	}
	SetHeld(L, tbl, "later")
	if got := Held(L, tbl); got != "later" {
		t.Fatalf("after SetHeld, Held = %v, want later", got)
	}
	// A script's own __value userdata, a plain table and a number are not
	// results: nil, and SetHeld leaves them alone.
	foreign := L.NewTable()
	mt := L.NewTable()
	ud := L.NewUserData()
	ud.Value = 7
	mt.RawSetString("__value", ud)
	L.SetMetatable(foreign, mt)
	for _, v := range []lua.LValue{foreign, L.NewTable(), lua.LNumber(1), lua.LNil} {
		SetHeld(L, v, "x")
		if got := Held(L, v); got != nil {
			t.Errorf("Held(%v) = %v, want nil", v, got)
		}
	}
	if ud.Value != 7 {
		t.Errorf("SetHeld changed a foreign userdata to %v", ud.Value)
	}
}
