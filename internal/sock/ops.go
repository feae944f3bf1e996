package sock

// The operations of a socket, each as Python's socket method of that name.

import (
	"context"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Bind binds the socket to sa.
func (s *Socket) Bind(sa unix.Sockaddr) error {
	return s.withFD(func(fd int) error { return unix.Bind(fd, sa) })
}

// Listen makes a stream socket accept connections.
func (s *Socket) Listen(backlog int) error {
	return s.withFD(func(fd int) error { return unix.Listen(fd, backlog) })
}

// Accept waits for a connection and returns its socket, with timeout (as
// SetTimeout takes it; Python gives the default timeout) and the listener's
// thread budget, and the peer's address.
func (s *Socket) Accept(ctx context.Context, timeout time.Duration) (*Socket, unix.Sockaddr, error) {
	var nfd int
	var sa unix.Sockaddr
	err := s.io(ctx, dirRead, func(fd, _ int) (err error) {
		nfd, sa, err = Accept4(fd, unix.SOCK_CLOEXEC)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	c, err := newSocket(nfd, s.Family, s.Type, s.Proto, timeout, s.threads)
	if err != nil {
		return nil, nil, err
	}
	// Linux copies the listener's SO_RCVTIMEO/SO_SNDTIMEO to a connection
	// set up after they were set, not to one set up before, and never for
	// AF_UNIX: what the kernel holds is unknown, so the first blocking
	// call sets it (see the package comment).
	c.kernTimo = [2]time.Duration{kernUnknown, kernUnknown}
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
		if local, err := Getsockname(fd); err == nil && SameAddr(local, sa) {
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
		if _, err := Getpeername(fd); err == nil {
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

// Send sends what it can of p and returns how much that was.
func (s *Socket) Send(ctx context.Context, p []byte, flags int) (int, error) {
	var n int
	err := s.ioFlags(ctx, dirWrite, flags, func(fd, _ int) (err error) {
		n, err = sysSend(fd, p, flags)
		return err
	})
	return n, err
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
	err := s.ioFlags(ctx, dirWrite, flags, func(fd, _ int) error {
		return unix.Sendto(fd, p, flags|unix.MSG_NOSIGNAL, sa)
	})
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
	err := s.ioFlags(ctx, dirRead, flags, func(fd, _ int) (err error) {
		n, err = sysRecv(fd, p, flags)
		return err
	})
	return n, err
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
	n, sa, err = Recvfrom(fd, p, flags|unix.MSG_DONTWAIT)
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
		sa, _ := Getpeername(fd)
		return n, sa, nil
	}
	var n int
	var sa unix.Sockaddr
	err := s.ioFlags(ctx, dirRead, flags, func(fd, _ int) (err error) {
		n, sa, err = Recvfrom(fd, p, flags)
		return err
	})
	return n, sa, err
}

// Shutdown shuts down one or both halves of the connection.
func (s *Socket) Shutdown(how int) error {
	return s.withFD(func(fd int) error { return unix.Shutdown(fd, how) })
}

// Sockname returns the socket's own address.
func (s *Socket) Sockname() (unix.Sockaddr, error) { return onFD(s, Getsockname) }

// Peername returns the connected peer's address.
func (s *Socket) Peername() (unix.Sockaddr, error) { return onFD(s, Getpeername) }

// SetsockoptInt sets an integer option.
func (s *Socket) SetsockoptInt(level, opt, v int) error {
	return s.withFD(func(fd int) error { return unix.SetsockoptInt(fd, level, opt, v) })
}

// SetsockoptBytes sets an option from raw bytes.
func (s *Socket) SetsockoptBytes(level, opt int, v []byte) error {
	return s.withFD(func(fd int) error { return unix.SetsockoptString(fd, level, opt, string(v)) })
}

// GetsockoptInt reads an integer option.
func (s *Socket) GetsockoptInt(level, opt int) (int, error) {
	return onFD(s, func(fd int) (int, error) { return unix.GetsockoptInt(fd, level, opt) })
}

// GetsockoptBytes reads up to buflen bytes of an option.
func (s *Socket) GetsockoptBytes(level, opt, buflen int) ([]byte, error) {
	return onFD(s, func(fd int) ([]byte, error) { return getsockoptBytes(fd, level, opt, buflen) })
}

func getsockoptBytes(fd, level, opt, buflen int) ([]byte, error) {
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
