// Package sock is the socket I/O engine: BSD sockets (TCP, UDP, Unix) as
// Python's socket module uses them, with per-call timeouts, cancellation by
// context, and read-ahead for line-oriented helpers. It is plain Go (no
// Lua); socklab/luabind/socket is its Lua face.
//
// # How a call waits
//
// A Socket is a raw file descriptor, in blocking mode to begin with. A
// blocking call is then the plain syscall, made on the caller's goroutine,
// whose OS thread sleeps in the kernel as a C program's would. On loopback
// this is as fast as Python (one kernel wake-up per message, no netpoller
// round, no goroutine hand-off): about 15 % more echo round trips than the
// netpoller when client and server share a CPU (bench/socket).
//
// Every goroutine blocked in a syscall holds an OS thread, and Go aborts
// the process at 10,000 threads. So a Budget (DefaultBudget: 128, or
// $SOCKLAB_BLOCKING_THREADS) bounds the calls that may sleep in the kernel
// at once. A call that finds its budget spent moves its socket, for good,
// to Go's netpoller: the fd becomes O_NONBLOCK and is wrapped once in an
// os.File whose RawConn parks the goroutine on epoll instead of holding a
// thread. Any number of callers can then wait, bounded only by fds.
//
// # How a blocked call is interrupted (the one cancellation story)
//
// Every blocking call takes a context; cancelling it (Ctrl-C, a task's
// cancel) makes the call return ctx.Err() promptly and leaves the socket
// intact and usable, as Python leaves a socket after KeyboardInterrupt.
// Two mechanisms do it, one per way of waiting, and nothing else is needed:
//
//   - Blocking mode: SIGURG to the blocked thread. Before its first
//     blocking call in a direction a socket gets a finite kernel timeout
//     (SO_RCVTIMEO/SO_SNDTIMEO; a day when the caller wants none). With a
//     finite timeout Linux returns EINTR from a blocked
//     accept/recv/send/connect when a signal arrives instead of restarting
//     it (signal(7)). While the call is blocked its goroutine is locked to
//     its thread, and cancelling the context sends that thread SIGURG (Go's
//     own preemption signal, which the runtime tolerates spuriously) until
//     the call has returned. One context registration per socket and
//     context (see watch), not one per call, keeps the hot path cheap. The
//     kernel timeout is set lazily and cached; a socket whose kernel state
//     is unknown (an accepted one: Linux copies the listener's timeouts
//     only when the connection was set up after they were set) is treated
//     as unset, so the cache never claims a timeout the kernel lacks.
//   - Poll mode: netpoller deadlines. A cancelled call sets its os.File's
//     deadline in the past; timeouts are deadlines too.
//
// Timeouts in blocking mode come from the same kernel timeout (EAGAIN after
// it expires, then ErrTimeout), so a timed-out call costs no timer.
//
// Interactive (the nc-like terminal bridge) waits in poll(2) and is woken
// the blocking-mode way; without a thread to spare it polls every 20 ms
// instead, which a person typing does not notice. Nothing else polls.
//
// # Closing
//
// Close marks the socket closed and, if another caller is inside a call on
// it, shuts it down (waking that call) and leaves close(2) to the last
// user, so the fd number cannot be reused under a running syscall. A socket
// in poll mode is closed through its os.File. Every later call reports
// EBADF. TCP self-connects (a loopback connect whose source port is the
// target port) are undone and reported as ECONNREFUSED, as net.Dial does.
package sock
