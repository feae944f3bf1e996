package runtime

import (
	"context"

	lua "github.com/yuin/gopher-lua"
)

// ExecInterruptible is Exec for a REPL line: each receive from intr (one
// per Ctrl-C) interrupts the task, so a line that Resume let go on after
// one Ctrl-C is interrupted by the next. Exec's context fires once, which
// is right for a script, where a Ctrl-C ends everything.
func (rt *Runtime) ExecInterruptible(intr <-chan struct{}, proto *lua.FunctionProto, name string, args ...lua.LValue) ([]lua.LValue, error) {
	rt.lock()
	fn := rt.L.NewFunctionFromProto(proto)
	t := rt.newTask(rt.root, name)
	t.resumable = true
	rt.unlock()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-intr:
				t.cancelTree()
			case <-stop:
				return
			}
		}
	}()
	return t.run(fn, args)
}

// Resume ends the interruption of the task running L, so that its line
// goes on: a blocking call that returns what it got so far when
// interrupted (net.scan's partial result, marked interrupted) calls it
// before returning, and `r = net.scan(…)` then leaves r holding it. The
// task gets a fresh context; tasks it spawned stay cancelled. Only a task
// run by ExecInterruptible resumes (the next Ctrl-C interrupts it again);
// otherwise Resume returns false and the VM raises "interrupted" as usual.
// Call it with the lock held (from a bound function, after Block).
func Resume(L *lua.LState) bool {
	t := CurrentTask(L)
	vc, ok := L.Context().(*vmContext)
	if t == nil || !ok || !t.resumable || t.ctx.Err() == nil {
		return false
	}
	ctx, cancel := context.WithCancel(t.rt.rootCtx)
	t.childMu.Lock()
	t.ctx = context.WithValue(ctx, taskKey{}, t)
	t.cancel = cancel
	t.cancelled = false
	t.childMu.Unlock()
	// Every thread of the task (pcall's, coroutines') shares this
	// vmContext, so the VM of each now checks the fresh context.
	vc.Context = t.ctx
	return true
}
