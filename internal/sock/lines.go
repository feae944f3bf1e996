package sock

// Read-ahead for line-oriented reading (Python's makefile().readline, and
// pwntools-style recvuntil/recvexactly): data read past what a helper
// returns stays in the socket's buffer, and Recv and friends drain it
// first.

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// A read-ahead reads into a pooled buffer and appends what came to rbuf.
// It reads waitSize bytes at a time, and fillSize while the data comes in
// a stream (the last read filled its buffer). So a task waiting for a
// short message holds 2 KiB, not 64 KiB: 10,000 echo clients in
// recvexactly held 20-50 MB of 64 KiB buffers before (bench/memory),
// blocked on them in recv or preempted between taking and returning one.
const (
	fillSize = 64 << 10
	waitSize = 2 << 10
)

var (
	fillPool = sync.Pool{New: func() any { b := make([]byte, fillSize); return &b }}
	waitPool = sync.Pool{New: func() any { b := make([]byte, waitSize); return &b }}
)

// fill reads more data into the read-ahead buffer; it reports false at end
// of stream.
func (s *Socket) fill(ctx context.Context) (bool, error) {
	var n int
	err := s.io(ctx, dirRead, func(fd, mode int) (err error) {
		n, err = s.readAhead(fd, mode)
		return err
	})
	if err != nil {
		return false, err
	}
	return n > 0, nil
}

// readAhead appends what one recv returns to the read-ahead buffer (n == 0:
// end of stream). What is queued is taken without waiting; only if nothing
// is, a blocking fd sleeps in recv, on a small buffer.
func (s *Socket) readAhead(fd, mode int) (int, error) {
	pool := &waitPool
	if s.streaming.Load() {
		pool = &fillPool
	}
	bp := pool.Get().(*[]byte)
	n, err := sysSendRecv(unix.SYS_RECVFROM, fd, *bp, unix.MSG_DONTWAIT, true)
	if err == unix.EAGAIN && mode == modeBlocking {
		if pool != &waitPool {
			pool.Put(bp)
			pool = &waitPool
			bp = pool.Get().(*[]byte)
		}
		n, err = sysRecv(fd, *bp, 0)
	}
	if n > 0 {
		s.rmu.Lock()
		s.rbuf = append(s.rbuf, (*bp)[:n]...)
		s.rmu.Unlock()
	}
	s.streaming.Store(n == len(*bp))
	pool.Put(bp)
	return n, err
}

// RecvUntil returns the data up to and including delim. At end of stream it
// returns what is buffered and eof=true, leaving it buffered when keep.
func (s *Socket) RecvUntil(ctx context.Context, delim []byte, keep bool) (data []byte, eof bool, err error) {
	cut := func(buf []byte) int {
		if i := bytes.Index(buf, delim); i >= 0 {
			return i + len(delim)
		}
		return -1
	}
	atEOF := func() []byte {
		data := append([]byte(nil), s.rbuf...)
		if !keep {
			s.rbuf = s.rbuf[:0]
		}
		return data
	}
	return s.recvFramed(ctx, cut, atEOF)
}

// RecvExactly returns exactly n bytes, or eof=true when the stream ends
// first (what arrived stays buffered: Buffered tells how much).
func (s *Socket) RecvExactly(ctx context.Context, n int) ([]byte, bool, error) {
	cut := func(buf []byte) int {
		if len(buf) >= n {
			return n
		}
		return -1
	}
	return s.recvFramed(ctx, cut, func() []byte { return nil })
}

// recvFramed reads until cut finds a whole frame in the buffer (cut returns
// its length, or -1 for not yet) and returns a copy of it. At end of stream
// it returns atEOF's result, called with rmu held, and eof=true.
func (s *Socket) recvFramed(ctx context.Context, cut func(buf []byte) int, atEOF func() []byte) ([]byte, bool, error) {
	for {
		s.rmu.Lock()
		if n := cut(s.rbuf); n >= 0 {
			data := append([]byte(nil), s.rbuf[:n]...)
			s.rbuf = s.rbuf[n:]
			s.rmu.Unlock()
			return data, false, nil
		}
		s.rmu.Unlock()
		more, err := s.fill(ctx)
		if err != nil {
			return nil, false, err
		}
		if !more {
			s.rmu.Lock()
			data := atEOF()
			s.rmu.Unlock()
			return data, true, nil
		}
	}
}

// RecvAll reads until the peer closes its side and returns everything. On
// an error what arrived stays buffered.
func (s *Socket) RecvAll(ctx context.Context) ([]byte, error) {
	for {
		more, err := s.fill(ctx)
		if err != nil {
			return nil, err
		}
		if !more {
			break
		}
	}
	s.rmu.Lock()
	all := s.rbuf
	s.rbuf = nil
	s.rmu.Unlock()
	return all, nil
}

// Buffered is how many bytes are read ahead.
func (s *Socket) Buffered() int {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return len(s.rbuf)
}

// takeBuffered moves read-ahead data into p.
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

// Interactive copies the socket to out and in to the socket, like nc,
// until either side ends or ctx is cancelled. It reads in only when poll
// says it is readable, so it never leaves a read of the terminal pending
// when it returns (the terminal goes back to its owner).
func (s *Socket) Interactive(ctx context.Context, in *os.File, out io.Writer) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	// What the line helpers already buffered comes first.
	s.rmu.Lock()
	if len(s.rbuf) > 0 {
		out.Write(s.rbuf)
		s.rbuf = nil
	}
	s.rmu.Unlock()
	buf := make([]byte, 32<<10)
	inFd := int(in.Fd())
	// poll(2) sleeps on a thread, woken by SIGURG when ctx is cancelled
	// (as a blocked recv is). With no thread to spare in the budget, poll
	// without sleeping and sleep in Go instead (no thread held).
	wait := 0
	if s.threads.take() {
		defer s.threads.put()
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		wt, w := s.arm(ctx)
		defer wt.disarm(w)
		wait = -1
	}
	for ctx.Err() == nil && !s.Closed() {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(inFd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, wait)
		if err == unix.EINTR || n == 0 {
			if wait == 0 {
				time.Sleep(20 * time.Millisecond)
			}
			continue
		}
		if err != nil {
			return err
		}
		if fds[0].Revents != 0 {
			n, err := sysRecv(fd, buf, unix.MSG_DONTWAIT)
			if err == unix.EAGAIN || err == unix.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			out.Write(buf[:n])
		}
		if fds[1].Revents != 0 {
			n, err := unix.Read(inFd, buf)
			if err == unix.EAGAIN || err == unix.EINTR {
				continue
			}
			if err != nil || n == 0 {
				return nil // Ctrl-D
			}
			for p := buf[:n]; len(p) > 0; {
				m, err := sysSend(fd, p, 0)
				if err == unix.EINTR || err == unix.EAGAIN {
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					return err
				}
				p = p[m:]
			}
		}
	}
	if s.Closed() {
		return unix.EBADF
	}
	return nil
}
