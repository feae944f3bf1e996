package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"

	miekg "github.com/miekg/dns"
)

// Options tune a query. The zero value asks the nameservers of
// /etc/resolv.conf, recursively, over UDP with EDNS0, DefaultTries times
// DefaultTimeout.
type Options struct {
	Servers   []string      // "host:port" (see ParseServer); none: /etc/resolv.conf's
	Timeout   time.Duration // per try and server; 0: DefaultTimeout
	Tries     int           // sends per server over UDP; 0: DefaultTries
	TCP       bool          // ask over TCP from the start
	NoEDNS    bool          // send no OPT record
	UDPSize   uint16        // EDNS0 buffer size advertised; 0: DefaultUDPSize
	DNSSEC    bool          // set the DO bit
	NoRecurse bool          // clear RD (ask an authoritative server for its own data)
	Class     uint16        // 0: IN
}

// Defaults, chosen for a lab: shorter than dig's 5 s × 3, so that a server
// that never answers is noticed in 4 s.
const (
	DefaultTimeout = 2 * time.Second
	DefaultTries   = 2
	DefaultUDPSize = 1232 // the DNS flag day 2020 value, as dig sends
)

// Response is a reply and how it came.
type Response struct {
	Msg       *miekg.Msg
	Server    string        // the server that answered, host:port
	Transport string        // "udp" or "tcp"
	RTT       time.Duration // of the exchange that answered
	Size      int           // bytes of the reply
	When      time.Time
	Truncated bool // the UDP answer came truncated (TC) and was asked again over TCP
}

// ErrTimeout is wrapped by every error of a query nobody answered in time.
var ErrTimeout = errors.New("timed out")

// TimeoutError says which servers stayed silent, and for how long.
type TimeoutError struct {
	Servers []string
	Tries   int
	PerTry  time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timed out: no answer from %s (%d %s of %s each)",
		strings.Join(e.Servers, ", "), e.Tries, plural(e.Tries, "try", "tries"), e.PerTry)
}

func (e *TimeoutError) Unwrap() error { return ErrTimeout }

// Timeout makes the error a net.Error-style timeout.
func (e *TimeoutError) Timeout() bool { return true }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// NewQuery builds the query message Query sends.
func NewQuery(name string, qtype uint16, o Options) (*miekg.Msg, error) {
	fqdn, err := CheckName(name)
	if err != nil {
		return nil, err
	}
	m := new(miekg.Msg)
	m.SetQuestion(fqdn, qtype)
	if o.Class != 0 {
		m.Question[0].Qclass = o.Class
	}
	m.RecursionDesired = !o.NoRecurse
	if !o.NoEDNS {
		size := o.UDPSize
		if size == 0 {
			size = DefaultUDPSize
		}
		m.SetEdns0(size, o.DNSSEC)
	}
	return m, nil
}

// Query asks for name's records of type qtype.
func Query(ctx context.Context, name string, qtype uint16, o Options) (*Response, error) {
	m, err := NewQuery(name, qtype, o)
	if err != nil {
		return nil, err
	}
	return Exchange(ctx, m, o)
}

// Exchange sends q and returns the first reply that matches it (same ID, QR
// set, same question). Replies that do not match (a late answer to an
// earlier query, a stray packet, garbage) are read past, not taken as a
// failure. A truncated UDP answer is asked again over TCP. Each server is
// tried in turn, o.Tries rounds; an error of one server (refused, a
// mismatched TCP reply) moves to the next.
func Exchange(ctx context.Context, q *miekg.Msg, o Options) (*Response, error) {
	servers := o.Servers
	if len(servers) == 0 {
		servers = SystemServers()
		if len(servers) == 0 {
			return nil, errors.New("no nameserver: /etc/resolv.conf names none (give {server = \"host:port\"})")
		}
	}
	timeout, tries := o.Timeout, o.Tries
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if tries <= 0 {
		tries = DefaultTries
	}
	if o.TCP {
		tries = 1 // a TCP exchange that times out will not be luckier next time
	}
	packed, err := q.Pack()
	if err != nil {
		return nil, fmt.Errorf("cannot encode the query: %w", err)
	}
	conns := map[string]net.Conn{} // one UDP socket per server for the whole query
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var lastErr error
	timedOut := false
	for try := 0; try < tries; try++ {
		for _, server := range servers {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			var resp *Response
			var err error
			if o.TCP {
				resp, err = exchangeTCP(ctx, server, packed, q, timeout)
			} else {
				resp, err = exchangeUDP(ctx, conns, server, packed, q, timeout)
				if err == nil && resp.Msg == nil { // truncated: ask again over TCP
					resp, err = exchangeTCP(ctx, server, packed, q, timeout)
					if resp != nil {
						resp.Truncated = true
					}
				}
			}
			if err == nil {
				return resp, nil
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if errors.Is(err, errSilent) {
				timedOut = true
				continue
			}
			lastErr = err
		}
	}
	if lastErr != nil && !timedOut {
		return nil, lastErr
	}
	if lastErr != nil {
		return nil, fmt.Errorf("%w (and %v)", &TimeoutError{Servers: servers, Tries: tries, PerTry: timeout}, lastErr)
	}
	return nil, &TimeoutError{Servers: servers, Tries: tries, PerTry: timeout}
}

// ServerError is a server that failed to answer: the port was closed
// (connection refused), the network unreachable, a TCP answer broken.
type ServerError struct {
	Server string
	Err    error
}

func (e *ServerError) Error() string {
	var en syscall.Errno
	if errors.As(e.Err, &en) {
		return fmt.Sprintf("no answer from %s: %s", e.Server, en.Error())
	}
	return fmt.Sprintf("no answer from %s: %v", e.Server, e.Err)
}

func (e *ServerError) Unwrap() error { return e.Err }

// errSilent is one try that got no matching answer in time.
var errSilent = errors.New("no answer")

// exchangeUDP sends one try over the server's UDP socket. A nil Msg in the
// response means the answer was truncated.
func exchangeUDP(ctx context.Context, conns map[string]net.Conn, server string, packed []byte, q *miekg.Msg, timeout time.Duration) (*Response, error) {
	conn := conns[server]
	if conn == nil {
		c, err := dialUDP(ctx, server)
		if err != nil {
			return nil, &ServerError{server, err}
		}
		conn, conns[server] = c, c
	}
	start := time.Now()
	deadline := start.Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(packed); err != nil {
		return nil, &ServerError{server, err}
	}
	bufp := udpBuffers.Get().(*[]byte)
	defer udpBuffers.Put(bufp)
	buf := *bufp
	for {
		n, err := conn.Read(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil, errSilent
			}
			return nil, &ServerError{server, err}
		}
		r, truncated, ok := matchReply(buf[:n], q)
		if !ok {
			continue // not the answer to this query: read on
		}
		resp := &Response{Server: server, Transport: "udp", RTT: time.Since(start), Size: n, When: start}
		if !truncated {
			resp.Msg = r
		}
		return resp, nil
	}
}

// dialUDP connects a UDP socket to server. An address in numbers, the
// usual case, skips the resolver's work of the general dial.
func dialUDP(ctx context.Context, server string) (net.Conn, error) {
	if ap, err := netip.ParseAddrPort(server); err == nil {
		return net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ap))
	}
	var d net.Dialer
	return d.DialContext(ctx, "udp", server)
}

// udpBuffers hold the largest datagram, so that an answer bigger than
// the size advertised is still read whole; pooled, as a fresh 64 KiB per
// query costs more than the query on loopback.
var udpBuffers = sync.Pool{New: func() any { b := make([]byte, 65535); return &b }}

// exchangeTCP sends the query over a fresh TCP connection.
func exchangeTCP(ctx context.Context, server string, packed []byte, q *miekg.Msg, timeout time.Duration) (*Response, error) {
	start := time.Now()
	dctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", server)
	if err != nil {
		if dctx.Err() != nil && ctx.Err() == nil {
			return nil, errSilent
		}
		return nil, &ServerError{server + " over TCP", err}
	}
	defer conn.Close()
	deadline, _ := dctx.Deadline()
	conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	frame := make([]byte, 2+len(packed))
	binary.BigEndian.PutUint16(frame, uint16(len(packed)))
	copy(frame[2:], packed)
	if _, err := conn.Write(frame); err != nil {
		return nil, &ServerError{server + " over TCP", err}
	}
	var lenBuf [2]byte
	if _, err := io.ReadFull(conn, lenBuf[:]); err != nil {
		return nil, tcpReadError(server, err)
	}
	body := make([]byte, binary.BigEndian.Uint16(lenBuf[:]))
	if _, err := io.ReadFull(conn, body); err != nil {
		return nil, tcpReadError(server, err)
	}
	r, _, ok := matchReply(body, q)
	if !ok || r == nil {
		return nil, &ServerError{server + " over TCP", errors.New("the reply does not match the query (ID, QR or question)")}
	}
	return &Response{Msg: r, Server: server, Transport: "tcp", RTT: time.Since(start), Size: len(body), When: start}, nil
}

func tcpReadError(server string, err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errSilent
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ServerError{server + " over TCP", errors.New("the server closed the connection without a full answer")}
	}
	return &ServerError{server + " over TCP", err}
}

// matchReply decodes p and reports whether it answers q: the same ID, the
// QR bit set, and q's question echoed (a reply that failed before reading
// the question, FORMERR or NOTIMP, may carry none). A truncated reply (TC)
// that matches is reported as such even when its body does not decode, as
// happens when a server cuts it mid-record.
func matchReply(p []byte, q *miekg.Msg) (r *miekg.Msg, truncated, ok bool) {
	if len(p) < 12 || binary.BigEndian.Uint16(p) != q.Id {
		return nil, false, false
	}
	flags := binary.BigEndian.Uint16(p[2:])
	if flags&(1<<15) == 0 { // QR: a query, not a reply
		return nil, false, false
	}
	r = new(miekg.Msg)
	err := r.Unpack(p)
	if flags&(1<<9) != 0 { // TC
		if err == nil && !sameQuestion(r, q) {
			return nil, false, false
		}
		return nil, true, true
	}
	if err != nil || !sameQuestion(r, q) {
		return nil, false, false
	}
	return r, false, true
}

func sameQuestion(r, q *miekg.Msg) bool {
	if len(r.Question) == 0 {
		return r.Rcode == miekg.RcodeFormatError || r.Rcode == miekg.RcodeNotImplemented ||
			r.Rcode == miekg.RcodeRefused || r.Rcode == miekg.RcodeServerFailure
	}
	if len(r.Question) != 1 || len(q.Question) != 1 {
		return false
	}
	a, b := r.Question[0], q.Question[0]
	return a.Qtype == b.Qtype && a.Qclass == b.Qclass && strings.EqualFold(a.Name, b.Name)
}
