package runtime

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Variants: per-combination metatables for types whose attributes never change.
//
// gopher-lua's own modules put a methods table under __index, so the VM
// finds s:recv with a table lookup and no Go call. An attribute read on a
// userdata (s.family) cannot come from a shared table, since the table
// never sees the userdata it belongs to; it needs an __index function,
// and then every method call goes through Go too. But some attributes are
// fixed when the value is made: a socket's family, type and proto. For
// such a type (Type.FixedFields and Type.Fixed) the registry keeps, per
// runtime, one metatable for each combination of those values, made the
// first time a value with that combination is wrapped by NewUserData: a
// copy of the type's metatable (__name, __tostring, __methods, Meta) whose
// __index is a table holding the methods and the fixed values. A lab has a
// handful of such combinations (AF_INET/SOCK_STREAM/6, AF_UNIX/…), not one
// per value.
//
// Code that asks which type a userdata is uses TypeOf (every variant is
// recorded in rt.types) or a Go type assertion on its Value (Check), never
// the identity of its metatable: two sockets of different families have
// different metatables. A userdata given the type's base metatable some
// other way (NewUserDatas) still works: the base __index is a function
// that answers the fixed attributes too.

// checkFixed rejects, at registration, a type whose fixed attributes are
// declared by halves or not listed in Fields (help and completion read
// Fields).
func checkFixed(t *Type) {
	if (t.Fixed == nil) != (len(t.FixedFields) == 0) {
		panic(fmt.Sprintf("runtime: type %s: FixedFields and Fixed go together", t.Name))
	}
	for _, name := range t.FixedFields {
		listed := false
		for _, f := range t.Fields {
			listed = listed || f == name
		}
		if !listed {
			panic(fmt.Sprintf("runtime: type %s: fixed field %q is missing from Fields", t.Name, name))
		}
	}
}

// fixedField is the fixed attribute key of the value v, or nil.
func fixedField(t *Type, v any, key string) lua.LValue {
	for i, name := range t.FixedFields {
		if name == key {
			return t.Fixed(v)[i]
		}
	}
	return nil
}

// variant returns the metatable of v's combination of fixed values, making
// it on first use. Call it with the lock held (the cache is the runtime's).
func (rt *Runtime) variant(base *lua.LTable, t *Type, v any) *lua.LTable {
	values := t.Fixed(v)
	key := variantKey(values)
	byKey := rt.variants[t]
	if mt := byKey[key]; mt != nil {
		return mt
	}
	if byKey == nil {
		byKey = map[string]*lua.LTable{}
		rt.variants[t] = byKey
	}
	mt := rt.L.NewTable()
	base.ForEach(func(k, v lua.LValue) { mt.RawSet(k, v) })
	index := rt.L.NewTable()
	if methods, ok := base.RawGetString("__methods").(*lua.LTable); ok {
		methods.ForEach(func(k, v lua.LValue) { index.RawSet(k, v) })
	}
	for i, name := range t.FixedFields {
		index.RawSetString(name, values[i])
	}
	if t.Field == nil && t.Meta["__index"] == nil {
		mt.RawSetString("__index", index)
	} else { // other attributes still need the userdata: the table first
		mt.RawSetString("__index", rt.indexFunction(t, index, false))
	}
	rt.types[mt] = t
	if names := rt.names[base]; names != nil {
		rt.addNames(mt, names)
	}
	byKey[key] = mt
	return mt
}

// variantKey names a combination of fixed values: each value's type and
// text, so that the number 1 and the string "1" differ.
func variantKey(values []lua.LValue) string {
	var b strings.Builder
	for _, v := range values {
		b.WriteString(v.Type().String())
		b.WriteByte(':')
		b.WriteString(v.String())
		b.WriteByte(0)
	}
	return b.String()
}
