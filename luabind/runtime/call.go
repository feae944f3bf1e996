package runtime

import (
	"context"

	lua "github.com/yuin/gopher-lua"
)

// Calling Lua from Go, the one way to do it. Nothing outside this package
// touches L.G.CurrentThread or makes threads to run Lua on:
//
//   - Block(L, fn), in a bound Go function (lock held): lets go of the lock
//     while fn waits on Go work under the task's context, then takes it back.
//   - Call(L, fn, args…), in a bound Go function (lock held): calls a Lua
//     function protected, on a thread of its own, as part of the calling
//     task (its context, its resources). The error comes back as a value.
//   - rt.CallOn(ctx, t, fn, args…), from any goroutine that does not hold
//     the lock (a DNS query, an HTTP request): runs fn as a short task of its
//     own whose parent is t (nil: the session), and returns its results.
//   - rt.CallLocked(ctx, fn, args…), from Go code inside rt.Do (the shell's
//     printer calling __tostring): the same, with the lock already held.
//   - rt.Do(f): hold the lock to read or build Lua values.

// Call calls fn(args…) in protected mode from a bound Go function, on a
// thread of its own under the calling task's context, and returns its
// results or the error it raised (an *lua.ApiError whose Object is the error
// value; see ErrorValue). An error unwinds only that thread's frames (so the
// caller's locals are safe from gopher-lua's upvalue bug, as with pcall). If
// the task is cancelled meanwhile the error is ErrInterrupted. Blocking calls
// inside fn release the lock as usual. Call with the lock held.
func Call(L *lua.LState, fn lua.LValue, args ...lua.LValue) ([]lua.LValue, error) {
	if !callable(L, fn) {
		return nil, &lua.ApiError{Type: lua.ApiErrorRun, Object: lua.LString("attempt to call a " + fn.Type().String() + " value")}
	}
	rt := Of(L)
	co := rt.pcallThread(L, true)
	results, err := callOn(co, fn, args, nil)
	if err != nil && Interrupted(L) {
		return nil, interruptedError(nil)
	}
	rt.putThread(co)
	return results, err
}

// ErrorValue is the Lua value an error from Call, CallOn or CallLocked was
// raised with (a Go panic becomes its message).
func ErrorValue(err error) lua.LValue { return errorValue(err) }

// CallOn runs fn(args…) from a goroutine that does not hold the lock, as a
// short task whose parent is t (nil: the session), and returns what fn
// returned or the error it raised. It takes the lock itself, so it may be
// called while t is blocked (in Block, e.g. serving queries): fn then runs
// between t's blocking calls, never at the same time as other Lua code.
// The call is interrupted (ErrInterrupted) when ctx is done or t is
// cancelled. Resources fn opens are closed when it returns, except those it
// returns, which go to t. G.CurrentThread is kept right.
func (rt *Runtime) CallOn(ctx context.Context, t *Task, fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	rt.lock()
	defer rt.unlock()
	return rt.CallLocked(ctx, t, fn, args...)
}

// CallLocked is CallOn for Go code that already holds the lock (inside Do):
// blocking calls in fn release the lock and take it back before it returns.
func (rt *Runtime) CallLocked(ctx context.Context, t *Task, fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	if t == nil {
		t = rt.root
	}
	task := rt.newTask(t, functionName(fn))
	task.background = true
	stop := context.AfterFunc(ctx, task.cancelTree)
	defer stop()
	return task.runLocked(fn, args)
}

// Root is the session's task: what scripts and REPL lines keep belongs to
// it, and it is cancelled only by Close.
func (rt *Runtime) Root() *Task { return rt.root }

// callOn runs fn(args…) protected on co, whose context the caller has set,
// with G.CurrentThread pointing at co meanwhile, and leaves co's stack empty.
// Call with the lock held.
func callOn(co *lua.LState, fn lua.LValue, args []lua.LValue, handler *lua.LFunction) ([]lua.LValue, error) {
	co.Push(fn)
	for _, a := range args {
		co.Push(a)
	}
	prev := co.G.CurrentThread
	co.G.CurrentThread = co
	err := co.PCall(len(args), lua.MultRet, handler)
	co.G.CurrentThread = prev
	if err != nil {
		co.SetTop(0)
		return nil, err
	}
	n := co.GetTop()
	results := make([]lua.LValue, n)
	for i := 1; i <= n; i++ {
		results[i-1] = co.Get(i)
	}
	co.SetTop(0)
	return results, nil
}
