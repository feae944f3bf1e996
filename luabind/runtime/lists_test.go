package runtime

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestListsAreSequences(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("s", Strings(L, []string{"UP", "LOWER_UP"}))
	L.SetGlobal("n", Numbers(L, []uint16{22, 80, 443}))
	L.SetGlobal("e", Strings(L, nil))
	if err := L.DoString(`assert(#s == 2 and s[1] == "UP" and s[2] == "LOWER_UP")
		assert(#n == 3 and n[1] == 22 and n[3] == 443 and type(n[2]) == "number")
		assert(#e == 0 and next(e) == nil)`); err != nil {
		t.Fatal(err)
	}
}
