package sock

// Cancellation of calls blocked in the kernel: SIGURG to the blocked
// thread (see the package comment).

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A watch is a socket's registration with one context (normally a task's):
// while a call of that context is blocked in a syscall on the socket, its
// waker is armed, and cancelling the context sends the thread SIGURG until
// the call has returned. Registering once per socket and context, rather
// than once per call (context.AfterFunc allocates and takes the parent
// context's lock on each registration and removal), keeps the blocking path
// cheap. The watch leaves the socket when its context ends or the socket is
// closed.
type watch struct {
	s    *Socket
	ctx  context.Context
	stop func() bool

	mu     sync.Mutex
	w0     waker // the common case: one call at a time per context
	w0busy bool
	more   []*waker
}

// waker is one blocked call: its thread, and whether it has returned.
type waker struct {
	tid  atomic.Int32
	done atomic.Bool
}

// arm registers a call blocked on the calling (locked) thread, or returns
// nil if ctx cannot be cancelled.
func (s *Socket) arm(ctx context.Context) (*watch, *waker) {
	if ctx.Done() == nil {
		return nil, nil
	}
	s.wmu.Lock()
	var wt *watch
	for _, x := range s.watches {
		if x.ctx == ctx {
			wt = x
			break
		}
	}
	if wt == nil {
		wt = &watch{s: s, ctx: ctx}
		s.watches = append(s.watches, wt)
		wt.stop = context.AfterFunc(ctx, wt.fire)
	}
	s.wmu.Unlock()
	wt.mu.Lock()
	var w *waker
	if !wt.w0busy {
		wt.w0busy = true
		w = &wt.w0
	} else {
		w = new(waker)
		wt.more = append(wt.more, w)
	}
	w.tid.Store(int32(unix.Gettid()))
	w.done.Store(false)
	wt.mu.Unlock()
	return wt, w
}

// disarm marks the call returned.
func (wt *watch) disarm(w *waker) {
	if wt == nil {
		return
	}
	w.done.Store(true)
	wt.mu.Lock()
	if w == &wt.w0 {
		wt.w0busy = false
	} else {
		wt.more = without(wt.more, w)
	}
	wt.mu.Unlock()
}

// fire runs when the context is done: it interrupts every call armed now
// (a call armed later sees ctx.Err() before its syscall) and leaves the
// socket.
func (wt *watch) fire() {
	wt.s.dropWatch(wt)
	wt.mu.Lock()
	var ws []*waker
	if wt.w0busy {
		ws = append(ws, &wt.w0)
	}
	ws = append(ws, wt.more...)
	wt.mu.Unlock()
	for _, w := range ws {
		for i := 0; !w.done.Load(); i++ {
			unix.Tgkill(pid, int(w.tid.Load()), unix.SIGURG)
			time.Sleep(time.Duration(1<<min(i, 7)) * 50 * time.Microsecond)
		}
	}
}

func (s *Socket) dropWatch(wt *watch) {
	s.wmu.Lock()
	s.watches = without(s.watches, wt)
	s.wmu.Unlock()
}

// without removes x's first occurrence from list, in place.
func without[T comparable](list []T, x T) []T {
	if i := slices.Index(list, x); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// dropWatches unregisters the socket from every context (it is closed).
func (s *Socket) dropWatches() {
	s.wmu.Lock()
	ws := s.watches
	s.watches = nil
	s.wmu.Unlock()
	for _, wt := range ws {
		wt.stop()
	}
}
