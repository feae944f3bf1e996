// Package socket is Python's socket module for Lua: sockets, the resolver and
// service ports, with a Go engine and its Lua face side by side.
//
// Engine (engine.go): a Socket is a raw blocking fd; each blocking call is
// the plain syscall made on the task's goroutine inside runtime.Block, which
// on loopback is as fast as Python's (one kernel wake-up per message, no
// netpoller round). A finite SO_RCVTIMEO/SO_SNDTIMEO makes Linux return
// EINTR instead of restarting a call interrupted by a signal, so cancelling
// a task sends its blocked thread SIGURG until the call returns: the socket
// stays intact (Ctrl-C on conn:recv() leaves conn usable). Close during a
// call in another task shuts the socket down and leaves close(2) to the last
// user. TCP self-connects are undone and reported as ECONNREFUSED.
//
// Each blocked call holds an OS thread, and Go dies at 10,000 threads, so at
// most 1000 calls ($SOCKLAB_BLOCKING_THREADS) block in the kernel at once. A
// socket whose call finds none to spare switches for good to Go's
// netpoller (O_NONBLOCK, an os.File's RawConn; deadlines for timeouts and
// cancellation): any number of tasks can wait, bounded only by fds.
//
// Resolver (resolver.go, dns.go): glibc's behaviour, measured against
// python3: /etc/hosts read as glibc's files source, then a small stub
// resolver over the nameservers of /etc/resolv.conf (Go's resolver cannot
// be used: it consults /etc/hosts by its own rules and hides CNAME
// aliases). Errors use Python's words: gaierror "[Errno -2] Name or service
// not known", herror "[Errno 1] Unknown host".
//
// Services: the engine is socklab/internal/services (/etc/services and
// /etc/protocols, with embedded IANA tables behind them).
package socket
