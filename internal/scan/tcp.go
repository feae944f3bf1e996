package scan

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// probeTCP sends one connect probe for j and acts on what it learns: a
// decision, a retransmission later, or a hand-off to the poller when the
// handshake is still under way after fastWindow. It loops only for what
// must be redone at once (self-connects, the confirming second connect,
// resource shortages). A non-nil error ends the scan.
func (e *engine) probeTCP(ctx context.Context, p *prober, j job, res Result, h *hostTiming) error {
	needConfirm := res.IP.Unmap().IsLoopback() && res.Port >= e.loLocal && res.Port <= e.hiLocal
	selfs := 0
	var short shortage
	for {
		if !h.acquire(ctx) {
			return nil
		}
		if e.limiter != nil && !e.limiter.wait(ctx) {
			h.release()
			return nil
		}
		e.probes.Add(1)
		sa, fam, err := p.sockaddr(res.IP, res.Port)
		if err != nil {
			h.release()
			return fmt.Errorf("scan %s port %d/tcp: %w", res.IP, res.Port, err)
		}
		start := time.Now()
		deadline := start.Add(e.timeout(h))
		var fd int
		var o outcome
		direct := h.slow()
		if direct {
			fd, o = p.tcpConnectNonblock(fam, sa)
		} else {
			fd, o = p.tcpConnect(ctx, fam, sa, deadline)
			h.note(o == outPending)
		}
		if o == outPending {
			// Still connecting: the reactor (or, with tests' fake
			// syscalls, a goroutine) waits for it; this worker goes on.
			w := &waiter{e: e, ops: p.ops, j: j, h: h, res: res, fd: fd, sa: copySockaddr(sa), start: start, deadline: deadline,
				needConfirm: needConfirm, wantBanner: e.opts.Banner, direct: direct}
			select {
			case e.slots <- struct{}{}:
			case <-ctx.Done():
				p.ops.close(fd)
				h.release()
				return nil
			}
			e.inflight.Add(1)
			if e.reactor != nil {
				if !e.reactor.add(w) {
					w.abandon()
				}
			} else {
				go w.run(ctx)
			}
			return nil
		}
		rtt := time.Since(start)
		h.release()
		if o != outResource {
			short = shortage{}
		}
		switch o {
		case outOpen:
			self := isSelfConnect(p.ops, fd, sa)
			banner := ""
			if !self && !needConfirm && e.opts.Banner {
				banner = p.readBanner(ctx, fd, e.opts.BannerTimeout)
			}
			closeRST(p.ops, fd)
			if self {
				if selfs++; selfs >= maxSelfConnects {
					e.answered(j, h, res, Closed, ReasonConnRefused, rtt)
					return nil
				}
				continue
			}
			if needConfirm {
				// A second connect rules out a crossing of two of our own
				// probes (each one's source port the other's target).
				needConfirm = false
				continue
			}
			res.Banner = banner
			e.answered(j, h, res, Open, ReasonSynAck, rtt)
			return nil
		case outClosed:
			e.answered(j, h, res, Closed, ReasonConnRefused, rtt)
			return nil
		case outFiltered:
			e.answered(j, h, res, Filtered, unreachReason(p.lastUnreach), rtt)
			return nil
		case outTimeout:
			e.silent(j, h, res)
			return nil
		case outResource:
			if !e.backoff(ctx, p, res, &short) {
				return nil
			}
		case outCanceled:
			return nil
		default:
			return fmt.Errorf("scan %s port %d/tcp: %w", res.IP, res.Port, p.lastErr)
		}
	}
}

// answered decides a port that answered and teaches its host's timing.
func (e *engine) answered(j job, h *hostTiming, res Result, st State, reason string, rtt time.Duration) {
	h.answer(j.try, rtt)
	res.State, res.Reason, res.RTT = st, reason, rtt
	e.decide(j, res, false)
}

// silent handles a probe that got no answer in time: another try later if
// the host allows one (see retryNow), else filtered for now (see settle).
func (e *engine) silent(j job, h *hostTiming, res Result) {
	if j.try+1 < e.allowedTries(h) && (j.try > 0 || e.retryNow(h, j)) {
		e.requeue(job{idx: j.idx, try: j.try + 1})
		return
	}
	res.State, res.Reason = Filtered, ReasonNoResponse
	if e.opts.UDP {
		res.State = OpenFiltered
	}
	e.decide(j, res, true)
}

func unreachReason(err error) string {
	if err == unix.ENETUNREACH {
		return ReasonNetUnreach
	}
	return ReasonHostUnreach
}

// closeRST closes a connected socket with a RST (SO_LINGER 0), so scans do
// not pile up TIME_WAIT sockets and exhaust source ports.
func closeRST(ops *sysOps, fd int) {
	ops.linger0(fd)
	ops.close(fd)
}

func copySockaddr(sa unix.Sockaddr) unix.Sockaddr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		c := *sa
		return &c
	case *unix.SockaddrInet6:
		c := *sa
		return &c
	}
	return sa
}

// waiter is a probe whose handshake outlasted fastWindow (or that skipped
// the fast path): it waits in the reactor until the answer, its deadline
// or the cancel, holding a place of its host and one of e.slots.
type waiter struct {
	e                       *engine
	ops                     *sysOps
	j                       job
	h                       *hostTiming
	res                     Result
	fd                      int
	sa                      unix.Sockaddr
	start, deadline         time.Time
	needConfirm, wantBanner bool
	direct                  bool // connected without the blocking fast path
}

// done gives back the waiter's places.
func (w *waiter) done() {
	<-w.e.slots
	w.e.inflight.Done()
}

// abandon closes the socket of a probe the scan no longer waits for.
func (w *waiter) abandon() {
	w.ops.close(w.fd)
	w.h.release()
	w.done()
}

// finish is the reactor's verdict: the socket became writable, or the
// deadline passed (timedOut; one last look decides).
func (w *waiter) finish(_ error, timedOut bool) {
	cerr := connState(w.ops, w.fd)
	if cerr == errTimeout && !timedOut {
		cerr = errTimeout // woken, yet still connecting: count it silent
	}
	rtt := time.Since(w.start)
	if w.direct {
		w.h.note(rtt >= fastWindow)
	}
	w.h.release()
	if cerr == nil && w.wantBanner && !w.needConfirm {
		go w.conclude(w.e.ctx, cerr, rtt, rawConn{w.ops, w.fd})
		return
	}
	w.conclude(w.e.ctx, cerr, rtt, rawConn{w.ops, w.fd})
}

// connState says how a connect under way stands: nil when connected, its
// error, or errTimeout while the handshake still runs.
func connState(ops *sysOps, fd int) error {
	if ops.tcpState != nil {
		// One syscall says "still connecting" (the common case: a
		// silent port at its deadline) or "connected"; only a socket
		// that ended needs SO_ERROR to say how.
		switch st, err := ops.tcpState(fd); {
		case err != nil:
			return err
		case st == unix.BPF_TCP_SYN_SENT:
			return errTimeout
		case st != unix.BPF_TCP_CLOSE:
			return nil
		}
	}
	soerr, err := ops.getsockerr(fd)
	if err != nil {
		return err
	}
	if soerr != 0 {
		return unix.Errno(soerr)
	}
	if _, err := ops.getpeername(fd); err != nil {
		return errTimeout
	}
	return nil
}

// run waits with a pollConn (tests' fake syscalls) instead of the reactor.
func (w *waiter) run(ctx context.Context) {
	conn, err := w.ops.pollable(w.fd)
	if err != nil {
		w.e.fail(fmt.Errorf("scan %s port %d/tcp: %w", w.res.IP, w.res.Port, err))
		w.abandon()
		return
	}
	cerr := conn.awaitConnect(ctx, w.sa, w.deadline)
	rtt := time.Since(w.start)
	if w.direct {
		w.h.note(rtt >= fastWindow)
	}
	w.h.release()
	w.conclude(ctx, cerr, rtt, conn)
}

// conclude acts on how the connect ended and closes the socket.
func (w *waiter) conclude(ctx context.Context, cerr error, rtt time.Duration, conn pollConn) {
	defer w.done()
	e, res := w.e, w.res
	switch o, _ := errnoOutcome(cerr); {
	case cerr == nil:
		if isSelfConnect(w.ops, conn.fd(), w.sa) || w.needConfirm {
			// Rare outside loopback: let the fast path probe it again.
			conn.close(true)
			e.requeue(w.j)
			return
		}
		if w.wantBanner {
			res.Banner = conn.banner(ctx, e.opts.BannerBytes, e.opts.BannerTimeout)
		}
		conn.close(true)
		e.answered(w.j, w.h, res, Open, ReasonSynAck, rtt)
	case ctx.Err() != nil:
		conn.close(false)
	case cerr == errTimeout:
		conn.close(false)
		e.silent(w.j, w.h, res)
	case o == outClosed:
		conn.close(false)
		e.answered(w.j, w.h, res, Closed, ReasonConnRefused, rtt)
	case o == outFiltered:
		conn.close(false)
		e.answered(w.j, w.h, res, Filtered, unreachReason(cerr), rtt)
	case o == outTimeout:
		conn.close(false)
		e.silent(w.j, w.h, res)
	default:
		conn.close(false)
		e.fail(fmt.Errorf("scan %s port %d/tcp: %w", res.IP, res.Port, cerr))
	}
}

// rawConn is the pollConn of a socket the reactor watched: still
// blocking (the fast path's) or nonblocking; a banner is read with
// SO_RCVTIMEO slices on a goroutine of its own.
type rawConn struct {
	ops *sysOps
	raw int
}

func (c rawConn) fd() int { return c.raw }

func (c rawConn) awaitConnect(context.Context, unix.Sockaddr, time.Time) error { return nil }

func (c rawConn) banner(ctx context.Context, n int, timeout time.Duration) string {
	unix.SetNonblock(c.raw, false)
	return readBanner(ctx, c.ops, c.raw, make([]byte, n), timeout)
}

func (c rawConn) close(rst bool) {
	if rst {
		c.ops.linger0(c.raw)
	}
	c.ops.close(c.raw)
}
