package runtime

import (
	"reflect"

	lua "github.com/yuin/gopher-lua"
)

// The failure rule needs to know, inside a bound Go function, how many of
// its results the calling code keeps. gopher-lua records it in the Go
// function's own call frame (callFrame.NRet: the C operand of the caller's
// CALL instruction minus one, lua.MultRet for "all of them"; a tail call
// `return f()` inherits the count of whoever called the enclosing
// function). The field is not exported, so it is read through reflection,
// only on the failure path: a success costs nothing.
//
// If a gopher-lua upgrade renames the fields, frameFields reports !ok and
// every failure is returned as nil, message (the pre-rule behaviour); a
// test in callsite_test.go fails so that the upgrade is noticed.
var frameFields = func() (f struct {
	current, nret []int
	ok            bool
}) {
	state := reflect.TypeOf(lua.LState{})
	cur, found := state.FieldByName("currentFrame")
	if !found || cur.Type.Kind() != reflect.Pointer || cur.Type.Elem().Kind() != reflect.Struct {
		return f
	}
	nret, found := cur.Type.Elem().FieldByName("NRet")
	if !found || nret.Type.Kind() != reflect.Int {
		return f
	}
	f.current, f.nret, f.ok = cur.Index, nret.Index, true
	return f
}()

// ResultsKept returns how many results the code that called the running Go
// function keeps: 0 for a call used as a statement, 1 for `x = f()` or a
// call inside an expression or condition, n for `local a, b = f()`, and
// lua.MultRet (-1) when it takes them all (`return f()` at the top of a
// chunk, `print(f())`, `{f()}`, `assert(f())`, a call from Go). ok is false
// when it cannot tell.
func ResultsKept(L *lua.LState) (n int, ok bool) {
	if !frameFields.ok {
		return 0, false
	}
	frame := reflect.ValueOf(L).Elem().FieldByIndex(frameFields.current)
	if frame.IsNil() {
		return 0, false
	}
	return int(frame.Elem().FieldByIndex(frameFields.nret).Int()), true
}

// messageReceived reports whether the caller of the running Go function
// keeps the message of a failure returned as nil, message: it keeps at
// least two results, or all of them.
func messageReceived(L *lua.LState) bool {
	n, ok := ResultsKept(L)
	return !ok || n == lua.MultRet || n >= 2
}
