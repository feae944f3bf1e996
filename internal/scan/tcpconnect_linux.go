package scan

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// tcpConnect opens a TCP socket and connects it to sa, blocking at most
// fastWindow (or until deadline, if sooner). On outOpen it returns the
// connected fd, on outPending the fd still connecting; otherwise fd is
// closed (or kept for reuse).
func (p *prober) tcpConnect(ctx context.Context, fam int, sa unix.Sockaddr, deadline time.Time) (int, outcome) {
	ops := p.ops
	typ := unix.SOCK_STREAM | unix.SOCK_CLOEXEC
	if p.mode == modePoll {
		fd, err := ops.socket(fam, typ|unix.SOCK_NONBLOCK, 0)
		if err != nil {
			return -1, p.fail(err)
		}
		return p.tcpConnectPoll(ctx, fd, sa, deadline)
	}
	// A socket whose last connect was refused is reused: Linux resets it to
	// unconnected (and frees its source port), which saves socket(),
	// setsockopt() and close() for most probes.
	si := spareIndex(fam)
	fd, wait := p.spare[si], p.spareWait[si]
	p.spare[si] = -1
	if fd < 0 {
		var err error
		if fd, err = ops.socket(fam, typ, 0); err != nil {
			return -1, p.fail(err)
		}
		wait = 0
	}
	if w := max(min(time.Until(deadline), fastWindow), time.Millisecond); w != wait {
		wait = w
		if err := ops.setTimeout(fd, unix.SO_SNDTIMEO, wait); err != nil {
			ops.close(fd)
			return -1, p.fail(err)
		}
	}
	start := time.Now()
	for {
		err := ops.connect(fd, sa)
		switch {
		case err == nil, errors.Is(err, unix.EISCONN):
			return fd, outOpen
		case errors.Is(err, unix.ECONNREFUSED):
			p.spare[si], p.spareWait[si] = fd, wait
			return -1, outClosed
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EINPROGRESS), errors.Is(err, unix.EALREADY):
			// Interrupted, or SO_SNDTIMEO ran out. On a blocking socket
			// the next connect() waits for the handshake already under
			// way (or reports how it ended); after fastWindow the socket
			// goes to the poller instead.
			if ctx.Err() != nil {
				ops.close(fd)
				return -1, outCanceled
			}
			if time.Since(start) >= wait {
				return fd, outPending
			}
		default:
			ops.close(fd)
			return -1, p.fail(err)
		}
	}
}

// tcpConnectNonblock starts a nonblocking connect: outPending with the fd
// when the handshake is under way (the usual case), else how it ended.
func (p *prober) tcpConnectNonblock(fam int, sa unix.Sockaddr) (int, outcome) {
	ops := p.ops
	fd, err := ops.socket(fam, unix.SOCK_STREAM|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, 0)
	if err != nil {
		return -1, p.fail(err)
	}
	for {
		err = ops.connect(fd, sa)
		switch {
		case err == nil, errors.Is(err, unix.EISCONN):
			return fd, outOpen
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EINPROGRESS), errors.Is(err, unix.EALREADY):
			return fd, outPending
		}
		ops.close(fd)
		return -1, p.fail(err)
	}
}

// tcpConnectPoll is the nonblocking variant: connect, then poll for
// writability in slices, then read SO_ERROR.
func (p *prober) tcpConnectPoll(ctx context.Context, fd int, sa unix.Sockaddr, deadline time.Time) (int, outcome) {
	ops := p.ops
	err := ops.connect(fd, sa)
	for errors.Is(err, unix.EINTR) {
		err = ops.connect(fd, sa)
	}
	if err == nil || errors.Is(err, unix.EISCONN) {
		return fd, outOpen
	}
	if !errors.Is(err, unix.EINPROGRESS) && !errors.Is(err, unix.EALREADY) {
		ops.close(fd)
		return -1, p.fail(err)
	}
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
	for {
		if ctx.Err() != nil {
			ops.close(fd)
			return -1, outCanceled
		}
		left := time.Until(deadline)
		if left <= 0 {
			ops.close(fd)
			return -1, outTimeout
		}
		ms := int(min(left, slice).Milliseconds())
		n, err := ops.poll(pfd, max(ms, 1))
		if errors.Is(err, unix.EINTR) || n == 0 {
			continue
		}
		if err != nil {
			ops.close(fd)
			return -1, p.fail(err)
		}
		soerr, err := ops.getsockerr(fd)
		if err != nil {
			ops.close(fd)
			return -1, p.fail(err)
		}
		if soerr == 0 {
			return fd, outOpen
		}
		ops.close(fd)
		return -1, p.fail(unix.Errno(soerr))
	}
}

// fail classifies err; errors that are no port state are kept in lastErr.
func (p *prober) fail(err error) outcome {
	o, ok := errnoOutcome(err)
	if o == outFiltered {
		p.lastUnreach = err
	}
	if !ok || o == outResource {
		p.lastErr = err
	}
	if !ok {
		return outError
	}
	return o
}
