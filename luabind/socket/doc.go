// Package socket is Python's socket module for Lua: the Lua face of three
// plain-Go engines,
//
//   - socklab/internal/sock: sockets, timeouts, cancellation, read-ahead;
//   - socklab/internal/resolver: /etc/hosts, resolv.conf and DNS, with
//     glibc's getaddrinfo semantics;
//   - socklab/internal/services: /etc/services and /etc/protocols.
//
// The face checks and converts arguments (misuse raises a Lua error with
// Lua 5.1's words), calls the engine (without the Lua lock, through
// runtime.Block, whenever the call may wait), converts results back, and
// words failures as Python's socket module does (pythonError, then
// luabind/pyerr: "[Errno 111] Connection refused", "timed out").
//
// Two shortcuts keep the lock on the fast path: a send that fits in the
// socket buffer and a recv whose data is already there (or arrives within
// a few microseconds: sock's SpinRecv) run without releasing the lock, as
// that costs two hand-offs per round trip (bench/socket).
//
// Per runtime (state.go): setdefaulttimeout's value, the thread budget of
// blocking calls, and the resolver; tests make runtimes with their own.
package socket
