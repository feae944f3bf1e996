package ping

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// TraceOptions are traceroute's, with its defaults where zero.
type TraceOptions struct {
	Method   string        // "udp" (default), "icmp" or "tcp"
	FirstTTL int           // -f: 1
	MaxTTL   int           // -m: 30
	Queries  int           // -q: probes per hop, 3
	Wait     time.Duration // -w: per probe, 5 s
	Port     int           // UDP: first destination port (33434); TCP: the port (80)
}

// Probe is one probe's answer: who answered and how fast, or silence.
type Probe struct {
	Addr    netip.Addr // invalid for silence
	RTT     time.Duration
	Timeout bool
	Note    string // "!H", "!N", "!P", "!X" for unreachable errors on the way
}

// Hop is one TTL's probes.
type Hop struct {
	TTL    int
	Probes []Probe
}

// Trace is a whole traceroute.
type Trace struct {
	Host, Method string
	Addr         netip.Addr
	MaxTTL       int
	PacketSize   int
	Hops         []Hop
	Reached      bool
	Interrupted  bool
}

// ErrTraceNeedsRaw: traceroute reads the routers' ICMP errors on a raw
// socket.
var ErrTraceNeedsRaw = errors.New("traceroute needs a raw ICMP socket (root or CAP_NET_RAW) to hear the routers")

func (o *TraceOptions) check() error {
	if o.Method == "" {
		o.Method = "udp"
	}
	if o.Method != "udp" && o.Method != "icmp" && o.Method != "tcp" {
		return fmt.Errorf("%w: method must be udp, icmp or tcp, got %q", ErrBadOptions, o.Method)
	}
	if o.FirstTTL == 0 {
		o.FirstTTL = 1
	}
	if o.MaxTTL == 0 {
		o.MaxTTL = 30
	}
	if o.Queries == 0 {
		o.Queries = 3
	}
	if o.Wait == 0 {
		o.Wait = 5 * time.Second
	}
	if o.Port == 0 {
		o.Port = 33434
		if o.Method == "tcp" {
			o.Port = 80
		}
	}
	switch {
	case o.FirstTTL < 1 || o.FirstTTL > 255, o.MaxTTL < o.FirstTTL || o.MaxTTL > 255:
		return fmt.Errorf("%w: ttl range %d-%d (1-255, first <= max)", ErrBadOptions, o.FirstTTL, o.MaxTTL)
	case o.Queries < 1 || o.Queries > 10:
		return fmt.Errorf("%w: queries must be 1-10, got %d", ErrBadOptions, o.Queries)
	case o.Wait < 0, o.Port < 1 || o.Port > 65535:
		return fmt.Errorf("%w: wait or port out of range", ErrBadOptions)
	}
	return nil
}

// traceAnswer is what the listener heard about one probe.
type traceAnswer struct {
	key     probeKey
	from    netip.Addr
	at      time.Time
	reached bool
	note    string
}

// probeKey identifies a probe in a quoted packet: the transport's ports
// (UDP, TCP) or the echo sequence (ICMP).
type probeKey struct{ a, b int }

// Traceroute traces the route to addr.
func Traceroute(ctx context.Context, host string, addr netip.Addr, o TraceOptions) (*Trace, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	var skipped []string
	ic, err := openICMP(addr, MethodRaw, &skipped)
	if err != nil {
		if isPermission(err) {
			return nil, ErrTraceNeedsRaw
		}
		return nil, err
	}
	defer ic.close()
	tr := &Trace{Host: host, Addr: addr, Method: o.Method, MaxTTL: o.MaxTTL, PacketSize: 60}
	if ic.v6 {
		tr.PacketSize = 80
	}
	answers := make(chan traceAnswer, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the listener: routers' errors and the target's echo replies
		defer wg.Done()
		buf := make([]byte, 65536)
		for {
			pkt, err := ic.read(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue
			}
			if a, ok := ic.traceMatch(pkt, addr, o.Method); ok {
				select {
				case answers <- a:
				default:
				}
			}
		}
	}()
	defer func() { ic.close(); wg.Wait() }()
	seq := 0
	for ttl := o.FirstTTL; ttl <= o.MaxTTL && !tr.Reached; ttl++ {
		hop := Hop{TTL: ttl}
		for range o.Queries {
			if ctx.Err() != nil {
				tr.Interrupted = true
				tr.Hops = append(tr.Hops, hop)
				return tr, nil
			}
			seq++
			p, reached := probeOnce(ctx, ic, addr, o, ttl, seq, answers)
			hop.Probes = append(hop.Probes, p)
			tr.Reached = tr.Reached || reached
		}
		tr.Hops = append(tr.Hops, hop)
	}
	return tr, nil
}

// probeOnce sends one probe with ttl and waits for its answer.
func probeOnce(ctx context.Context, ic *icmpConn, addr netip.Addr, o TraceOptions, ttl, seq int, answers chan traceAnswer) (Probe, bool) {
	start := time.Now()
	var key probeKey
	direct := make(chan traceAnswer, 1) // a TCP connect's own outcome
	var closeProbe func()
	switch o.Method {
	case "icmp":
		if err := ic.setTTL(ttl); err != nil {
			return Probe{Timeout: true}, false
		}
		m := icmp.Message{Type: ic.echoRequest(), Body: &icmp.Echo{ID: ic.id & 0xffff, Seq: seq & 0xffff, Data: make([]byte, 32)}}
		b, _ := m.Marshal(nil)
		ic.send(b, addr)
		key = probeKey{ic.id & 0xffff, seq & 0xffff}
	case "udp":
		network := "udp4"
		if ic.v6 {
			network = "udp6"
		}
		c, err := net.ListenUDP(network, nil)
		if err != nil {
			return Probe{Timeout: true}, false
		}
		closeProbe = func() { c.Close() }
		if ic.v6 {
			ipv6.NewPacketConn(c).SetHopLimit(ttl)
		} else {
			ipv4.NewPacketConn(c).SetTTL(ttl)
		}
		port := o.Port + seq - 1
		if port > 65535 {
			port = o.Port
		}
		c.WriteToUDPAddrPort(make([]byte, 32), netip.AddrPortFrom(addr, uint16(port)))
		key = probeKey{c.LocalAddr().(*net.UDPAddr).Port, port}
	case "tcp":
		fd, lport, err := tcpSyn(addr, o.Port, ttl)
		if err != nil {
			return Probe{Timeout: true}, false
		}
		key = probeKey{lport, o.Port}
		stop := make(chan struct{})
		var once sync.Once
		closeProbe = func() { once.Do(func() { close(stop); unix.Close(fd) }) }
		go func() {
			if waitConnect(fd, o.Wait, stop) {
				direct <- traceAnswer{key: key, from: addr, at: time.Now(), reached: true}
			}
		}()
	}
	if closeProbe != nil {
		defer closeProbe()
	}
	timer := time.NewTimer(o.Wait)
	defer timer.Stop()
	for {
		select {
		case a := <-answers:
			if a.key != key {
				continue // a late answer to an earlier probe
			}
			return Probe{Addr: a.from, RTT: a.at.Sub(start), Note: a.note}, a.reached
		case a := <-direct:
			return Probe{Addr: a.from, RTT: a.at.Sub(start)}, true
		case <-timer.C:
			return Probe{Timeout: true}, false
		case <-ctx.Done():
			return Probe{Timeout: true}, false
		}
	}
}

// tcpSyn starts a non-blocking connect with ttl, so that the kernel sends
// one SYN; it returns the socket and its local port.
func tcpSyn(addr netip.Addr, port, ttl int) (int, int, error) {
	family, level, opt := unix.AF_INET, unix.IPPROTO_IP, unix.IP_TTL
	var sa unix.Sockaddr = &unix.SockaddrInet4{Port: port, Addr: addr.As4()}
	if addr.Is6() {
		family, level, opt = unix.AF_INET6, unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS
		sa = &unix.SockaddrInet6{Port: port, Addr: addr.As16()}
	}
	fd, err := unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, 0, err
	}
	unix.SetsockoptInt(fd, level, opt, ttl)
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_SYNCNT, 1)
	err = unix.Connect(fd, sa)
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		return -1, 0, err
	}
	local, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	switch l := local.(type) {
	case *unix.SockaddrInet4:
		return fd, l.Port, nil
	case *unix.SockaddrInet6:
		return fd, l.Port, nil
	}
	unix.Close(fd)
	return -1, 0, errors.New("no local port")
}

// waitConnect reports whether the destination itself answered the SYN (a
// connection or a refusal) within wait.
func waitConnect(fd int, wait time.Duration, stop chan struct{}) bool {
	end := time.Now().Add(wait)
	for time.Now().Before(end) {
		select {
		case <-stop:
			return false
		default:
		}
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(fds, 20)
		if err != nil || n == 0 {
			continue
		}
		soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			return false
		}
		return soerr == 0 || unix.Errno(soerr) == unix.ECONNREFUSED
	}
	return false
}

// String prints the trace as `traceroute -n` does.
func (tr *Trace) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "traceroute to %s (%s), %d hops max, %d byte packets\n", tr.Host, tr.Addr, tr.MaxTTL, tr.PacketSize)
	for _, h := range tr.Hops {
		b.WriteString(h.String() + "\n")
	}
	return b.String()
}

// String is the hop's line: " 1  10.0.0.1  0.123 ms  0.100 ms *".
func (h Hop) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%2d ", h.TTL)
	var last netip.Addr
	for _, p := range h.Probes {
		if p.Timeout {
			b.WriteString(" *")
			continue
		}
		if p.Addr != last {
			fmt.Fprintf(&b, " %s", p.Addr)
			last = p.Addr
		}
		fmt.Fprintf(&b, "  %.3f ms", float64(p.RTT.Microseconds())/1000)
		if p.Note != "" {
			b.WriteString(" " + p.Note)
		}
	}
	return b.String()
}
