package scan

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// errTimeout is awaitConnect's "no answer by the deadline".
var errTimeout = errors.New("no answer in time")

// pollConn is a socket whose connect is under way, waiting in a poller.
type pollConn interface {
	// awaitConnect waits for the handshake to end: nil when connected,
	// the connect error, errTimeout at the deadline, or ctx.Err().
	awaitConnect(ctx context.Context, sa unix.Sockaddr, deadline time.Time) error
	// banner reads what a connected port says first (see Options.Banner).
	banner(ctx context.Context, n int, timeout time.Duration) string
	fd() int
	// close closes the socket, with a RST when rst is set.
	close(rst bool)
}

// spinConn is the pollConn of tests' fake syscalls: it calls connect
// until the fake says how the handshake ended or the deadline passes.
type spinConn struct {
	ops *sysOps
	raw int
}

func (c *spinConn) fd() int { return c.raw }

func (c *spinConn) awaitConnect(ctx context.Context, sa unix.Sockaddr, deadline time.Time) error {
	for {
		err := c.ops.connect(c.raw, sa)
		if err != unix.EALREADY && err != unix.EINPROGRESS && err != unix.EINTR {
			if err == unix.EISCONN {
				return nil
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return errTimeout
		}
		time.Sleep(time.Millisecond)
	}
}

func (c *spinConn) banner(context.Context, int, time.Duration) string { return "" }

func (c *spinConn) close(bool) { c.ops.close(c.raw) }
