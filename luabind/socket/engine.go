package socket

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The engine: a Socket is a raw file descriptor, in blocking mode to begin
// with. A blocking call is then the plain syscall, made on the calling task's
// goroutine (whose OS thread sleeps in the kernel, as a C program's would).
//
// Threads: every goroutine blocked in a syscall holds an OS thread, and Go
// aborts the process at 10,000 threads. So a process-wide budget
// (maxBlocking: 1000, or $SOCKLAB_BLOCKING_THREADS) bounds the calls that may
// sleep in the kernel at once. A call that finds the budget spent moves its
// socket, for good, to Go's netpoller: the fd becomes O_NONBLOCK and is
// wrapped once in an os.File whose RawConn parks the goroutine on epoll
// instead of a thread. Any number of tasks can then wait (bounded by fds).
// See pollIO. (On a loopback echo the blocking path is the faster one, by
// about 15% when client and server share a CPU: no epoll round, no
// goroutine hand-off; bench/socket.)
//
// Cancellation of a blocking-mode call: each such socket carries a finite
// SO_RCVTIMEO/SO_SNDTIMEO (a day when the user asked for no timeout), which
// makes Linux return EINTR from a blocked accept/recv/send/connect when a
// signal arrives instead of restarting it (signal(7)). While a call is
// blocked its goroutine is locked to its thread; cancelling the task's
// context sends that thread SIGURG (which Go's runtime tolerates: it is its
// own preemption signal, and spurious ones are ignored) until the call
// returns (see watch: one context registration per socket, not per call).
// In poll mode, cancellation and timeouts are the os.File's read or write
// deadline. Either way the socket itself is untouched, so Ctrl-C on
// `conn:recv()` at the prompt leaves conn usable, as in Python.
//
// Closing: Close marks the socket closed and, if another task is inside a
// call on it, shuts it down (waking that call) and leaves the close to the
// last user, so the fd number cannot be reused under a running syscall. A
// socket in poll mode is closed through its os.File (never behind its back:
// the os.File would close the number again when collected). Every later
// call reports EBADF: "[Errno 9] Bad file descriptor".

// noTimeout is the kernel timeout of a socket that has none in Lua terms.
const noTimeout = 24 * time.Hour

var pid = unix.Getpid()

// maxBlocking is how many calls may sleep in a blocking syscall at once
// (each holds an OS thread); blocking counts them. Go's limit is 10,000
// threads, and the rest of the process (resolver, scans, the runtime) needs
// some too.
var (
	maxBlocking atomic.Int64
	blocking    atomic.Int64
)

func init() {
	maxBlocking.Store(1000)
	if n, err := strconv.Atoi(os.Getenv("SOCKLAB_BLOCKING_THREADS")); err == nil && n >= 0 {
		maxBlocking.Store(int64(n))
	}
}

// takeThread reserves a slot in the thread budget.
func takeThread() bool {
	if blocking.Add(1) <= maxBlocking.Load() {
		return true
	}
	blocking.Add(-1)
	return false
}

func putThread() { blocking.Add(-1) }

// Socket is one socket. Its methods are safe for concurrent use.
type Socket struct {
	Family, Type, Proto int

	mu     sync.Mutex
	fd     int
	users  int         // calls in flight
	closed bool        // Close was called; fd is closed by the last user
	closeA atomic.Bool // closed, readable without mu (poll callbacks)

	timeout  time.Duration    // <0: blocking; 0: non-blocking; >0: timeout
	kernTimo [2]time.Duration // SO_RCVTIMEO, SO_SNDTIMEO as set in the kernel (0: unset)
	nonblock bool             // the user asked for non-blocking (timeout 0)

	// spin is SpinRecv's record: > 0 recent spins caught data, < 0 cooling
	// down after one that did not.
	spin atomic.Int32

	// Poll mode, set once under mu (polled mirrors pf != nil).
	polled  atomic.Bool
	pf      *os.File
	rc      syscall.RawConn
	waitq   [2]chan struct{} // one waiter per direction holds the slot
	closing chan struct{}    // closed by Close
	dlMu    sync.Mutex       // guards the deadlines, gen and dlSet
	gen     [2]uint64        // bumped by each waiter: stale cancellations are ignored
	dlSet   [2]bool          // a deadline is set on the os.File

	// Cancellation of blocking-mode calls: one registration per context
	// that has blocked on this socket (see watch).
	wmu     sync.Mutex
	watches []*watch

	// Read-ahead of the line-oriented helpers (recvline, recvuntil…);
	// recv and friends drain it first. Guarded by rmu.
	rmu     sync.Mutex
	rbuf    []byte
	scratch []byte
}

// Directions of a call, for poll mode.
const (
	dirRead  = 0
	dirWrite = 1
)

// defaultTimeout is socket.setdefaulttimeout's value (-1: none), in ns.
var defaultTimeout atomic.Int64

func init() { defaultTimeout.Store(-1) }

// SetDefaultTimeout sets the timeout new sockets start with (d < 0: none).
func SetDefaultTimeout(d time.Duration) { defaultTimeout.Store(int64(d)) }

// DefaultTimeout returns the timeout new sockets start with (< 0: none).
func DefaultTimeout() time.Duration { return time.Duration(defaultTimeout.Load()) }

// NewSocket opens a socket (close-on-exec, blocking) with the default
// timeout.
func NewSocket(family, typ, proto int) (*Socket, error) {
	fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, err
	}
	s := &Socket{Family: family, Type: typ, Proto: proto, fd: fd}
	s.Proto = s.protocol()
	if err := s.SetTimeout(DefaultTimeout()); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return s, nil
}

func (s *Socket) protocol() int {
	if s.Proto != 0 {
		return s.Proto
	}
	if s.Family == unix.AF_INET || s.Family == unix.AF_INET6 {
		switch s.Type {
		case unix.SOCK_STREAM:
			return unix.IPPROTO_TCP
		case unix.SOCK_DGRAM:
			return unix.IPPROTO_UDP
		}
	}
	return 0
}

// acquire registers a call in flight and returns the fd, or EBADF.
func (s *Socket) acquire() (int, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return -1, unix.EBADF
	}
	s.users++
	fd := s.fd
	s.mu.Unlock()
	return fd, nil
}

func (s *Socket) release() {
	s.mu.Lock()
	s.users--
	if s.closed && s.users == 0 && s.fd >= 0 {
		s.closeFd()
	}
	s.mu.Unlock()
}

// closeFd closes the descriptor, through its os.File in poll mode. Called
// with mu held, when no call is in flight.
func (s *Socket) closeFd() error {
	s.dropWatches()
	var err error
	if s.pf != nil {
		err = s.pf.Close()
	} else {
		err = unix.Close(s.fd)
	}
	s.fd = -1
	return err
}

// Closed reports whether Close was called.
func (s *Socket) Closed() bool { return s.closeA.Load() }

// Close closes the socket; a call blocked on it in another task returns
// EBADF. Closing twice is harmless.
func (s *Socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.closeA.Store(true)
	if s.closing != nil {
		close(s.closing) // wakes tasks queued for a poll slot
	}
	if s.users > 0 {
		// Wake the syscall (or the netpoller: its callback sees closeA);
		// the last user closes.
		unix.Shutdown(s.fd, unix.SHUT_RDWR)
		if s.pf != nil {
			s.dlMu.Lock()
			s.pf.SetDeadline(aLongTimeAgo)
			s.dlSet = [2]bool{true, true}
			s.dlMu.Unlock()
		}
		return nil
	}
	return s.closeFd()
}

// Fileno is the descriptor, -1 once closed.
func (s *Socket) Fileno() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return -1
	}
	return s.fd
}

// Timeout returns the socket's timeout: < 0 none (blocking), 0 non-blocking.
func (s *Socket) Timeout() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timeout
}

// SetTimeout sets Python's per-operation timeout: d < 0 blocks without limit,
// 0 makes the socket non-blocking (EAGAIN instead of waiting).
func (s *Socket) SetTimeout(d time.Duration) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timeout = d
	if nb := d == 0; nb != s.nonblock {
		if s.pf == nil { // in poll mode the fd stays O_NONBLOCK
			if err := unix.SetNonblock(fd, nb); err != nil {
				return err
			}
		}
		s.nonblock = nb
	}
	return nil // the kernel timeouts follow lazily: see setKernTimo
}

// --- syscalls without allocation -------------------------------------------

func sysSend(fd int, p []byte, flags int) (int, error) {
	return sysSendRecv(unix.SYS_SENDTO, fd, p, flags|unix.MSG_NOSIGNAL, false)
}

func sysRecv(fd int, p []byte, flags int) (int, error) {
	return sysSendRecv(unix.SYS_RECVFROM, fd, p, flags, false)
}

// sysSendRecv is send(2) or recv(2) without allocation. With raw set the Go
// scheduler is not told of the syscall: only for calls that cannot block
// (MSG_DONTWAIT). Otherwise a call that the kernel merely preempts (a send
// that wakes the peer on the same CPU) looks to Go's monitor like a blocked
// syscall, and it hands the P to another thread: futex wake-ups and
// context switches on every round trip.
func sysSendRecv(trap uintptr, fd int, p []byte, flags int, raw bool) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	var n uintptr
	var e syscall.Errno
	if raw {
		n, _, e = unix.RawSyscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	} else {
		n, _, e = unix.Syscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// disconnect dissolves a TCP socket's association (connect to AF_UNSPEC),
// leaving it unconnected and reusable.
func disconnect(fd int) {
	sa := unix.RawSockaddr{Family: unix.AF_UNSPEC}
	unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
}

// --- operations --------------------------------------------------------------

// Bind binds the socket to sa.
func (s *Socket) Bind(sa unix.Sockaddr) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	return unix.Bind(fd, sa)
}

// Listen makes a stream socket accept connections.
func (s *Socket) Listen(backlog int) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	return unix.Listen(fd, backlog)
}

// Accept waits for a connection and returns its socket (with the default
// timeout, as Python does) and the peer's address.
func (s *Socket) Accept(ctx context.Context) (*Socket, unix.Sockaddr, error) {
	var nfd int
	var sa unix.Sockaddr
	err := s.io(ctx, dirRead, func(fd, _ int) (err error) {
		nfd, sa, err = accept4(fd, unix.SOCK_CLOEXEC)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	c := &Socket{Family: s.Family, Type: s.Type, Proto: s.Proto, fd: nfd}
	s.mu.Lock()
	c.kernTimo = s.kernTimo // inherited from the listener by the kernel
	s.mu.Unlock()
	if err := c.SetTimeout(DefaultTimeout()); err != nil {
		c.Close()
		return nil, nil, err
	}
	if sa == nil && s.Family == unix.AF_UNIX {
		sa = &unix.SockaddrUnix{}
	}
	return c, sa, nil
}

// Connect connects to sa. A TCP connection to itself (possible on loopback
// when the kernel picks the target port as the source port) is undone and
// reported as ECONNREFUSED, as Go's net.Dial does.
func (s *Socket) Connect(ctx context.Context, sa unix.Sockaddr) error {
	started := false
	timeout := s.Timeout()
	err := s.io(ctx, dirWrite, func(fd, mode int) error {
		if !started {
			started = true
			err := unix.Connect(fd, sa)
			switch {
			case mode == modeNonblock:
			case err == unix.EINTR && mode == modeBlocking:
				return errRetry
			case err == unix.EINPROGRESS && mode == modeBlocking && s.polled.Load():
				return unix.EAGAIN // the fd went non-blocking under us: poll
			case err == unix.EINTR, err == unix.EINPROGRESS, err == unix.EALREADY:
				if mode == modePoll {
					return unix.EAGAIN // wait until writable
				}
			case err == unix.EAGAIN && mode == modePoll:
				// A Unix listener's backlog is full: try again shortly.
				started = false
				time.Sleep(time.Millisecond)
				return errRetry
			}
			return err
		}
		// Interrupted: the connection goes on in the kernel; wait for it.
		if mode == modeBlocking {
			return waitConnected(fd, timeout)
		}
		return connectResult(fd)
	})
	if err != nil {
		return err
	}
	if s.Type == unix.SOCK_STREAM && (s.Family == unix.AF_INET || s.Family == unix.AF_INET6) {
		fd, err := s.acquire()
		if err != nil {
			return err
		}
		defer s.release()
		if local, err := getsockname(fd); err == nil && sameAddr(local, sa) {
			disconnect(fd)
			return unix.ECONNREFUSED
		}
	}
	return nil
}

// connectResult is the outcome of a non-blocking connect once the socket is
// writable (EAGAIN: not known yet; the netpoller may wake spuriously).
func connectResult(fd int) error {
	soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	switch e := syscall.Errno(soerr); e {
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return unix.EAGAIN
	case unix.EISCONN:
		return nil
	case 0:
		if _, err := getpeername(fd); err == nil {
			return nil
		}
		return unix.EAGAIN
	default:
		return e
	}
}

// waitConnected polls a connecting socket until the outcome is known.
func waitConnected(fd int, timeout time.Duration) error {
	ms := -1
	if timeout > 0 {
		ms = int(timeout / time.Millisecond)
	}
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	n, err := unix.Poll(fds, ms)
	if err != nil {
		return err
	}
	if n == 0 {
		return unix.EAGAIN
	}
	soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if soerr != 0 {
		return syscall.Errno(soerr)
	}
	return nil
}

func sameAddr(a, b unix.Sockaddr) bool {
	switch x := a.(type) {
	case *unix.SockaddrInet4:
		y, ok := b.(*unix.SockaddrInet4)
		return ok && x.Port == y.Port && x.Addr == y.Addr
	case *unix.SockaddrInet6:
		y, ok := b.(*unix.SockaddrInet6)
		return ok && x.Port == y.Port && x.Addr == y.Addr
	}
	return false
}

// Send sends what it can of p and returns how much that was.
func (s *Socket) Send(ctx context.Context, p []byte, flags int) (int, error) {
	var n int
	op := func(fd, _ int) (err error) {
		n, err = sysSend(fd, p, flags)
		return err
	}
	if flags&unix.MSG_DONTWAIT != 0 {
		return n, s.ioNow(ctx, op)
	}
	return n, s.io(ctx, dirWrite, op)
}

// TrySend makes one attempt to send p (to sa, for an unconnected datagram
// socket; nil otherwise) without waiting. A caller that holds a lock it
// would rather keep (the Lua lock) tries this first: with room in the send
// buffer, as nearly always on loopback, it is the whole send. ok is false
// when the call would have to wait: then send the usual way.
func (s *Socket) TrySend(p []byte, flags int, sa unix.Sockaddr) (n int, err error, ok bool) {
	fd, err := s.acquire()
	if err != nil {
		return 0, err, true
	}
	defer s.release()
	if sa != nil {
		err = unix.Sendto(fd, p, flags|unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL, sa)
		n = len(p)
	} else {
		n, err = sysSendRecv(unix.SYS_SENDTO, fd, p, flags|unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL, true)
	}
	if err == unix.EAGAIN || err == unix.EINTR {
		return 0, nil, false
	}
	if err != nil {
		n = 0
	}
	return n, err, true
}

// SendAll sends all of p, returning how much was sent when it fails.
func (s *Socket) SendAll(ctx context.Context, p []byte, flags int) (int, error) {
	sent := 0
	err := s.io(ctx, dirWrite, func(fd, _ int) error {
		for sent < len(p) {
			n, err := sysSend(fd, p[sent:], flags)
			if err != nil {
				return err
			}
			sent += n
		}
		return nil
	})
	return sent, err
}

// SendTo sends a datagram to sa.
func (s *Socket) SendTo(ctx context.Context, p []byte, flags int, sa unix.Sockaddr) (int, error) {
	op := func(fd, _ int) error {
		return unix.Sendto(fd, p, flags|unix.MSG_NOSIGNAL, sa)
	}
	var err error
	if flags&unix.MSG_DONTWAIT != 0 {
		err = s.ioNow(ctx, op)
	} else {
		err = s.io(ctx, dirWrite, op)
	}
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// TryRecv is Recv when it need not wait: what the line helpers read ahead,
// or one attempt that does not block. When client and server share a CPU
// (or the peer is fast) the data is there by the time the caller asks, and
// the caller, holding the Lua lock, saves letting go of it. ok is false when
// the call would have to wait: then receive the usual way.
func (s *Socket) TryRecv(p []byte, flags int) (n int, err error, ok bool) {
	if n := s.takeBuffered(p, flags); n > 0 {
		return n, nil, true
	}
	fd, err := s.acquire()
	if err != nil {
		return 0, err, true
	}
	defer s.release()
	n, err = sysSendRecv(unix.SYS_RECVFROM, fd, p, flags|unix.MSG_DONTWAIT, true)
	if err == unix.EAGAIN || err == unix.EINTR {
		return 0, nil, false
	}
	return n, err, true
}

// spinFor is how long SpinRecv polls: a loopback round trip to a peer on
// another CPU takes 15-40 µs, and waking a thread that slept in recv()
// costs about as much again (bench/socket: +45 % echo round trips/s).
const spinFor = 30 * time.Microsecond

// SpinRecv is TryRecv repeated for up to spinFor, as Go's scheduler spins
// before it parks: when the reply is on its way, catching it beats sleeping
// in the kernel and being woken. It adapts per socket: a spin that catches
// nothing (an idle peer, a person typing) turns spinning off for the next
// calls, so that waiting connections do not burn CPU. A socket with
// timeout 0 never spins, nor does a caller whose lock others wait for
// (contended).
func (s *Socket) SpinRecv(p []byte, flags int, contended bool) (n int, err error, ok bool) {
	if n, err, ok = s.TryRecv(p, flags); ok || contended || s.Timeout() == 0 {
		return n, err, ok
	}
	score := s.spin.Load()
	if score < 0 {
		s.spin.Add(1)
		return 0, nil, false
	}
	for start := time.Now(); time.Since(start) < spinFor; {
		// Let a peer that shares this CPU run; with none, this returns
		// at once.
		unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
		if n, err, ok = s.TryRecv(p, flags); ok {
			if score < 4 {
				s.spin.Add(1)
			}
			return n, err, ok
		}
	}
	s.spin.Store(-4)
	return 0, nil, false
}

// Recv reads up to len(p) bytes; 0 means end of stream (or an empty
// datagram). Read-ahead of the line helpers comes first.
func (s *Socket) Recv(ctx context.Context, p []byte, flags int) (int, error) {
	if n := s.takeBuffered(p, flags); n > 0 {
		return n, nil
	}
	var n int
	op := func(fd, _ int) (err error) {
		n, err = sysRecv(fd, p, flags)
		return err
	}
	if flags&unix.MSG_DONTWAIT != 0 {
		return n, s.ioNow(ctx, op)
	}
	return n, s.io(ctx, dirRead, op)
}

// TryRecvFrom is RecvFrom when a datagram is already there: one attempt
// that does not wait (see TryRecv). ok is false when the call would have to
// wait, or when read-ahead data is buffered (RecvFrom handles that).
func (s *Socket) TryRecvFrom(p []byte, flags int) (n int, sa unix.Sockaddr, err error, ok bool) {
	s.rmu.Lock()
	buffered := len(s.rbuf) > 0
	s.rmu.Unlock()
	if buffered {
		return 0, nil, nil, false
	}
	fd, err := s.acquire()
	if err != nil {
		return 0, nil, err, true
	}
	defer s.release()
	n, sa, err = recvfrom(fd, p, flags|unix.MSG_DONTWAIT)
	if err == unix.EAGAIN || err == unix.EINTR {
		return 0, nil, nil, false
	}
	return n, sa, err, true
}

// RecvFrom reads one datagram (or stream data) and its sender's address.
func (s *Socket) RecvFrom(ctx context.Context, p []byte, flags int) (int, unix.Sockaddr, error) {
	if n := s.takeBuffered(p, flags); n > 0 {
		fd, err := s.acquire()
		if err != nil {
			return 0, nil, err
		}
		defer s.release()
		sa, _ := getpeername(fd)
		return n, sa, nil
	}
	var n int
	var sa unix.Sockaddr
	op := func(fd, _ int) (err error) {
		n, sa, err = recvfrom(fd, p, flags)
		return err
	}
	var err error
	if flags&unix.MSG_DONTWAIT != 0 {
		err = s.ioNow(ctx, op)
	} else {
		err = s.io(ctx, dirRead, op)
	}
	return n, sa, err
}

func (s *Socket) takeBuffered(p []byte, flags int) int {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if len(s.rbuf) == 0 || len(p) == 0 {
		return 0
	}
	n := copy(p, s.rbuf)
	if flags&unix.MSG_PEEK == 0 {
		s.rbuf = s.rbuf[n:]
	}
	return n
}

// Shutdown shuts down one or both halves of the connection.
func (s *Socket) Shutdown(how int) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	return unix.Shutdown(fd, how)
}

// Sockname returns the socket's own address.
func (s *Socket) Sockname() (unix.Sockaddr, error) {
	fd, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer s.release()
	return getsockname(fd)
}

// Peername returns the connected peer's address.
func (s *Socket) Peername() (unix.Sockaddr, error) {
	fd, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer s.release()
	return getpeername(fd)
}

// SetsockoptInt sets an integer option.
func (s *Socket) SetsockoptInt(level, opt, v int) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	return unix.SetsockoptInt(fd, level, opt, v)
}

// SetsockoptBytes sets an option from raw bytes.
func (s *Socket) SetsockoptBytes(level, opt int, v []byte) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	return unix.SetsockoptString(fd, level, opt, string(v))
}

// GetsockoptInt reads an integer option.
func (s *Socket) GetsockoptInt(level, opt int) (int, error) {
	fd, err := s.acquire()
	if err != nil {
		return 0, err
	}
	defer s.release()
	return unix.GetsockoptInt(fd, level, opt)
}

// GetsockoptBytes reads up to buflen bytes of an option.
func (s *Socket) GetsockoptBytes(level, opt, buflen int) ([]byte, error) {
	fd, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer s.release()
	buf := make([]byte, buflen)
	l := uint32(buflen)
	var ptr unsafe.Pointer
	if buflen > 0 {
		ptr = unsafe.Pointer(&buf[0])
	}
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(ptr), uintptr(unsafe.Pointer(&l)), 0)
	if e != 0 {
		return nil, e
	}
	return buf[:l], nil
}
