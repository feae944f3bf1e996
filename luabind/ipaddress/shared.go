package ipaddress

import (
	"maps"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

// What the three value kinds (address, network, interface) share: str()
// and repr(), and Python's comparisons within one kind.

// value is an address, a network or an interface.
type value interface {
	String() string
	Repr() string
}

// valueOf returns the address, network or interface v holds.
func valueOf(v lua.LValue) (value, bool) {
	if ud, ok := v.(*lua.LUserData); ok {
		switch x := ud.Value.(type) {
		case ipaddr.Addr, ipaddr.Network, ipaddr.Interface:
			return x.(value), true
		}
	}
	return nil, false
}

// strOf is str(x) for a value of this module, or Lua's tostring for the
// rest (numbers and strings, as `..` accepts).
func strOf(v lua.LValue) string {
	if x, ok := valueOf(v); ok {
		return x.String()
	}
	return lua.LVAsString(v)
}

func reprOf(ud *lua.LUserData) string {
	if x, ok := valueOf(ud); ok {
		return x.Repr()
	}
	return "?"
}

func tostringMeta(L *lua.LState) int {
	L.Push(lua.LString(strOf(L.Get(1))))
	return 1
}

func concat(L *lua.LState) int {
	L.Push(lua.LString(strOf(L.Get(1)) + strOf(L.Get(2))))
	return 1
}

// ordered is a kind whose values compare as in Python: == between any two,
// < and <= only within one IP version (Compare fails with Python's words).
type ordered[T any] interface {
	value
	Compare(T) (int, error)
	Equal(T) bool
}

// compareArgs orders arguments 1 and 2, two values of kind T: -1, 0 or 1.
func compareArgs[T ordered[T]](L *lua.LState) int {
	a, b := checkArg[T](L, 1), checkArg[T](L, 2)
	c, err := a.Compare(b)
	raiseIf(L, err)
	return c
}

// newKind describes one of the three kinds to the runtime: name is its
// metatable, fields lists its attributes
// (for help and completion) and field answers them from the Go value (nil:
// no such attribute); t brings its help line, methods and own metamethods.
// newKind adds what the three share: repr for the REPL, str for tostring
// and `..`, and Python's ==, < and <=.
func newKind[T ordered[T]](name string, fields []string, field func(L *lua.LState, v T, key string) lua.LValue, t *runtime.Type) *runtime.Type {
	t.Name = name
	t.Fields = fields
	t.Field = func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
		if v, ok := ud.Value.(T); ok {
			return field(L, v, key)
		}
		return nil
	}
	t.Tostring = reprOf
	meta := map[string]lua.LGFunction{
		"__tostring": tostringMeta,
		"__concat":   concat,
		"__eq": func(L *lua.LState) int {
			a, b := checkArg[T](L, 1), checkArg[T](L, 2)
			L.Push(lua.LBool(a.Equal(b)))
			return 1
		},
		"__lt": func(L *lua.LState) int { L.Push(lua.LBool(compareArgs[T](L) < 0)); return 1 },
		"__le": func(L *lua.LState) int { L.Push(lua.LBool(compareArgs[T](L) <= 0)); return 1 },
	}
	maps.Copy(meta, t.Meta)
	t.Meta = meta
	return t
}
