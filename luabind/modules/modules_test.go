package modules_test

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	_ "socklab/luabind/modules"
	"socklab/luabind/runtime"
)

// luaStandard lists Lua's own libraries and globals, documented by the Lua
// 5.1 manual rather than by socklab.
var luaStandard = map[string]bool{
	"string": true, "table": true, "math": true, "io": true, "os": true, "coroutine": true,
	"debug": true, "package": true, "channel": true, "_G": true,
	"assert": true, "collectgarbage": true, "dofile": true, "getfenv": true, "getmetatable": true,
	"ipairs": true, "load": true, "loadfile": true, "loadstring": true, "module": true, "next": true,
	"pairs": true, "rawequal": true, "rawget": true, "rawset": true, "require": true, "select": true,
	"setfenv": true, "setmetatable": true, "tonumber": true, "tostring": true, "type": true,
	"unpack": true, "newproxy": true, "_printregs": true,
}

// Every function socklab binds carries a signature and a doc that help()
// shows: both in the registry and for every Go function reachable from the
// globals, module tables and type metatables.
func TestEveryBoundFunctionIsDocumented(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	for _, m := range rt.Modules() {
		for _, f := range m.Funcs {
			if f.Doc == "" || f.Args == "" {
				t.Errorf("%s: missing Args or Doc", f.Signature())
			}
		}
		for _, ty := range m.Types {
			if ty.Doc == "" {
				t.Errorf("type %s: missing Doc", ty.Name)
			}
			for _, f := range ty.Methods {
				if f.Doc == "" || f.Args == "" {
					t.Errorf("%s: missing Args or Doc", f.Signature())
				}
			}
		}
	}
	rt.Do(func(L *lua.LState) {
		checked := 0
		check := func(path string, v lua.LValue) {
			if fn, ok := v.(*lua.LFunction); ok && fn.IsG {
				checked++
				if rt.Doc(fn) == nil {
					t.Errorf("%s is a bound Go function without a doc", path)
				}
			}
		}
		L.G.Global.ForEach(func(k, v lua.LValue) {
			name := lua.LVAsString(k)
			if luaStandard[name] {
				return
			}
			check(name, v)
			if tbl, ok := v.(*lua.LTable); ok {
				tbl.ForEach(func(k2, v2 lua.LValue) { check(name+"."+lua.LVAsString(k2), v2) })
			}
		})
		for _, m := range rt.Modules() {
			for _, ty := range m.Types {
				methods := L.GetField(L.GetTypeMetatable(ty.Name), "__methods")
				if tbl, ok := methods.(*lua.LTable); ok {
					tbl.ForEach(func(k, v lua.LValue) { check(ty.Name+":"+lua.LVAsString(k), v) })
				}
			}
		}
		if checked < 10 {
			t.Errorf("only %d bound functions found: the walk is broken", checked)
		}
		t.Logf("%d bound functions documented", checked)
	})
}
