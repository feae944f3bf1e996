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
	Compare(T) (int, error)
	Equal(T) bool
}

// compareArgs orders arguments 1 and 2, two values of one kind (named
// kind in argument errors): -1, 0 or 1.
func compareArgs[T ordered[T]](L *lua.LState, kind string) int {
	a, b := runtime.Check[T](L, 1, kind), runtime.Check[T](L, 2, kind)
	c, err := a.Compare(b)
	if err != nil {
		raise(L, err)
	}
	return c
}

// valueMeta is the metatable of a kind: str() for tostring and `..`,
// Python's ==, < and <=, and the kind's own metamethods (extra).
func valueMeta[T ordered[T]](kind string, extra map[string]lua.LGFunction) map[string]lua.LGFunction {
	meta := map[string]lua.LGFunction{
		"__tostring": tostringMeta,
		"__concat":   concat,
		"__eq": func(L *lua.LState) int {
			a, b := runtime.Check[T](L, 1, kind), runtime.Check[T](L, 2, kind)
			L.Push(lua.LBool(a.Equal(b)))
			return 1
		},
		"__lt": func(L *lua.LState) int { L.Push(lua.LBool(compareArgs[T](L, kind) < 0)); return 1 },
		"__le": func(L *lua.LState) int { L.Push(lua.LBool(compareArgs[T](L, kind) <= 0)); return 1 },
	}
	maps.Copy(meta, extra)
	return meta
}
