// Package runtime is socklab's Lua side: one gopher-lua state, the lock that
// serialises it, tasks, per-task resource tracking, cancellation, a pcall that
// works, and the module registry. It knows nothing of sockets or terminals.
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
// arguments, releases the lock with Block, does the I/O under the task's
// context, then takes the lock back. Other tasks run meanwhile. Because
// coroutine resume rewrites the shared G.CurrentThread, Block saves it before
// unlocking and restores it after relocking.
//
// The lock is a FIFO hand-off (a one-slot channel), not a sync.Mutex, so a
// task that releases it and asks again queues behind the tasks already
// waiting. A CPU-bound loop cannot starve the others either: the VM calls the
// thread context's Done method before every instruction, and ours counts those
// calls and, every few thousand instructions, hands the lock to a waiting task.
// The same per-instruction check makes Ctrl-C stop `while true do end`.
//
// # Resources
//
// gopher-lua has no __gc, so a socket a script forgets to close would hold its
// fd until Go's finalizer runs. Modules register what they open with Track;
// the owning task closes it when it ends, fails or is cancelled. Values a task
// returns, passes to spawn or sends over a channel change owner with the value.
// A REPL line that ends (normally or with an error) hands what it opened to
// the session, so `s = socket.socket()` survives to the next prompt; a line
// interrupted with Ctrl-C closes what it opened.
//
// # pcall
//
// gopher-lua v1.1.2 closes the upvalues of every frame of a thread when an
// error is raised outside an error-function (upstream issue #448), detaching
// the locals of functions that enclose a pcall from their closures. Our pcall
// and xpcall run the protected call on a separate thread, so an error unwinds
// only that thread's frames, whose upvalues are its own.
package runtime
