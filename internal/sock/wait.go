package sock

// How a call waits: a blocking syscall on the caller's thread while the
// thread budget allows, else Go's netpoller; and how a waiting call is
// cancelled (see the package comment).

import (
	"context"
	"errors"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// setKernTimo sets the kernel timeout of one direction (SO_RCVTIMEO for
// dirRead, SO_SNDTIMEO for dirWrite: connect uses the latter) to d. It is
// set lazily, before the first blocking call that needs it, so that a
// socket that only connects and closes costs one setsockopt, not two.
// Called with mu held.
func (s *Socket) setKernTimo(fd, dir int, d time.Duration) error {
	if s.kernTimo[dir] == d {
		return nil
	}
	opt := unix.SO_RCVTIMEO
	if dir == dirWrite {
		opt = unix.SO_SNDTIMEO
	}
	tv := unix.NsecToTimeval(int64(max(d, time.Millisecond)))
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, opt, &tv); err != nil {
		return err
	}
	s.kernTimo[dir] = d
	return nil
}

// toPoll moves the socket to the netpoller, once. fd is acquired.
func (s *Socket) toPoll(fd int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pf != nil {
		return nil
	}
	if s.closed {
		return unix.EBADF
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return err
	}
	f := os.NewFile(uintptr(fd), "socket")
	rc, err := f.SyscallConn()
	if err != nil {
		// Not pollable: leave the fd to the engine, not to f's finalizer.
		unix.SetNonblock(fd, s.nonblock)
		return err
	}
	s.pf, s.rc = f, rc
	s.waitq = [2]chan struct{}{make(chan struct{}, 1), make(chan struct{}, 1)}
	s.closing = make(chan struct{})
	s.polled.Store(true)
	return nil
}

// aLongTimeAgo is a deadline in the past: it wakes a waiter at once.
var aLongTimeAgo = time.Unix(1, 0)

func (s *Socket) setDeadline(dir int, t time.Time) {
	if dir == dirRead {
		s.pf.SetReadDeadline(t)
	} else {
		s.pf.SetWriteDeadline(t)
	}
}

var (
	// errRetry asks io to call op again (e.g. connect resumed after EINTR).
	errRetry = errors.New("retry")
	// errAbort ends a call whose context is done.
	errAbort = errors.New("aborted")
)

// How io calls an op: the socket's fd is blocking (the op may sleep in the
// kernel), non-blocking at the user's request (timeout 0: one attempt), or in
// poll mode (EAGAIN means: wait for readiness and call again).
const (
	modeBlocking = iota
	modeNonblock
	modePoll
)

// ioOp is one attempt at a call: a syscall on fd.
type ioOp func(fd, mode int) error

// io runs op until it neither is interrupted nor has to wait. Cancelling ctx
// interrupts it. It maps EAGAIN to "timed out" on sockets with a timeout.
func (s *Socket) io(ctx context.Context, dir int, op ioOp) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return unix.EBADF
	}
	s.users++
	fd, timeout, polled := s.fd, s.timeout, s.pf != nil
	defer s.release()
	if timeout != 0 && !polled {
		kern := timeout
		if timeout < 0 {
			kern = noTimeout
		}
		if err := s.setKernTimo(fd, dir, kern); err != nil {
			s.mu.Unlock()
			return err
		}
	}
	s.mu.Unlock()
	var err error
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}

	switch {
	case timeout == 0:
		err = s.once(ctx, fd, modeNonblock, op)
	case polled:
		err = s.pollIO(ctx, fd, dir, timeout, deadline, op)
	case s.threads.take():
		var moved bool
		err, moved = s.blockingIO(ctx, fd, timeout, deadline, op)
		s.threads.put()
		if moved { // another task moved the socket to the netpoller meanwhile
			err = s.pollIO(ctx, fd, dir, timeout, deadline, op)
		}
	default:
		// No thread to spare: wait in the netpoller, from now on.
		if err = s.toPoll(fd); err == nil {
			err = s.pollIO(ctx, fd, dir, timeout, deadline, op)
		}
	}

	switch {
	case s.Closed():
		return unix.EBADF
	case (err == unix.EINTR || err == errRetry || err == errAbort) && ctx.Err() != nil:
		return ctx.Err()
	case (err == unix.EAGAIN || err == unix.EINPROGRESS) && timeout > 0:
		return ErrTimeout
	}
	return err
}

// once runs op without waiting (but through EINTR).
func (s *Socket) once(ctx context.Context, fd, mode int, op ioOp) error {
	for {
		err := op(fd, mode)
		if err != unix.EINTR && err != errRetry {
			return err
		}
		if ctx.Err() != nil {
			return errAbort
		}
	}
}

// ioNow runs op once on a socket whatever its mode (MSG_DONTWAIT calls).
func (s *Socket) ioNow(ctx context.Context, op ioOp) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	err = s.once(ctx, fd, modeNonblock, op)
	if s.Closed() {
		return unix.EBADF
	}
	if err == errAbort {
		return ctx.Err()
	}
	return err
}

// ioFlags is io, or ioNow when flags hold MSG_DONTWAIT: the caller asked
// for one attempt, whatever the socket's timeout.
func (s *Socket) ioFlags(ctx context.Context, dir, flags int, op ioOp) error {
	if flags&unix.MSG_DONTWAIT != 0 {
		return s.ioNow(ctx, op)
	}
	return s.io(ctx, dir, op)
}

// blockingIO runs op on the blocking fd, on a thread of the budget. moved
// reports that the socket went to poll mode under it (op then met EAGAIN):
// the caller goes on in pollIO.
func (s *Socket) blockingIO(ctx context.Context, fd int, timeout time.Duration, deadline time.Time, op ioOp) (err error, moved bool) {
	runtime.LockOSThread()
	wt, w := s.arm(ctx)
	if ctx.Err() != nil { // cancelled before the watch could see this call
		wt.disarm(w)
		runtime.UnlockOSThread()
		return errAbort, false
	}
	for {
		err = op(fd, modeBlocking)
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
		if err == unix.EAGAIN && s.polled.Load() && (timeout < 0 || time.Now().Before(deadline)) {
			moved = true
			break
		}
		if err == unix.EAGAIN && timeout < 0 && ctx.Err() == nil && !s.Closed() {
			continue // the day-long kernel timeout expired
		}
		break
	}
	wt.disarm(w)
	runtime.UnlockOSThread()
	return err, moved
}

// pollIO runs op on the non-blocking fd of a socket in poll mode, parking
// the goroutine in the netpoller (no thread held) while op would block.
//
// The netpoller allows one waiter per fd and direction, and an os.File's
// deadlines are the fd's, not a call's: so tasks waiting on the same socket
// in the same direction queue for waitq[dir] (cancellably), and only its
// holder sets the deadline. A cancellation fires a deadline in the past,
// unless a later waiter holds the slot by then (gen).
func (s *Socket) pollIO(ctx context.Context, fd, dir int, timeout time.Duration, deadline time.Time, op ioOp) error {
	// Ready already? Then no waiting and no set-up.
	if err := s.once(ctx, fd, modePoll, op); err != unix.EAGAIN {
		return err
	}
	if s.Closed() {
		return unix.EBADF
	}
	if ctx.Err() != nil {
		return errAbort
	}
	if timeout > 0 && !time.Now().Before(deadline) {
		return unix.EAGAIN
	}
	s.mu.Lock()
	q, closing, rc := s.waitq[dir], s.closing, s.rc
	s.mu.Unlock()
	select {
	case q <- struct{}{}:
	default:
		var expire <-chan time.Time
		if timeout > 0 {
			t := time.NewTimer(time.Until(deadline))
			defer t.Stop()
			expire = t.C
		}
		select {
		case q <- struct{}{}:
		case <-ctx.Done():
			return errAbort
		case <-closing:
			return unix.EBADF
		case <-expire:
			return unix.EAGAIN
		}
	}
	defer func() { <-q }()

	s.dlMu.Lock()
	s.gen[dir]++
	gen := s.gen[dir]
	if timeout > 0 || s.dlSet[dir] {
		s.setDeadline(dir, deadline) // zero (none) when timeout < 0
		s.dlSet[dir] = timeout > 0
	}
	s.dlMu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		s.dlMu.Lock()
		if s.gen[dir] == gen {
			s.setDeadline(dir, aLongTimeAgo)
			s.dlSet[dir] = true
		}
		s.dlMu.Unlock()
	})

	var err error
	try := func(uintptr) bool {
		if s.closeA.Load() {
			err = unix.EBADF
			return true
		}
		if err = s.once(ctx, fd, modePoll, op); err == errAbort {
			return true
		}
		return err != unix.EAGAIN
	}
	for {
		var werr error
		if dir == dirRead {
			werr = rc.Read(try)
		} else {
			werr = rc.Write(try)
		}
		if werr == nil {
			break
		}
		// Woken by a deadline (timeout, cancellation, Close).
		if s.Closed() {
			err = unix.EBADF
			break
		}
		if ctx.Err() != nil {
			err = errAbort
			break
		}
		if !errors.Is(werr, os.ErrDeadlineExceeded) {
			err = werr
			break
		}
		if timeout > 0 {
			err = unix.EAGAIN
			break
		}
		// A stale deadline on a call without timeout: clear it, wait on.
		s.dlMu.Lock()
		s.setDeadline(dir, time.Time{})
		s.dlSet[dir] = false
		s.dlMu.Unlock()
	}
	stop()
	s.dlMu.Lock()
	s.gen[dir]++
	s.dlMu.Unlock()
	return err
}
