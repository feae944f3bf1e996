// Package runtime is socklab's Lua side: one gopher-lua state, the lock that
// serialises it, tasks, per-task resource tracking, cancellation, a pcall that
// works, the one way to call Lua from Go, and the module registry. It knows
// nothing of sockets, terminals or any module's error words (package pyerr
// has Python's); modules reach Lua only through it.
//
// # Structure
//
//	runtime.go    the Runtime: state, lock, Block, Exec, Close, output
//	call.go       calling Lua from Go: Call, CallOn, CallLocked
//	task.go       tasks: spawn, run, finish, cancel, wait
//	owner.go      the ledger: which task owns which open resource
//	chan.go       channels between tasks
//	pcall.go      pcall, xpcall and error, as Lua 5.1 has them
//	coroutine.go  coroutines run under their resumer's context
//	vmctx.go      the VM's context: cancellation and preemption
//	errors.go     how failures reach Lua (Fail), error values and messages
//	dropped.go, callsite.go  the failure rule: a dropped failure is raised
//	registry.go   modules, types, docs, help() and completion data
//	variants.go   per-variant metatables for types with fixed attributes
//	builtins.go   the globals: spawn, sleep, join, chan, help, print…
//
// # Design: one state, one lock, a goroutine per task
//
// Lab scripts run a server and its clients at once, and a REPL user starts a
// server and keeps typing, so Lua code must run as many concurrent tasks. The
// obvious design for an embedded Lua, a coroutine event loop where blocking
// calls yield, does not work in gopher-lua: yielding from a Go function inside
// pcall, a metamethod or an iterator crashes the VM on resume, and lab scripts
// wrap everything in pcall (see shared/notes/gopher-lua-facts.md).
//
// So every task, script and REPL line runs on its own thread (L.NewThread) in
// its own goroutine, and one global lock (the GIL) serialises every entry into
// Lua. A Go function that blocks (a socket call, sleep, a scan) converts its
// arguments, releases the lock with Block, does the work under the task's
// context, then takes the lock back. Other tasks run meanwhile.
//
// The lock is a FIFO hand-off (a one-slot channel), not a sync.Mutex, so a
// task that releases it and asks again queues behind the tasks already
// waiting. A CPU-bound loop cannot starve the others either: the VM calls the
// thread context's Done method before every instruction, and ours counts those
// calls and, every few thousand instructions, hands the lock to a waiting task.
//
// # Calling Lua from Go
//
// gopher-lua keeps one "current thread" (G.CurrentThread) shared by all
// threads; coroutine resume rewrites it, and a task that lets go of the lock
// must find it as it left it. Only this package touches it, in four places:
// Block and the preemption point save it before unlocking and restore it
// after relocking, and callOn (under Call, CallOn, CallLocked, pcall and every
// task) points it at the thread it runs and back. Modules use:
//
//   - Block(L, fn) to wait for Go work without the lock;
//   - Call(L, fn, args…) to call a Lua callback protected from a bound
//     function, as part of the calling task (net.scan's on_result);
//   - rt.CallOn(ctx, task, fn, args…) to run a Lua function from a goroutine
//     of their own (a DNS query, an HTTP request): it takes the lock, runs fn
//     as a short task whose parent is task, and returns its results. It does
//     not deadlock when task is blocked (task holds no lock while it waits),
//     and it is interrupted when ctx is done or task is cancelled;
//   - rt.CallLocked for Go code that already holds the lock (the shell's
//     printer calling __tostring, with a time limit and Ctrl-C).
//
// # Cancellation, in one place
//
// A task is cancelled by handle:cancel(), by Ctrl-C (the shell cancels the
// context it gave Exec), by the end of its parent's CallOn context, or by
// Close. Cancelling a task cancels the tasks it spawned (cancelTree; a task
// spawned while its parent is being cancelled starts cancelled). Each task
// has a context; every mechanism below listens to it:
//
//  1. Lua code: the VM checks the context before every instruction (vmctx.go)
//     and raises "interrupted"; pcall re-raises it, so it cannot be swallowed.
//     Coroutines run under the context of the task resuming them. A task whose
//     last act was a blocking call is checked when it ends.
//  2. Waiting in the runtime (sleep, join, channels, CallOn): a select on the
//     context's Done channel.
//  3. Go I/O in modules: each blocking primitive honours the context that
//     Block hands it. Network calls use the netpoller's deadlines
//     (context.AfterFunc setting a past deadline, DialContext, the resolver's
//     Context methods) where they can. The socket module's Python-style
//     blocking sockets sit in real blocking syscalls (so that timeouts and
//     errors are the kernel's, as in Python); luabind/socket wakes such a
//     thread with SIGURG, and its interactive() polls its terminal. The port
//     scanner bounds each connect with short SO_SNDTIMEO slices so that a
//     scan of filtered ports stops soon after a cancel (internal/scan). Those
//     packages document their mechanism; the runtime only provides the
//     context.
//
// A cancelled task's error is ErrInterrupted, reported silently; an error
// that merely says "interrupted" is a failure like any other.
//
// # Resources
//
// gopher-lua has no __gc, so a socket a script forgets to close would hold its
// fd until Go's finalizer runs. Modules register what they open with Track;
// the owning task closes it when it ends, fails or is cancelled. Values a task
// returns, passes to spawn or sends over a channel change owner with the value.
// A spawned closure shares the resources its upvalues hold: the resource is
// closed when the last task owning it ends. A REPL line that ends (normally or
// with an error) hands what it opened to the session, so `s = socket.socket()`
// survives to the next prompt; a line interrupted with Ctrl-C closes what it
// opened.
//
// # pcall
//
// gopher-lua v1.1.2 closes the upvalues of every frame of a thread when an
// error is raised outside an error-function (upstream issue #448), detaching
// the locals of functions that enclose a pcall from their closures. Our pcall
// and xpcall run the protected call on a separate thread, so an error unwinds
// only that thread's frames, whose upvalues are its own. error() computes the
// position of its level as Lua 5.1 does, counting on past the bottom of a
// protected call's thread into the thread that called pcall (so
// pcall(error, "x", 2) names the pcall's line), and an xpcall whose handler
// fails returns "error in error handling".
//
// # Methods
//
// A type's metatable has its methods table as __index, as gopher-lua's own
// modules do, so `s:recv` is a table lookup with no Go call. Attributes
// need more, because a table lookup never sees the userdata it is for:
//
//   - Attributes fixed when the value is made (Type.FixedFields, answered
//     by Type.Fixed: a socket's family, type and proto) go into the table
//     too. NewUserData gives each combination of their values its own
//     metatable, made on first use and cached per runtime (variants.go), a
//     copy of the type's with an __index table holding the methods and
//     those values. So s:recv and s.family are both table lookups, and
//     sockets of different families have different metatables: code that
//     asks what a userdata is uses TypeOf or a type assertion on its Value
//     (Check), never metatable identity.
//   - Attributes that change, differ from value to value (a task's id, a
//     ping reply's fields: a metatable per value would cost more than it
//     saves) or are built lazily are answered by Type.Field. Such a type
//     keeps an __index function that tries the table first
//     (BenchmarkMethodLookup: about 0.1-0.2 µs more CPU per method call).
//
// # Memory
//
// A task costs a goroutine (an 8 KiB stack while it waits) and a thread
// (a 64-slot registry, 1 KiB, and a call stack that grows); idle threads
// are pooled. With its socket and its context a waiting task holds about
// 21 KB (TestMemoryPerWaitingTask), and cmd/socklab paces the collector
// (internal/gcpace) so that 10,000 concurrent echo clients peak at about
// 186 MB: bench/memory/run.sh.
package runtime
