package runtime

import (
	"context"

	lua "github.com/yuin/gopher-lua"
)

// Coroutines run under the context of the task that resumes them.
//
// gopher-lua gives a new coroutine context.WithCancel(creator's context).
// That child is a plain context: the VM's per-instruction Done no longer
// reaches our vmContext, so a busy loop inside a coroutine is never
// preempted (it starves every other task). And the child is registered with
// the task's context until cancelled, which nothing does for a coroutine
// that is abandoned suspended (an unfinished generator): it stays reachable,
// with its whole thread, for as long as the task lives.
//
// So create and wrap make the thread with no context (the creator's is
// lifted for the moment), and resume (also through a wrap function) gives
// the coroutine the resumer's own context before each run: preemption and
// cancellation are those of the task running it, and nothing holds on to an
// abandoned coroutine but Lua's own references.

func (rt *Runtime) installCoroutines() {
	L := rt.L
	co, ok := L.GetGlobal("coroutine").(*lua.LTable)
	if !ok {
		return
	}
	gofn := func(name string) lua.LGFunction { return co.RawGetString(name).(*lua.LFunction).GFunction }
	create, wrap, resume := gofn("create"), gofn("wrap"), gofn("resume")

	resumeIn := func(L *lua.LState, th *lua.LState) {
		if th != L.G.CurrentThread && !th.Dead {
			setContext(th, L.Context())
		}
	}
	bindings := []Function{
		{Name: "create", Args: "(f)", Doc: "Makes a coroutine running f; coroutine.resume starts it. It runs as part of the task that resumes it (Ctrl-C and cancel stop it), and an abandoned one is freed.",
			Fn: func(L *lua.LState) int { return withoutContext(L, create) }},
		{Name: "wrap", Args: "(f)", Doc: "Makes a coroutine running f and returns a function that resumes it: each call returns what it yields; an error in it is raised.",
			Fn: func(L *lua.LState) int {
				withoutContext(L, wrap)
				th := L.Get(-1).(*lua.LFunction).Upvalues[0].Value().(*lua.LState)
				L.Pop(1)
				L.Push(L.NewClosure(func(L *lua.LState) int {
					resumeIn(L, th)
					L.Insert(th, 1)
					return resume(L)
				}, th))
				return 1
			}},
		{Name: "resume", Args: "(co, ...)", Doc: "Starts or continues coroutine co, passing the arguments. Returns true and what it yields or returns, or false and its error.",
			Fn: func(L *lua.LState) int {
				resumeIn(L, L.CheckThread(1))
				return resume(L)
			}},
	}
	for _, f := range bindings {
		f.relays = true // errors of the coroutine pass through as they are
		rt.bindInto(co, "coroutine", f)
	}
}

// withoutContext runs gopher-lua's create or wrap with the context of L
// lifted, so the new thread has none (and registers nothing), then gives it
// L's context until its first resume says otherwise.
func withoutContext(L *lua.LState, orig lua.LGFunction) int {
	ctx := L.RemoveContext()
	defer restoreContext(L, ctx)
	n := orig(L)
	if th := newThreadOf(L.Get(-1)); th != nil {
		setContext(th, ctx)
	}
	return n
}

func restoreContext(L *lua.LState, ctx context.Context) { setContext(L, ctx) }

// newThreadOf returns the coroutine create or wrap just made.
func newThreadOf(v lua.LValue) *lua.LState {
	switch x := v.(type) {
	case *lua.LState:
		return x
	case *lua.LFunction:
		if len(x.Upvalues) > 0 {
			th, _ := x.Upvalues[0].Value().(*lua.LState)
			return th
		}
	}
	return nil
}
