package sock

import (
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// noTimeout is the kernel timeout of a socket that has none in Python's
// terms: finite, so that a signal interrupts its calls (see the package
// comment).
const noTimeout = 24 * time.Hour

// kernUnknown marks a kernel timeout the engine has not set and cannot
// know (an accepted socket's): the next blocking call sets it.
const kernUnknown time.Duration = -1

var pid = unix.Getpid()

// ErrTimeout is what a call returns when the socket's timeout expires
// (Python's "timed out"); it matches os.ErrDeadlineExceeded.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "timed out" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Is(e error) bool { return e == os.ErrDeadlineExceeded }

// A Budget bounds how many calls may sleep in a blocking syscall at once,
// each holding an OS thread (Go's limit is 10,000 threads, and the rest of
// the process needs some too). A call that finds the budget spent moves its
// socket to the netpoller. Sockets made with the same Budget share it.
type Budget struct {
	max, used atomic.Int64
}

// NewBudget returns a budget of n threads (0: every call uses the
// netpoller).
func NewBudget(n int) *Budget {
	b := &Budget{}
	b.max.Store(int64(max(n, 0)))
	return b
}

// DefaultBudget is the process-wide budget: 128 threads, or
// $SOCKLAB_BLOCKING_THREADS. Each thread costs about 50 KiB of stacks (Go
// keeps its threads), and the plain syscall pays off for the few sockets a
// task is busy with, not for thousands of idle ones: with 1000, 10,000 idle
// connections kept some 600 threads and 30 MB (bench/memory).
var DefaultBudget = NewBudget(envInt("SOCKLAB_BLOCKING_THREADS", 128))

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// InUse reports how many threads of the budget are taken now.
func (b *Budget) InUse() int { return int(b.used.Load()) }

// Max reports the size of the budget.
func (b *Budget) Max() int { return int(b.max.Load()) }

// take reserves a thread.
func (b *Budget) take() bool {
	if b.used.Add(1) <= b.max.Load() {
		return true
	}
	b.used.Add(-1)
	return false
}

func (b *Budget) put() { b.used.Add(-1) }

// Socket is one socket. Its methods are safe for concurrent use.
type Socket struct {
	Family, Type, Proto int

	mu     sync.Mutex
	fd     int
	users  int         // calls in flight
	closed bool        // Close was called; fd is closed by the last user
	closeA atomic.Bool // closed, readable without mu (poll callbacks)
	byUser atomic.Bool // closed by CloseByUser, not by an owner's cleanup

	timeout  time.Duration    // <0: blocking; 0: non-blocking; >0: timeout
	kernTimo [2]time.Duration // SO_RCVTIMEO, SO_SNDTIMEO as set in the kernel (0: unset; kernUnknown)
	nonblock bool             // the user asked for non-blocking (timeout 0)
	threads  *Budget

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
	rmu  sync.Mutex
	rbuf []byte
	// streaming: the last read-ahead filled its buffer, so the next one
	// takes 64 KiB at a time (see readAhead).
	streaming atomic.Bool
}

// Directions of a call, for poll mode.
const (
	dirRead  = 0
	dirWrite = 1
)

// NewSocket opens a socket (close-on-exec) with a timeout as SetTimeout
// takes it, whose blocking calls draw on threads (nil: DefaultBudget).
func NewSocket(family, typ, proto int, timeout time.Duration, threads *Budget) (*Socket, error) {
	fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, err
	}
	return newSocket(fd, family, typ, proto, timeout, threads)
}

func newSocket(fd, family, typ, proto int, timeout time.Duration, threads *Budget) (*Socket, error) {
	if threads == nil {
		threads = DefaultBudget
	}
	s := &Socket{Family: family, Type: typ, Proto: proto, fd: fd, threads: threads}
	s.Proto = s.protocol()
	if err := s.SetTimeout(timeout); err != nil {
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

// withFD runs f on the descriptor, held open for the call (EBADF once the
// socket is closed).
func (s *Socket) withFD(f func(fd int) error) error {
	_, err := onFD(s, func(fd int) (struct{}, error) { return struct{}{}, f(fd) })
	return err
}

// onFD is withFD for a call that returns a value.
func onFD[T any](s *Socket, f func(fd int) (T, error)) (T, error) {
	fd, err := s.acquire()
	if err != nil {
		var zero T
		return zero, err
	}
	defer s.release()
	return f(fd)
}

func (s *Socket) release() {
	s.mu.Lock()
	s.users--
	fd, pf := -1, (*os.File)(nil)
	if s.closed && s.users == 0 && s.fd >= 0 {
		fd, pf = s.detach()
	}
	s.mu.Unlock()
	if fd >= 0 {
		closeFd(fd, pf)
	}
}

// detach takes the descriptor from the socket (with mu held, when no call
// is in flight) for closeFd, which runs without mu: a close that lingers
// (SO_LINGER) must not hold up Fileno, String and the like meanwhile.
func (s *Socket) detach() (int, *os.File) {
	s.dropWatches()
	fd, pf := s.fd, s.pf
	s.fd = -1
	return fd, pf
}

// closeFd closes a detached descriptor, through its os.File in poll mode.
func closeFd(fd int, pf *os.File) error {
	if pf != nil {
		return pf.Close()
	}
	return unix.Close(fd)
}

// Closed reports whether Close was called.
func (s *Socket) Closed() bool { return s.closeA.Load() }

// ClosedByUser reports whether the socket was closed by CloseByUser.
func (s *Socket) ClosedByUser() bool { return s.byUser.Load() }

// CloseByUser is Close for a close the program asked for itself, as opposed
// to the cleanup of whoever owned the socket (a task that ended): a face can
// then tell a script that reuses a socket it closed from one whose socket
// was closed under it.
func (s *Socket) CloseByUser() error {
	s.byUser.Store(true)
	return s.Close()
}

// Close closes the socket; a call blocked on it in another task returns
// EBADF. Closing twice is harmless.
func (s *Socket) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
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
		s.mu.Unlock()
		return nil
	}
	fd, pf := s.detach()
	s.mu.Unlock()
	return closeFd(fd, pf)
}

// Lingers reports whether Close may block: SO_LINGER is on with a time
// (set on the socket, or on the listener it was accepted from).
func (s *Socket) Lingers() bool {
	fd, err := s.acquire()
	if err != nil {
		return false
	}
	defer s.release()
	l, err := unix.GetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER)
	return err == nil && l.Onoff != 0 && l.Linger > 0
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
