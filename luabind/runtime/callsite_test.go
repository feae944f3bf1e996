package runtime

import (
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// ResultsKept reads gopher-lua's call frame; if an upgrade renames its
// fields the failure rule silently turns off, so this test pins it.
func TestResultsKeptPerCallSite(t *testing.T) {
	if !frameFields.ok {
		t.Fatal("gopher-lua's LState.currentFrame / callFrame.NRet not found: the failure rule is off")
	}
	L := lua.NewState()
	defer L.Close()
	var got []string
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		n, ok := ResultsKept(L)
		got = append(got, fmt.Sprint(n, ok))
		return 0
	}))
	src := `
probe()                              -- statement: 0
x = probe()                          -- one target: 1
local a, b = probe()                 -- two: 2
print(probe())                       -- all: -1
local y = probe() .. ""              -- inside an expression: 1
if probe() then end                  -- condition: 1
local t = {probe()}                  -- all
local function tail() return probe() end
tail()                               -- a tail call inherits its caller's count: 0
local p, q, r = tail()               -- 3
`
	if err := L.DoString(strings.ReplaceAll(src, `.. ""`, `== nil`)); err != nil {
		t.Fatal(err)
	}
	want := []string{"0 true", "1 true", "2 true", "-1 true", "1 true", "1 true", "-1 true", "0 true", "3 true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
