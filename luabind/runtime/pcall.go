package runtime

import (
	lua "github.com/yuin/gopher-lua"
)

// pcall and xpcall replace gopher-lua's (see the package comment, "pcall"):
// the protected call runs on a thread of its own, so an error closes only
// the upvalues of frames inside the call. A cancelled task is not caught:
// pcall cannot swallow Ctrl-C.

func basePcall(L *lua.LState) int {
	L.CheckAny(1)
	return protectedCall(L, L.Get(1), 2, nil)
}

// baseError is Lua 5.1's error: unlike gopher-lua's, error() with no
// argument raises nil instead of complaining.
func baseError(L *lua.LState) int {
	L.Error(L.Get(1), L.OptInt(2, 1))
	return 0
}

// callable reports whether v can be called: a function, or a value whose
// metatable has __call.
func callable(L *lua.LState, v lua.LValue) bool {
	if _, ok := v.(*lua.LFunction); ok {
		return true
	}
	return L.GetMetaField(v, "__call") != lua.LNil
}

func baseXpcall(L *lua.LState) int {
	fn := L.CheckAny(1)
	handler := L.CheckFunction(2)
	return protectedCall(L, fn, 3, handler)
}

// protectedCall calls fn with the arguments from index first on, and returns
// true and its results, or false and the error value (passed through handler
// when there is one).
func protectedCall(L *lua.LState, fn lua.LValue, first int, handler *lua.LFunction) int {
	if !callable(L, fn) {
		// gopher-lua says "a non-function object"; Lua names the type.
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
		return 2
	}
	rt := Of(L)
	co := rt.pcallThread(L, handler == nil)
	top := L.GetTop()
	co.Push(fn)
	for i := first; i <= top; i++ {
		co.Push(L.Get(i))
	}
	prev := L.G.CurrentThread
	L.G.CurrentThread = co
	err := co.PCall(top-first+1, lua.MultRet, handler)
	L.G.CurrentThread = prev
	if err != nil {
		co.SetTop(0)
		if Interrupted(L) {
			L.RaiseError("%s", ErrInterrupted.Error())
		}
		if handler == nil {
			rt.putThread(co)
		}
		L.Push(lua.LFalse)
		L.Push(errorValue(err))
		return 2
	}
	n := co.GetTop()
	L.Push(lua.LTrue)
	for i := 1; i <= n; i++ {
		L.Push(co.Get(i))
	}
	co.SetTop(0)
	if handler == nil {
		rt.putThread(co)
	}
	return n + 1
}

// errorValue is the Lua value an error was raised with; a Go panic becomes
// its message.
func errorValue(err error) lua.LValue {
	if apiErr, ok := err.(*lua.ApiError); ok && apiErr.Object != nil {
		return apiErr.Object
	}
	return lua.LString(err.Error())
}

// pcallThread returns a thread for a protected call from L, running under
// L's context. With an error handler gopher-lua leaves the failed frames'
// upvalues open on the thread's registers, so such a thread must never be
// reused: reusable is false then.
func (rt *Runtime) pcallThread(L *lua.LState, reusable bool) *lua.LState {
	var co *lua.LState
	if n := len(rt.threadPool); reusable && n > 0 {
		co = rt.threadPool[n-1]
		rt.threadPool = rt.threadPool[:n-1]
	} else {
		co, _ = rt.L.NewThread()
	}
	if ctx := L.Context(); ctx != nil {
		co.SetContext(ctx)
	} else {
		co.RemoveContext()
	}
	return co
}

const maxPooledThreads = 64

func (rt *Runtime) putThread(co *lua.LState) {
	if len(rt.threadPool) < maxPooledThreads {
		rt.threadPool = append(rt.threadPool, co)
	}
}
