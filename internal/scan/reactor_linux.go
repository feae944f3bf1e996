package scan

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// reactor waits for many connecting sockets at once: one goroutine, one
// epoll instance and a deadline heap, so a probe in flight costs a
// descriptor and a few words, not a goroutine, a timer and a poller
// registration of its own. Answers and deadlines are handed to the
// engine from the reactor's goroutine.
type reactor struct {
	e    *engine
	epfd int

	mu      sync.Mutex
	waiting map[int]*waiter // by fd
	byTime  deadlineHeap
	closed  bool
	done    chan struct{}
}

func newReactor(e *engine) (*reactor, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &reactor{e: e, epfd: epfd, waiting: map[int]*waiter{}, done: make(chan struct{})}, nil
}

// add starts watching w's socket; false if the reactor has stopped (the
// caller then closes the socket).
func (r *reactor) add(w *waiter) bool {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return false
	}
	r.waiting[w.fd] = w
	heap.Push(&r.byTime, deadlineEntry{at: w.deadline, fd: w.fd, w: w})
	r.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLOUT | unix.EPOLLONESHOT, Fd: int32(w.fd)}
	if err := unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, w.fd, &ev); err != nil {
		// Whoever takes w out of waiting owns it. A shutdown that raced
		// with us (its close of epfd is why EpollCtl failed) may have
		// taken and abandoned it already: finishing it again would give
		// back its slot twice.
		r.mu.Lock()
		mine := r.waiting[w.fd] == w
		if mine {
			delete(r.waiting, w.fd)
		}
		r.mu.Unlock()
		if mine {
			w.finish(unix.EALREADY, true) // look once: it may have ended already
		}
	}
	return true
}

// run is the reactor's loop; it ends when ctx ends or stop is called,
// closing every socket still waiting.
func (r *reactor) run(ctx context.Context) {
	defer close(r.done)
	events := make([]unix.EpollEvent, 256)
	for {
		wait := 10 * time.Millisecond
		r.mu.Lock()
		if len(r.byTime) > 0 {
			wait = min(wait, time.Until(r.byTime[0].at))
		}
		closed := r.closed
		r.mu.Unlock()
		if closed || ctx.Err() != nil {
			r.shutdown()
			return
		}
		n, err := unix.EpollWait(r.epfd, events, max(int(wait/time.Millisecond), 0))
		if err != nil && err != unix.EINTR {
			r.e.fail(err)
			r.shutdown()
			return
		}
		for _, ev := range events[:max(n, 0)] {
			fd := int(ev.Fd)
			r.mu.Lock()
			w := r.waiting[fd]
			delete(r.waiting, fd)
			r.mu.Unlock()
			if w != nil {
				w.finish(unix.EALREADY, false)
			}
		}
		r.expire()
	}
}

// expire ends the probes whose deadline has passed (after one last look).
func (r *reactor) expire() {
	now := time.Now()
	for {
		r.mu.Lock()
		if len(r.byTime) == 0 || r.byTime[0].at.After(now) {
			r.mu.Unlock()
			return
		}
		d := heap.Pop(&r.byTime).(deadlineEntry)
		w, ok := r.waiting[d.fd]
		if ok && w == d.w {
			delete(r.waiting, d.fd)
		} else {
			ok = false
		}
		r.mu.Unlock()
		if ok {
			w.finish(errTimeout, true)
		}
	}
}

// stop ends the loop and waits for it.
func (r *reactor) stop() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	<-r.done
}

func (r *reactor) shutdown() {
	r.mu.Lock()
	r.closed = true
	left := r.waiting
	r.waiting = map[int]*waiter{}
	r.byTime = nil
	r.mu.Unlock()
	for _, w := range left {
		w.abandon()
	}
	unix.Close(r.epfd)
}

type deadlineEntry struct {
	at time.Time
	fd int
	w  *waiter
}

type deadlineHeap []deadlineEntry

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h deadlineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deadlineHeap) Push(x any)        { *h = append(*h, x.(deadlineEntry)) }
func (h *deadlineHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
