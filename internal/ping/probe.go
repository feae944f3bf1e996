package ping

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
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

// match turns a packet into an event about one of our echo requests.
func (ic *icmpConn) match(pkt packet, dst netip.Addr) (event, bool) {
	ev := event{from: pkt.from, ttl: pkt.ttl, bytes: len(pkt.msg), at: pkt.at}
	if len(pkt.msg) >= 8 && (pkt.msg[0] == 0 && !ic.v6 || pkt.msg[0] == 129 && ic.v6) {
		// An echo reply, read without icmp.ParseMessage (floods read 100,000).
		if ic.method == MethodRaw && (int(binary.BigEndian.Uint16(pkt.msg[4:])) != ic.id&0xffff || pkt.from != dst) {
			return event{}, false
		}
		ev.wire = int(binary.BigEndian.Uint16(pkt.msg[6:]))
		ev.corrupt = ic.method == MethodRaw && !ic.v6 && checksum(pkt.msg) != 0
		return ev, true
	}
	m, err := icmp.ParseMessage(ic.proto(), pkt.msg)
	if err != nil {
		return event{}, false
	}
	switch body := m.Body.(type) {
	case *icmp.Echo:
		if m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply {
			return event{}, false
		}
		if ic.method == MethodRaw && (body.ID != ic.id&0xffff || pkt.from != dst) {
			return event{}, false
		}
		ev.wire = body.Seq
		ev.corrupt = ic.method == MethodRaw && !ic.v6 && checksum(pkt.msg) != 0
		return ev, true
	case *icmp.DstUnreach:
		ev.err = errorText(m.Type, m.Code)
		return ic.quotedEcho(ev, body.Data)
	case *icmp.TimeExceeded:
		ev.err = errorText(m.Type, m.Code)
		return ic.quotedEcho(ev, body.Data)
	case *icmp.PacketTooBig:
		ev.err = fmt.Sprintf("Packet too big: mtu=%d", body.MTU)
		return ic.quotedEcho(ev, body.Data)
	}
	return event{}, false
}

// quotedEcho finds our echo request in an ICMP error's quoted packet.
func (ic *icmpConn) quotedEcho(ev event, data []byte) (event, bool) {
	proto, l4, _ := quotedPacket(data)
	if proto != ic.proto() || len(l4) < 8 {
		return event{}, false
	}
	if l4[0] != 8 && l4[0] != 128 { // echo request
		return event{}, false
	}
	if ic.method == MethodRaw && int(binary.BigEndian.Uint16(l4[4:])) != ic.id&0xffff {
		return event{}, false
	}
	ev.wire = int(binary.BigEndian.Uint16(l4[6:]))
	return ev, true
}

// quotedPacket reads the IP header an ICMP error quotes: the protocol, the
// start of the transport header and the destination.
func quotedPacket(data []byte) (proto int, l4 []byte, dst netip.Addr) {
	if len(data) < 1 {
		return 0, nil, netip.Addr{}
	}
	switch data[0] >> 4 {
	case 4:
		ihl := int(data[0]&0x0f) * 4
		if ihl < 20 || len(data) < ihl {
			return 0, nil, netip.Addr{}
		}
		dst, _ = netip.AddrFromSlice(data[16:20])
		return int(data[9]), data[ihl:], dst
	case 6:
		if len(data) < 40 {
			return 0, nil, netip.Addr{}
		}
		dst, _ = netip.AddrFromSlice(data[24:40])
		return int(data[6]), data[40:], dst
	}
	return 0, nil, netip.Addr{}
}

// errorText is iputils' wording of an ICMP error.
func errorText(t icmp.Type, code int) string {
	switch t {
	case ipv4.ICMPTypeDestinationUnreachable:
		texts := map[int]string{0: "Destination Net Unreachable", 1: "Destination Host Unreachable",
			2: "Destination Protocol Unreachable", 3: "Destination Port Unreachable",
			4: "Frag needed", 5: "Source Route Failed", 6: "Destination Net Unknown",
			7: "Destination Host Unknown", 8: "Source Host Isolated", 9: "Destination Net Prohibited",
			10: "Destination Host Prohibited", 11: "Destination Net Unreachable for Type of Service",
			12: "Destination Host Unreachable for Type of Service", 13: "Packet filtered",
			14: "Precedence Violation", 15: "Precedence Cutoff"}
		if s, ok := texts[code]; ok {
			return s
		}
		return fmt.Sprintf("Dest Unreachable, Bad Code: %d", code)
	case ipv4.ICMPTypeTimeExceeded:
		if code == 1 {
			return "Frag reassembly time exceeded"
		}
		return "Time to live exceeded"
	case ipv6.ICMPTypeDestinationUnreachable:
		texts := map[int]string{0: "No route", 1: "Administratively prohibited", 2: "Beyond scope of source address",
			3: "Address unreachable", 4: "Port unreachable", 5: "Source address failed ingress/egress policy",
			6: "Reject route to destination"}
		s, ok := texts[code]
		if !ok {
			s = fmt.Sprintf("Unknown code %d", code)
		}
		return "Destination unreachable: " + s
	case ipv6.ICMPTypeTimeExceeded:
		if code == 1 {
			return "Time exceeded: Defragmentation failure"
		}
		return "Time exceeded: Hop limit"
	}
	return fmt.Sprintf("ICMP type %v code %d", t, code)
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
