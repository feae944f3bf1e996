package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// ErrInterrupted is the error a cancelled task raises ("interrupted").
var ErrInterrupted = errors.New("interrupted")

// Runtime is one Lua state shared by every task, and the lock that guards it.
type Runtime struct {
	L *lua.LState

	gil     chan struct{} // one slot: holding the slot is holding the lock
	waiting atomic.Int32  // tasks queued for the lock; the VM yields only when > 0

	// Stdout and Stderr receive print/io.write and task errors. The shell
	// points them at readline so that output lands above the prompt.
	outMu  sync.Mutex
	stdout io.Writer
	stderr io.Writer
	tty    atomic.Bool // stderr is a terminal: progress bars may be drawn

	helpWidth atomic.Int32          // columns help wraps to; 0: the default (pager.go)
	pager     atomic.Pointer[Pager] // how a REPL line's help is shown; nil: written out

	root    *Task // owns what scripts and the session keep; ends at Close
	rootCtx context.Context
	stop    context.CancelFunc

	tasksMu sync.Mutex
	tasks   map[int]*Task
	nextID  int
	wg      sync.WaitGroup // running task goroutines

	ledger ledger // who owns which open resource

	docs    map[*lua.LFunction]*Function // every bound function's doc, for help()
	modules []*Module                    // loaded modules, in registration order
	types   map[*lua.LTable]*Type        // metatable → type, for completion and help
	names   map[*lua.LTable]Names        // metatable → named values (names.go)
	// variants are the metatables of types with fixed attributes, per
	// combination of their values (variants.go); the lock guards them.
	variants map[*Type]map[string]*lua.LTable
	// constantNames are every name in names: module constants with them
	// print as socket.AF_INET → 2 (AF_INET).
	constantNames map[string]bool

	threadPool  []*lua.LState               // idle threads for pcall, guarded by the lock
	pcallCaller map[*lua.LState]*lua.LState // a running pcall's thread → the thread that called pcall; the lock guards it

	exitHook func(code int) // os.exit; set by the shell
}

var byGlobal sync.Map // *lua.Global → *Runtime

// Of returns the runtime that owns L.
func Of(L *lua.LState) *Runtime {
	rt, ok := byGlobal.Load(L.G)
	if !ok {
		panic("socklab: Lua state not created by runtime.New")
	}
	return rt.(*Runtime)
}

// New makes a runtime with the standard libraries, the builtins (spawn,
// sleep, help…) and every registered module loaded as a global and into
// package.preload. The caller holds no lock afterwards.
func New() *Runtime {
	L := lua.NewState(lua.Options{
		// Threads are made per task and per pcall: keep them small and let
		// them grow, so that 10,000 waiting tasks fit in 200 MB
		// (bench/memory). The registry (a thread's value stack) starts at
		// 64 slots, 1 KiB: a task's function and the calls it makes
		// rarely need more, and it grows by 256 when they do.
		CallStackSize:       1024,
		MinimizeStackMemory: true,
		RegistrySize:        128, // NewState's least; threads get 64 below
		RegistryMaxSize:     1 << 20,
		RegistryGrowStep:    256,
	})
	// NewThread copies L.Options as they are when it is called.
	L.Options.RegistrySize = 64
	ctx, stop := context.WithCancel(context.Background())
	rt := &Runtime{
		L:        L,
		gil:      make(chan struct{}, 1),
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		rootCtx:  ctx,
		stop:     stop,
		tasks:    map[int]*Task{},
		docs:     map[*lua.LFunction]*Function{},
		types:    map[*lua.LTable]*Type{},
		names:    map[*lua.LTable]Names{},
		variants: map[*Type]map[string]*lua.LTable{},

		constantNames: map[string]bool{},
		pcallCaller:   map[*lua.LState]*lua.LState{},
	}
	rt.root = &Task{rt: rt, id: 0, name: "main", ctx: ctx, cancel: stop, done: make(chan struct{})}
	byGlobal.Store(L.G, rt)
	rt.lock()
	defer rt.unlock()
	rt.installBuiltins()
	for _, m := range registered() {
		rt.load(m)
	}
	return rt
}

func (rt *Runtime) lock() {
	rt.waiting.Add(1)
	rt.gil <- struct{}{}
	rt.waiting.Add(-1)
}

func (rt *Runtime) unlock() { <-rt.gil }

// yieldLock lets queued tasks run: called between VM instructions.
func (rt *Runtime) yieldLock() {
	if rt.waiting.Load() == 0 {
		return
	}
	cur := rt.L.G.CurrentThread
	rt.unlock()
	rt.lock()
	rt.L.G.CurrentThread = cur
}

// Do runs f with the lock held. Use it to read or build Lua values from Go
// code that is not itself called from Lua (the shell's printer, completion).
func (rt *Runtime) Do(f func(L *lua.LState)) {
	rt.lock()
	defer rt.unlock()
	f(rt.L)
}

// SetOutput redirects print, io.write and task error reports.
func (rt *Runtime) SetOutput(stdout, stderr io.Writer) {
	rt.outMu.Lock()
	rt.stdout, rt.stderr = stdout, stderr
	rt.outMu.Unlock()
}

// SetTerminal tells modules whether Stderr is a terminal on which a
// progress display may be drawn (never on a pipe or a file).
func (rt *Runtime) SetTerminal(isTTY bool) { rt.tty.Store(isTTY) }

// OnTerminal reports whether the output of the runtime running L is a
// terminal (see SetTerminal).
func OnTerminal(L *lua.LState) bool { return Of(L).tty.Load() }

// Stdout is where Lua output goes (print, io.write); safe for concurrent use.
func (rt *Runtime) Stdout() io.Writer { return writerFunc(rt.writeOut) }

// Stderr is where task errors go; safe for concurrent use.
func (rt *Runtime) Stderr() io.Writer { return writerFunc(rt.writeErr) }

func (rt *Runtime) writeOut(p []byte) (int, error) {
	rt.outMu.Lock()
	defer rt.outMu.Unlock()
	return rt.stdout.Write(p)
}

func (rt *Runtime) writeErr(p []byte) (int, error) {
	rt.outMu.Lock()
	defer rt.outMu.Unlock()
	return rt.stderr.Write(p)
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

// SetExitHook sets what os.exit does after every resource is closed. The
// default calls os.Exit.
func (rt *Runtime) SetExitHook(f func(code int)) { rt.exitHook = f }

// Block runs fn without the lock, so that other tasks run while fn waits on
// I/O. fn gets the calling task's context, cancelled by Ctrl-C or
// handle:cancel(); it must not touch L or any Lua value. When the task is
// cancelled the VM raises "interrupted" at its next instruction, so callers
// simply return whatever fn produced (having Tracked any resource it made).
func Block(L *lua.LState, fn func(ctx context.Context) error) error {
	rt := Of(L)
	ctx := Context(L)
	cur := L.G.CurrentThread
	rt.unlock()
	defer func() {
		rt.lock()
		L.G.CurrentThread = cur
	}()
	return fn(ctx)
}

// BlockUntil blocks the task running L until done is closed, timeout
// passes (timeout < 0: no limit) or the task is cancelled, and reports
// whether done was closed: the waits of task:join and server:wait.
func BlockUntil(L *lua.LState, done <-chan struct{}, timeout time.Duration) bool {
	closed := false
	Block(L, func(ctx context.Context) error {
		var expire <-chan time.Time
		if timeout >= 0 {
			timer := time.NewTimer(timeout)
			defer timer.Stop()
			expire = timer.C
		}
		select {
		case <-done:
			closed = true
		case <-expire:
		case <-ctx.Done():
		}
		return nil
	})
	return closed
}

// Context returns the context of the task running L: it is done when the task
// is cancelled. Outside any task it is the runtime's root context.
func Context(L *lua.LState) context.Context {
	if t := CurrentTask(L); t != nil {
		return t.ctx
	}
	return Of(L).rootCtx
}

// Contended reports whether other tasks are waiting for the Lua lock: a
// Go function that could spin instead of blocking (to catch a reply that is
// microseconds away) should not spin then.
func Contended(L *lua.LState) bool { return Of(L).waiting.Load() > 0 }

// Interrupted reports whether the task running L has been cancelled.
func Interrupted(L *lua.LState) bool { return Context(L).Err() != nil }

// Compile parses src as a chunk named name. A chunk that is merely
// incomplete (a missing `end`, an open string) returns ErrIncomplete wrapped,
// so a REPL can read another line.
func (rt *Runtime) Compile(src, name string) (*lua.FunctionProto, error) {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		var perr *parse.Error
		if errors.As(err, &perr) && perr.Pos.Line == parse.EOF {
			return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
		}
		return nil, err
	}
	return lua.Compile(chunk, name)
}

// ErrIncomplete marks a chunk that needs more input to be complete.
var ErrIncomplete = errors.New("incomplete chunk")

// Exec runs proto as a foreground task (a script's main chunk or a REPL
// line) on the calling goroutine and returns its results. Cancelling ctx
// interrupts it; resources it opened are then closed. Otherwise they pass to
// the session (the runtime's root task) and live until Close.
func (rt *Runtime) Exec(ctx context.Context, proto *lua.FunctionProto, name string, args ...lua.LValue) ([]lua.LValue, error) {
	rt.lock()
	fn := rt.L.NewFunctionFromProto(proto)
	t := rt.newTask(rt.root, name)
	rt.unlock()
	stop := context.AfterFunc(ctx, t.cancelTree)
	defer stop()
	return t.run(fn, args)
}

// Close cancels every task, waits briefly for them to finish and closes every
// resource still open. It is safe to call more than once.
func (rt *Runtime) Close() {
	rt.stop()
	rt.wg.Wait()
	for _, c := range rt.ledger.takeAll(rt.root) { // later adopters close at once
		c.Close()
	}
	rt.ledger.closeAll()
}

// Tasks returns the live background tasks, oldest first.
func (rt *Runtime) Tasks() []*Task {
	rt.tasksMu.Lock()
	defer rt.tasksMu.Unlock()
	var ts []*Task
	for _, t := range rt.tasks {
		ts = append(ts, t)
	}
	sortTasks(ts)
	return ts
}
