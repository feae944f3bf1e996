package socket

import (
	"context"
	"errors"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"socklab/luabind/runtime"
)

// The engine: a Socket is a raw file descriptor in blocking mode. Every
// blocking call is the plain syscall, made on the calling task's goroutine
// (whose OS thread sleeps in the kernel, as a C program's would). On loopback
// this beats Go's netpoller: one wake-up per message instead of an epoll
// round and a goroutine hand-off (see bench/socket).
//
// Cancellation: each socket carries a finite SO_RCVTIMEO/SO_SNDTIMEO (a day
// when the user asked for no timeout), which makes Linux return EINTR from a
// blocked accept/recv/send/connect when a signal arrives instead of
// restarting it (signal(7)). While a call is blocked its goroutine is locked
// to its thread; cancelling the task's context sends that thread SIGURG
// (which Go's runtime tolerates: it is its own preemption signal, and
// spurious ones are ignored) until the call returns. The socket itself is
// untouched, so Ctrl-C on `conn:recv()` at the prompt leaves conn usable,
// as in Python.
//
// Closing: Close marks the socket closed and, if another task is inside a
// syscall on it, shuts it down (waking that call) and leaves the close(2) to
// the last user, so the fd number cannot be reused under a running syscall.
// Every later call reports EBADF: "[Errno 9] Bad file descriptor".

// noTimeout is the kernel timeout of a socket that has none in Lua terms.
const noTimeout = 24 * time.Hour

var pid = unix.Getpid()

// Socket is one socket. Its methods are safe for concurrent use.
type Socket struct {
	Family, Type, Proto int

	mu     sync.Mutex
	fd     int
	users  int  // syscalls in flight
	closed bool // Close was called; fd is closed by the last user

	timeout  time.Duration // <0: blocking; 0: non-blocking; >0: timeout
	kernTimo time.Duration // SO_RCVTIMEO/SO_SNDTIMEO as set in the kernel (0: unset)
	nonblock bool          // O_NONBLOCK set

	// Read-ahead of the line-oriented helpers (recvline, recvuntil…);
	// recv and friends drain it first. Guarded by rmu.
	rmu     sync.Mutex
	rbuf    []byte
	scratch []byte
}

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

// acquire registers a syscall in flight and returns the fd, or EBADF.
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
		unix.Close(s.fd)
		s.fd = -1
	}
	s.mu.Unlock()
}

// Closed reports whether Close was called.
func (s *Socket) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close closes the socket; a call blocked on it in another task returns
// EBADF. Closing twice is harmless.
func (s *Socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.users > 0 {
		unix.Shutdown(s.fd, unix.SHUT_RDWR) // wake the syscall; its caller closes
		return nil
	}
	err := unix.Close(s.fd)
	s.fd = -1
	return err
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
		if err := unix.SetNonblock(fd, nb); err != nil {
			return err
		}
		s.nonblock = nb
	}
	if d > 0 {
		return s.setKernTimo(fd, d)
	}
	return nil
}

// setKernTimo sets SO_RCVTIMEO and SO_SNDTIMEO to d. Called with mu held.
func (s *Socket) setKernTimo(fd int, d time.Duration) error {
	if s.kernTimo == d {
		return nil
	}
	tv := unix.NsecToTimeval(int64(max(d, time.Millisecond)))
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return err
	}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, &tv); err != nil {
		return err
	}
	s.kernTimo = d
	return nil
}

// waker interrupts a thread blocked in a syscall by sending it SIGURG until
// the call has returned.
type waker struct {
	tid  int
	done atomic.Bool
}

func (w *waker) fire() {
	for i := 0; !w.done.Load(); i++ {
		unix.Tgkill(pid, w.tid, unix.SIGURG)
		time.Sleep(time.Duration(1<<min(i, 7)) * 50 * time.Microsecond)
	}
}

// errRetry asks io to call op again (e.g. connect resumed after EINTR).
var errRetry = errors.New("retry")

// io runs op, one syscall on the fd, until it neither is interrupted nor (on
// a blocking socket without timeout) times out in the kernel. Cancelling ctx
// interrupts it. It maps EAGAIN to "timed out" on sockets with a timeout.
func (s *Socket) io(ctx context.Context, op func(fd int) error) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	s.mu.Lock()
	timeout := s.timeout
	if timeout < 0 && s.kernTimo != noTimeout {
		if err := s.setKernTimo(fd, noTimeout); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	s.mu.Unlock()
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}

	goruntime.LockOSThread()
	w := &waker{tid: unix.Gettid()}
	stop := context.AfterFunc(ctx, w.fire)
	for {
		err = op(fd)
		if err == unix.EINTR || err == errRetry {
			if ctx.Err() != nil {
				break
			}
			if timeout > 0 && time.Now().After(deadline) {
				err = unix.EAGAIN
				break
			}
			continue
		}
		if err == unix.EAGAIN && timeout < 0 && ctx.Err() == nil && !s.Closed() {
			continue // the day-long kernel timeout expired
		}
		break
	}
	w.done.Store(true)
	stop()
	goruntime.UnlockOSThread()

	switch {
	case s.Closed():
		return unix.EBADF
	case (err == unix.EINTR || err == errRetry) && ctx.Err() != nil:
		return ctx.Err()
	case (err == unix.EAGAIN || err == unix.EINPROGRESS) && timeout > 0:
		return runtime.ErrTimeout
	}
	return err
}

// --- syscalls without allocation -------------------------------------------

func sysSend(fd int, p []byte, flags int) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := unix.Syscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags|unix.MSG_NOSIGNAL), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func sysRecv(fd int, p []byte, flags int) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := unix.Syscall6(unix.SYS_RECVFROM, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
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
	err := s.io(ctx, func(fd int) (err error) {
		nfd, sa, err = unix.Accept4(fd, unix.SOCK_CLOEXEC)
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
	err := s.io(ctx, func(fd int) error {
		if !started {
			started = true
			err := unix.Connect(fd, sa)
			if err == unix.EINTR {
				return errRetry
			}
			return err
		}
		// Interrupted: the connection goes on in the kernel; wait for it.
		return waitConnected(fd, s.Timeout())
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
		if local, err := unix.Getsockname(fd); err == nil && sameAddr(local, sa) {
			disconnect(fd)
			return unix.ECONNREFUSED
		}
	}
	return nil
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
	err := s.io(ctx, func(fd int) (err error) {
		n, err = sysSend(fd, p, flags)
		return err
	})
	return n, err
}

// SendAll sends all of p, returning how much was sent when it fails.
func (s *Socket) SendAll(ctx context.Context, p []byte, flags int) (int, error) {
	sent := 0
	err := s.io(ctx, func(fd int) error {
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
	err := s.io(ctx, func(fd int) error {
		return unix.Sendto(fd, p, flags|unix.MSG_NOSIGNAL, sa)
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Recv reads up to len(p) bytes; 0 means end of stream (or an empty
// datagram). Read-ahead of the line helpers comes first.
func (s *Socket) Recv(ctx context.Context, p []byte, flags int) (int, error) {
	if n := s.takeBuffered(p, flags); n > 0 {
		return n, nil
	}
	var n int
	err := s.io(ctx, func(fd int) (err error) {
		n, err = sysRecv(fd, p, flags)
		return err
	})
	return n, err
}

// RecvFrom reads one datagram (or stream data) and its sender's address.
func (s *Socket) RecvFrom(ctx context.Context, p []byte, flags int) (int, unix.Sockaddr, error) {
	if n := s.takeBuffered(p, flags); n > 0 {
		fd, err := s.acquire()
		if err != nil {
			return 0, nil, err
		}
		defer s.release()
		sa, _ := unix.Getpeername(fd)
		return n, sa, nil
	}
	var n int
	var sa unix.Sockaddr
	err := s.io(ctx, func(fd int) (err error) {
		n, sa, err = unix.Recvfrom(fd, p, flags)
		return err
	})
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
	return unix.Getsockname(fd)
}

// Peername returns the connected peer's address.
func (s *Socket) Peername() (unix.Sockaddr, error) {
	fd, err := s.acquire()
	if err != nil {
		return nil, err
	}
	defer s.release()
	return unix.Getpeername(fd)
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
