package ping

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// event is an answer to probe Seq (its wire sequence, 16 bits): a reply, or
// an ICMP error when Error is set.
type event struct {
	wire  int
	from  netip.Addr
	ttl   int
	bytes int
	at    time.Time
	err   string
	note  string // TCP: "open" or "refused"
	// corrupt: an echo reply whose ICMP checksum is wrong. Only a raw IPv4
	// socket can read one: the kernel hands raw sockets every packet
	// before ICMP checks its sum, while it drops bad ones for datagram
	// sockets and checks ICMPv6 sums for raw IPv6 sockets itself.
	corrupt bool
}

// prober sends probes and reports answers.
type prober interface {
	send(seq int) error
	// next waits until until for an answer; ok is false when none came
	// (or interrupt was called).
	next(until time.Time) (ev event, ok bool)
	// interrupt makes a waiting next return at once (Ctrl-C).
	interrupt()
	close()
}

// ---- ICMP ----

// icmpProber reads on the caller's goroutine: on loopback the reply is
// usually queued before sendto returns, so a flood runs without parking.
type icmpProber struct {
	ic          *icmpConn
	addr        netip.Addr
	io          *echoIO
	interrupted atomic.Bool
}

// newICMPProber makes a prober; ring asks for the io_uring pair (uring.go),
// which pays for its set-up (a descriptor, two mappings) only in a flood.
func newICMPProber(ic *icmpConn, addr netip.Addr, size int, ring bool) (*icmpProber, error) {
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = byte(i)
	}
	io, err := newEchoIO(ic, addr, ic.id, payload, ring)
	if err != nil {
		return nil, err
	}
	return &icmpProber{ic: ic, addr: addr, io: io}, nil
}

func (p *icmpProber) send(seq int) error { return p.io.send(seq) }

func (p *icmpProber) next(until time.Time) (event, bool) {
	for !p.interrupted.Load() {
		pkt, err := p.io.recv(until)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) || errors.Is(err, unix.EBADF) {
				return event{}, false
			}
			continue
		}
		if ev, ok := p.ic.match(pkt, p.addr); ok {
			return ev, true
		}
	}
	return event{}, false
}

func (p *icmpProber) interrupt() {
	p.interrupted.Store(true)
	p.ic.setReadDeadline(time.Unix(1, 0))
}

func (p *icmpProber) close() {
	p.io.close()
	p.ic.close()
}

// ---- TCP ----

// tcpProber connects to a port: an accepted or refused connection is a
// reply; an ICMP error seen by connect (EHOSTUNREACH, ENETUNREACH) is an
// error; silence until the timeout is a loss.
type tcpProber struct {
	addr    netip.AddrPort
	ttl     int
	timeout time.Duration
	out     chan event
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func newTCPProber(addr netip.Addr, port, ttl int, timeout time.Duration) *tcpProber {
	ctx, cancel := context.WithCancel(context.Background())
	return &tcpProber{addr: netip.AddrPortFrom(addr, uint16(port)), ttl: ttl, timeout: timeout,
		out: make(chan event, 1024), ctx: ctx, cancel: cancel}
}

func (p *tcpProber) next(until time.Time) (event, bool) {
	t := time.NewTimer(time.Until(until))
	defer t.Stop()
	select {
	case ev := <-p.out:
		return ev, true
	case <-t.C:
	case <-p.ctx.Done():
	}
	return event{}, false
}

func (p *tcpProber) interrupt() { p.cancel() }

func (p *tcpProber) send(seq int) error {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		d := net.Dialer{Timeout: p.timeout, Control: func(network, address string, c syscall.RawConn) error {
			if p.ttl == 0 {
				return nil
			}
			var serr error
			c.Control(func(fd uintptr) {
				if p.addr.Addr().Is4() {
					serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_TTL, p.ttl)
				} else {
					serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, p.ttl)
				}
			})
			return serr
		}}
		c, err := d.DialContext(p.ctx, "tcp", p.addr.String())
		ev := event{wire: seq & 0xffff, from: p.addr.Addr(), at: time.Now()}
		switch {
		case err == nil:
			c.Close()
			ev.note = "open"
		case errors.Is(err, unix.ECONNREFUSED):
			ev.note = "refused"
		case errors.Is(err, unix.EHOSTUNREACH):
			ev.err = "Destination Host Unreachable"
		case errors.Is(err, unix.ENETUNREACH):
			ev.err = "Destination Net Unreachable"
		default:
			return // timed out or cancelled: a loss
		}
		select {
		case p.out <- ev:
		case <-p.ctx.Done():
		}
	}()
	return nil
}

func (p *tcpProber) close() {
	p.cancel()
	p.wg.Wait()
}
