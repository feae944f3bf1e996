package runtime_test

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	rtm "socklab/luabind/runtime"
)

// A module for the variant metatables (variants.go): "fixedthing" has only
// fixed attributes, "mixedthing" also one that changes (count).
type thing struct {
	kind  string
	size  int
	count int
}

func init() {
	fixed := func(v any) []lua.LValue {
		th := v.(*thing)
		return []lua.LValue{lua.LString(th.kind), lua.LNumber(th.size)}
	}
	describe := func(L *lua.LState) int {
		th := rtm.Check[*thing](L, 1, "thing")
		L.Push(lua.LString(th.kind + "/" + strings.Repeat("#", th.size)))
		return 1
	}
	bump := func(L *lua.LState) int {
		rtm.Check[*thing](L, 1, "thing").count++
		return 0
	}
	rtm.Register(&rtm.Module{
		Name: "variantobj",
		Doc:  "objects for the variant metatable tests",
		Funcs: []rtm.Function{
			{Name: "new", Args: "(type, kind, size)", Doc: "Makes a thing.", Fn: func(L *lua.LState) int {
				L.Push(rtm.NewUserData(L, L.CheckString(1), &thing{kind: L.CheckString(2), size: L.CheckInt(3)}))
				return 1
			}},
			{Name: "many", Args: "(type, n)", Doc: "Makes n things with the base metatable.", Fn: func(L *lua.LState) int {
				uds := rtm.NewUserDatas(L, L.CheckString(1), L.CheckInt(2))
				out := L.NewTable()
				for i := range uds {
					uds[i].Value = &thing{kind: "bulk", size: i}
					out.Append(&uds[i])
				}
				L.Push(out)
				return 1
			}},
		},
		Types: []*rtm.Type{
			{Name: "fixedthing", Doc: "fixed attributes only",
				Methods:     []rtm.Function{{Name: "describe", Args: "()", Doc: "Describes it.", Fn: describe}},
				Fields:      []string{"kind", "size"},
				FixedFields: []string{"kind", "size"},
				Fixed:       fixed,
				Tostring:    func(ud *lua.LUserData) string { return "fixedthing " + ud.Value.(*thing).kind },
				Meta: map[string]lua.LGFunction{"__len": func(L *lua.LState) int {
					L.Push(lua.LNumber(rtm.Check[*thing](L, 1, "thing").size))
					return 1
				}},
				Names: rtm.Names{"size": {3: "THREE"}},
			},
			{Name: "mixedthing", Doc: "fixed attributes and one that changes",
				Methods:     []rtm.Function{{Name: "describe", Args: "()", Doc: "Describes it.", Fn: describe}, {Name: "bump", Args: "()", Doc: "Adds one to count.", Fn: bump}},
				Fields:      []string{"kind", "size", "count"},
				FixedFields: []string{"kind", "size"},
				Fixed:       fixed,
				Field: func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
					if key == "count" {
						return lua.LNumber(ud.Value.(*thing).count)
					}
					return nil
				},
			},
		},
	})
}

func TestVariantMetatables(t *testing.T) {
	t.Parallel()
	out := mustRun(t, `
local a = variantobj.new("fixedthing", "a", 3)
local a2 = variantobj.new("fixedthing", "a", 3)
local b = variantobj.new("fixedthing", "b", 3)
local n = variantobj.new("fixedthing", "3", 3)
print(type(getmetatable(a).__index), a.kind, a.size, a:describe(), #a, tostring(a), a.nothing)
print(getmetatable(a) == getmetatable(a2), getmetatable(a) ~= getmetatable(b), getmetatable(n) ~= getmetatable(b), n.kind, b.kind)
local m = variantobj.new("mixedthing", "m", 1)
m:bump() m:bump()
print(type(getmetatable(m).__index), m.kind, m.size, m.count, m:describe(), m.nothing)
for _, x in ipairs(variantobj.many("fixedthing", 2)) do
  print(type(getmetatable(x).__index), x.kind, x.size, x:describe(), #x)
end
print(pcall(a.describe, {}))
`)
	want := `table	a	3	a/###	3	fixedthing a	nil
true	true	true	3	b
function	m	1	2	m/#	nil
function	bulk	0	bulk/	0
function	bulk	1	bulk/#	1
false	calling 'describe' on bad self (thing expected, got table)
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

// Every variant is its type for help, completion and the REPL's names.
func TestVariantsKnownToTheRegistry(t *testing.T) {
	t.Parallel()
	rt := rtm.New()
	defer rt.Close()
	rt.Do(func(L *lua.LState) {
		if err := L.DoString(`a = variantobj.new("fixedthing", "a", 3) b = variantobj.new("fixedthing", "b", 4)`); err != nil {
			t.Fatal(err)
		}
		a, b := L.GetGlobal("a"), L.GetGlobal("b")
		if L.GetMetatable(a) == L.GetMetatable(b) {
			t.Fatal("a and b share a metatable")
		}
		for _, v := range []lua.LValue{a, b} {
			if ty := rt.TypeOf(v); ty == nil || ty.Name != "fixedthing" {
				t.Errorf("TypeOf = %v, want fixedthing", ty)
			}
			if got := strings.Join(rt.Members(v), ","); got != "describe,kind,size" {
				t.Errorf("Members = %s", got)
			}
		}
		if got := rt.ValueName(a, "size", lua.LNumber(3)); got != "THREE" {
			t.Errorf("a.size shows as %q, want THREE", got)
		}
	})
}

func TestFixedFieldsMisdeclared(t *testing.T) {
	for name, ty := range map[string]*rtm.Type{
		"no Fixed":          {Name: "bad1", Fields: []string{"x"}, FixedFields: []string{"x"}},
		"no FixedFields":    {Name: "bad2", Fields: []string{"x"}, Fixed: func(any) []lua.LValue { return nil }},
		"missing in Fields": {Name: "bad3", FixedFields: []string{"x"}, Fixed: func(any) []lua.LValue { return nil }},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), ty.Name) {
					t.Errorf("Register did not reject it: %v", r)
				}
			}()
			rtm.Register(&rtm.Module{Name: "badvariant", Types: []*rtm.Type{ty}})
		})
	}
}
