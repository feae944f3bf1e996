package runtime

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Task is one line of Lua execution: a script's main chunk, a REPL line, or
// a spawned function. It owns the resources it opened.
type Task struct {
	rt     *Runtime
	id     int
	name   string
	parent *Task
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// Set before done is closed; read after.
	results []lua.LValue
	err     error

	joiners    atomic.Int32 // tasks waiting in join: a failure nobody awaits is reported
	background bool         // started by spawn, not by Exec
	resumable  bool         // run by ExecInterruptible: Resume may end an interruption
	unjoined   bool         // failed with nobody waiting: Spawn reports it; set before done

	// Guarded by the runtime's ledger lock (owner.go).
	resources map[io.Closer]struct{}
	finished  bool // resources closed or handed on; new ones go to the parent

	childMu   sync.Mutex
	children  map[*Task]struct{} // live spawned tasks, cancelled with this one
	cancelled bool               // cancelTree ran: new children start cancelled
}

type taskKey struct{}

// CurrentTask returns the task running L, or nil outside any task.
func CurrentTask(L *lua.LState) *Task {
	ctx := L.Context()
	if ctx == nil {
		return nil
	}
	t, _ := ctx.Value(taskKey{}).(*Task)
	return t
}

// ID is the task's number, as tasks() shows it.
func (t *Task) ID() int { return t.id }

// Name says where the task's function was defined.
func (t *Task) Name() string { return t.name }

// Done is closed when the task has finished.
func (t *Task) Done() <-chan struct{} { return t.done }

// Cancel interrupts the task and the tasks it spawned: their blocking calls
// return and the VM raises "interrupted" at the next instruction.
func (t *Task) Cancel() { t.cancelTree() }

func (t *Task) String() string {
	state := "running"
	select {
	case <-t.done:
		state = "done"
		if t.err != nil {
			state = "failed"
		}
	default:
		if t.ctx.Err() != nil {
			state = "cancelling"
		}
	}
	return fmt.Sprintf("<task %d %s %s>", t.id, state, t.name)
}

// newTask makes a task under parent. Its context is not derived from the
// parent's: a task outlives the task that spawned it (as a goroutine does);
// cancelling a task cancels its live descendants explicitly instead. A task
// made while its parent is being cancelled starts cancelled.
func (rt *Runtime) newTask(parent *Task, name string) *Task {
	ctx, cancel := context.WithCancel(rt.rootCtx)
	rt.tasksMu.Lock()
	rt.nextID++
	t := &Task{rt: rt, id: rt.nextID, name: name, parent: parent, done: make(chan struct{})}
	rt.tasksMu.Unlock()
	t.ctx = context.WithValue(ctx, taskKey{}, t)
	t.cancel = cancel
	if parent != rt.root {
		parent.childMu.Lock()
		if parent.cancelled {
			cancel()
		} else {
			if parent.children == nil {
				parent.children = map[*Task]struct{}{}
			}
			parent.children[t] = struct{}{}
		}
		parent.childMu.Unlock()
	}
	return t
}

// cancelTree cancels t and every live task it spawned, recursively. Marking
// t cancelled under childMu closes the race with a concurrent spawn: a child
// is either in the snapshot or sees the mark and starts cancelled.
func (t *Task) cancelTree() {
	t.childMu.Lock() // Resume may replace t.cancel meanwhile
	t.cancel()
	t.cancelled = true
	children := make([]*Task, 0, len(t.children))
	for c := range t.children {
		children = append(children, c)
	}
	t.childMu.Unlock()
	for _, c := range children {
		c.cancelTree()
	}
}

// run executes fn on a thread of its own on the calling goroutine, taking
// and releasing the lock itself.
func (t *Task) run(fn *lua.LFunction, args []lua.LValue) ([]lua.LValue, error) {
	t.rt.lock()
	defer t.rt.unlock()
	return t.runLocked(fn, args)
}

// runLocked is run with the lock held (it may let go of it meanwhile, in
// blocking calls).
func (t *Task) runLocked(fn *lua.LFunction, args []lua.LValue) ([]lua.LValue, error) {
	rt := t.rt
	th := rt.thread(&vmContext{Context: t.ctx, rt: rt})
	results, err := callOn(th, fn, args, nil)
	rt.putThread(th)
	// A chunk ending in a blocking call (`return sleep(60)`) has no next
	// instruction at which the VM would notice the cancel: check here.
	if t.ctx.Err() != nil {
		err, results = interruptedError(err), nil
	}
	t.results, t.err = results, err
	// Decided before done is closed: a join that started before then counts
	// as awaiting the failure (join of a list registers with every task
	// first), so its failure is not also printed.
	t.unjoined = err != nil && t.joiners.Load() == 0 && !isInterrupted(err)
	t.finish(results)
	rt.tasksMu.Lock()
	delete(rt.tasks, t.id)
	rt.tasksMu.Unlock()
	close(t.done)
	t.cancel() // frees the context; children have their own
	if p := t.parent; p != nil {
		p.childMu.Lock()
		delete(p.children, t)
		p.childMu.Unlock()
	}
	return results, err
}

// finish hands what the task returns to its parent and closes what it was
// the last owner of. A foreground task (a script or REPL line) that was not
// interrupted hands everything to the session.
func (t *Task) finish(results []lua.LValue) {
	l := &t.rt.ledger
	if !t.background && t.ctx.Err() == nil {
		for _, c := range l.owned(t) {
			l.adopt(t.parent, c)
		}
	} else {
		for _, v := range results {
			l.share(v, t.parent)
		}
	}
	for _, c := range l.takeAll(t) {
		c.Close()
	}
}

// Spawn starts fn(args…) as a background task whose parent is the task
// running L. Resources among args move to the new task. Resources fn's
// upvalues hold (`local conn = srv:accept(); spawn(function() … conn …
// end)`) are shared: the new task becomes one more owner, and such a
// resource is closed when the last of its owners ends. Call with the lock
// held (from a Go function called by Lua).
func Spawn(L *lua.LState, fn *lua.LFunction, args []lua.LValue) *Task {
	rt, parent := owner(L)
	t := rt.newTask(parent, functionName(fn))
	t.background = true
	rt.tasksMu.Lock()
	rt.tasks[t.id] = t
	rt.tasksMu.Unlock()
	for _, a := range args {
		rt.ledger.give(a, t)
	}
	captured(fn, func(v lua.LValue) { rt.ledger.share(v, t) })
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		_, err := t.run(fn, args)
		if t.unjoined {
			fmt.Fprintf(rt.Stderr(), "task %d (%s) failed: %v\n", t.id, t.name, errorMessage(err))
		}
	}()
	return t
}

// Wait blocks the task running L until t finishes or timeout passes
// (timeout < 0: no limit). It reports whether t finished.
func (t *Task) Wait(L *lua.LState, timeout time.Duration) bool {
	select {
	case <-t.done:
		return true
	default:
	}
	t.joiners.Add(1)
	defer t.joiners.Add(-1)
	return BlockUntil(L, t.done, timeout)
}

// Result returns what the finished task returned, or its error.
func (t *Task) Result() ([]lua.LValue, error) { return t.results, t.err }

func functionName(fn *lua.LFunction) string {
	if fn.IsG || fn.Proto == nil {
		return "go function"
	}
	return fmt.Sprintf("%s:%d", fn.Proto.SourceName, fn.Proto.LineDefined)
}

func sortTasks(ts []*Task) { sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id }) }
