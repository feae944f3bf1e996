package runtime

import (
	"context"
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// pcall and xpcall replace gopher-lua's (see the package comment, "pcall"):
// the protected call runs on a thread of its own, so an error closes only
// the upvalues of frames inside the call. A cancelled task is not caught:
// pcall cannot swallow Ctrl-C.

var pcallFunc = Function{Name: "pcall", Args: "(f, ...)", Doc: "Calls f(...) in protected mode. Returns true and its results, or false and the error. Unlike gopher-lua's own, it leaves the caller's locals intact (upstream bug #448).", Fn: basePcall, relays: true}

func basePcall(L *lua.LState) int {
	L.CheckAny(1)
	return protectedCall(L, L.Get(1), 2, nil)
}

var errorFunc = Function{Name: "error", Args: "([message[, level]])", Doc: "Raises an error with any value. Level 1 (the default) prefixes the position of the caller, 0 none.", Fn: baseError, relays: true}

// baseError is Lua 5.1's error: unlike gopher-lua's, error() with no
// argument raises nil instead of complaining, and level n names the
// position of the function n levels up (gopher-lua's is one level short for
// n ≥ 2, and puts a blank before the message when there is no position).
func baseError(L *lua.LState) int {
	obj := L.Get(1)
	if s, ok := obj.(lua.LString); ok {
		if level := L.OptInt(2, 1); level > 0 {
			obj = lua.LString(position(L, level) + string(s))
		}
	}
	L.Error(obj, 0)
	return 0
}

// position is Lua 5.1's luaL_where: "chunk:line: " of the function level
// levels above error's own frame, or "" when that is a Go function or
// beyond the stack. A protected call runs on a thread of its own, so the
// stack goes on, past the bottom of that thread, in the thread that called
// pcall (whose frame 0 is pcall itself): `pcall(error, "x", 2)` names the
// line of the pcall, as in Lua 5.1.
func position(L *lua.LState, level int) string {
	rt := Of(L)
	for {
		dbg, ok := L.GetStack(level)
		if ok {
			if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
				return ""
			}
			return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
		}
		caller := rt.pcallCaller[L]
		if caller == nil {
			return ""
		}
		level -= stackDepth(L)
		L = caller
	}
}

// stackDepth is how many frames L's stack holds.
func stackDepth(L *lua.LState) int {
	n := 0
	for {
		if _, ok := L.GetStack(n); !ok {
			return n
		}
		n++
	}
}

// callable reports whether v can be called: a function, or a value whose
// metatable has __call.
func callable(L *lua.LState, v lua.LValue) bool {
	if _, ok := v.(*lua.LFunction); ok {
		return true
	}
	return L.GetMetaField(v, "__call") != lua.LNil
}

var xpcallFunc = Function{Name: "xpcall", Args: "(f, handler)", Doc: "Like pcall, with an error handler. An error is passed through handler (e.g. debug.traceback) before it is returned.", Fn: baseXpcall, relays: true}

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
	args := make([]lua.LValue, 0, top-first+1)
	for i := first; i <= top; i++ {
		args = append(args, L.Get(i))
	}
	rt.pcallCaller[co] = L
	results, err := callOn(co, fn, args, handler)
	delete(rt.pcallCaller, co)
	if err != nil && Interrupted(L) {
		L.RaiseError("%s", ErrInterrupted.Error())
	}
	if handler == nil {
		rt.putThread(co)
	}
	if err != nil {
		L.Push(lua.LFalse)
		// gopher-lua marks the value a handler returned ApiErrorError; any
		// other kind means the handler itself failed.
		if apiErr, ok := err.(*lua.ApiError); handler != nil && (!ok || apiErr.Type != lua.ApiErrorError) {
			L.Push(lua.LString("error in error handling"))
		} else {
			L.Push(errorValue(err))
		}
		return 2
	}
	L.Push(lua.LTrue)
	for _, v := range results {
		L.Push(v)
	}
	return len(results) + 1
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
	if !reusable {
		co, _ := rt.L.NewThread()
		setContext(co, L.Context())
		return co
	}
	return rt.thread(L.Context())
}

// thread returns an idle thread (pooled or new) running under ctx. rt.L has
// no context, so a new thread registers nothing with ctx. Call with the lock
// held.
func (rt *Runtime) thread(ctx context.Context) *lua.LState {
	var co *lua.LState
	if n := len(rt.threadPool); n > 0 {
		co = rt.threadPool[n-1]
		rt.threadPool[n-1] = nil
		rt.threadPool = rt.threadPool[:n-1]
	} else {
		co, _ = rt.L.NewThread()
	}
	setContext(co, ctx)
	return co
}

func setContext(co *lua.LState, ctx context.Context) {
	if ctx != nil {
		co.SetContext(ctx)
	} else {
		co.RemoveContext()
	}
}

const maxPooledThreads = 64

func (rt *Runtime) putThread(co *lua.LState) {
	co.RemoveContext() // keep no finished task alive through its context
	if len(rt.threadPool) < maxPooledThreads {
		rt.threadPool = append(rt.threadPool, co)
	}
}
