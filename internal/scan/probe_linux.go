package scan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// slice is the longest a single blocking syscall may wait (SO_SNDTIMEO /
// SO_RCVTIMEO) before the engine looks at the context and the deadline again.
const slice = 50 * time.Millisecond

// sysOps are the syscalls a probe makes; tests replace them to inject EINTR,
// EMFILE and friends.
type sysOps struct {
	socket      func(domain, typ, proto int) (int, error)
	connect     func(fd int, sa unix.Sockaddr) error
	close       func(fd int) error
	getsockname func(fd int) (unix.Sockaddr, error)
	setTimeout  func(fd, opt int, d time.Duration) error
	read        func(fd int, p []byte) (int, error)
	write       func(fd int, p []byte) (int, error)
	poll        func(fds []unix.PollFd, ms int) (int, error)
	getsockerr  func(fd int) (int, error)
}

var realOps = sysOps{
	socket:      unix.Socket,
	connect:     unix.Connect,
	close:       unix.Close,
	getsockname: unix.Getsockname,
	setTimeout: func(fd, opt int, d time.Duration) error {
		if d < time.Millisecond {
			d = time.Millisecond // 0 would mean "no timeout"
		}
		tv := unix.NsecToTimeval(d.Nanoseconds())
		return unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, opt, &tv)
	},
	read:  unix.Read,
	write: unix.Write,
	poll:  unix.Poll,
	getsockerr: func(fd int) (int, error) {
		return unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	},
}

// outcome is what one probe attempt learned.
type outcome int

const (
	outOpen     outcome = iota // connected / got a reply
	outClosed                  // refused
	outFiltered                // no answer in time, or ICMP unreachable/prohibited
	outSilent                  // UDP: no answer (open|filtered)
	outResource                // out of fds, buffers or source ports: try again later
	outSelf                    // connected to itself: probe again
	outCanceled                // the context ended
	outError    outcome = -1   // an error that is no port state (see prober.lastErr)
)

// errnoOutcome maps a connect/recv error to an outcome; ok is false for
// errors that mean something is wrong with the scan itself.
func errnoOutcome(err error) (outcome, bool) {
	switch {
	case errors.Is(err, unix.ECONNREFUSED), errors.Is(err, unix.ECONNRESET), errors.Is(err, unix.ECONNABORTED):
		return outClosed, true
	case errors.Is(err, unix.ETIMEDOUT), errors.Is(err, unix.EHOSTUNREACH), errors.Is(err, unix.ENETUNREACH),
		errors.Is(err, unix.EHOSTDOWN), errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM),
		errors.Is(err, unix.ENONET), errors.Is(err, unix.EPROTO), errors.Is(err, unix.ENOPROTOOPT):
		return outFiltered, true
	case errors.Is(err, unix.EMFILE), errors.Is(err, unix.ENFILE), errors.Is(err, unix.ENOBUFS),
		errors.Is(err, unix.ENOMEM), errors.Is(err, unix.EADDRNOTAVAIL), errors.Is(err, unix.EAGAIN),
		errors.Is(err, unix.EADDRINUSE):
		return outResource, true
	}
	return 0, false
}

// probeMode selects how a TCP connect waits. modeBlocking is the default
// (measured faster on loopback); modePoll exists for BenchmarkProbeModes.
type probeMode int

const (
	modeBlocking probeMode = iota
	modePoll
)

// prober holds one worker's reusable state.
type prober struct {
	ops     *sysOps
	mode    probeMode
	opts    *Options
	buf     []byte
	sa4     unix.SockaddrInet4
	sa6     unix.SockaddrInet6
	lastErr error // the errno behind the last outResource / unexpected error

	spare     [2]int           // refused TCP sockets kept for reuse (IPv4, IPv6), -1 = none
	spareWait [2]time.Duration // their SO_SNDTIMEO
	udp       int              // the UDP socket of a port still being retried, -1 = none
}

func newProber(opts *Options) *prober {
	return &prober{ops: opts.ops, mode: opts.mode, opts: opts, spare: [2]int{-1, -1}, udp: -1}
}

// release closes the sockets kept for reuse.
func (p *prober) release() {
	p.closeUDP()
	for i, fd := range p.spare {
		if fd >= 0 {
			p.ops.close(fd)
			p.spare[i] = -1
		}
	}
}

func spareIndex(fam int) int {
	if fam == unix.AF_INET6 {
		return 1
	}
	return 0
}

func (p *prober) sockaddr(ip netip.Addr, port int) (unix.Sockaddr, int, error) {
	if ip.Is4() {
		p.sa4 = unix.SockaddrInet4{Port: port, Addr: ip.As4()}
		return &p.sa4, unix.AF_INET, nil
	}
	p.sa6 = unix.SockaddrInet6{Port: port, Addr: ip.As16()}
	if z := ip.Zone(); z != "" {
		id, err := zoneIndex(z)
		if err != nil {
			return nil, 0, err
		}
		p.sa6.ZoneId = id
	}
	return &p.sa6, unix.AF_INET6, nil
}

var zoneCache sync.Map

func zoneIndex(z string) (uint32, error) {
	if v, ok := zoneCache.Load(z); ok {
		return v.(uint32), nil
	}
	if n, err := strconv.ParseUint(z, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(z)
	if err != nil {
		return 0, fmt.Errorf("zone %q: %w", z, err)
	}
	zoneCache.Store(z, uint32(ifi.Index))
	return uint32(ifi.Index), nil
}

// isSelfConnect reports whether the connected socket fd is bound to the very
// address it connected to (TCP simultaneous open with itself, or a UDP socket
// connected to itself).
func isSelfConnect(ops *sysOps, fd int, remote unix.Sockaddr) bool {
	local, err := ops.getsockname(fd)
	if err != nil {
		return false
	}
	return sameSockaddr(local, remote)
}

func sameSockaddr(a, b unix.Sockaddr) bool {
	switch a := a.(type) {
	case *unix.SockaddrInet4:
		b, ok := b.(*unix.SockaddrInet4)
		return ok && a.Port == b.Port && a.Addr == b.Addr
	case *unix.SockaddrInet6:
		b, ok := b.(*unix.SockaddrInet6)
		return ok && a.Port == b.Port && a.Addr == b.Addr
	}
	return false
}

// tcpConnect opens a TCP socket and connects it to sa, waiting at most until
// deadline. On outOpen it returns the connected fd; otherwise fd is closed.
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
	if w := min(p.opts.Timeout, slice); w != wait {
		wait = w
		if err := ops.setTimeout(fd, unix.SO_SNDTIMEO, wait); err != nil {
			ops.close(fd)
			return -1, p.fail(err)
		}
	}
	for {
		err := ops.connect(fd, sa)
		switch {
		case err == nil, errors.Is(err, unix.EISCONN):
			return fd, outOpen
		case errors.Is(err, unix.ECONNREFUSED):
			p.spare[si], p.spareWait[si] = fd, wait
			return -1, outClosed
		case errors.Is(err, unix.EINTR), errors.Is(err, unix.EINPROGRESS), errors.Is(err, unix.EALREADY):
			// Interrupted, or this slice of SO_SNDTIMEO ran out. On a
			// blocking socket the next connect() waits for the handshake
			// already under way (or reports how it ended).
			if ctx.Err() != nil {
				ops.close(fd)
				return -1, outCanceled
			}
			left := time.Until(deadline)
			if left <= 0 {
				ops.close(fd)
				return -1, outFiltered
			}
			if left < wait {
				wait = left
				ops.setTimeout(fd, unix.SO_SNDTIMEO, wait)
			}
		default:
			ops.close(fd)
			return -1, p.fail(err)
		}
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
			return -1, outFiltered
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
	if !ok || o == outResource {
		p.lastErr = err
	}
	if !ok {
		return outError
	}
	return o
}

// probeTCP makes one TCP connect probe. On outOpen it also grabs the banner
// if asked and closes the socket with a RST (SO_LINGER 0).
func (p *prober) probeTCP(ctx context.Context, ip netip.Addr, port int, wantBanner bool) (outcome, string, time.Duration, error) {
	sa, fam, err := p.sockaddr(ip, port)
	if err != nil {
		return 0, "", 0, err
	}
	start := time.Now()
	fd, o := p.tcpConnect(ctx, fam, sa, start.Add(p.opts.Timeout))
	rtt := time.Since(start)
	if o != outOpen {
		return o, "", rtt, nil
	}
	defer func() {
		unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
		p.ops.close(fd)
	}()
	if isSelfConnect(p.ops, fd, sa) {
		return outSelf, "", rtt, nil
	}
	var banner string
	if wantBanner {
		banner = p.readBanner(ctx, fd, p.opts.BannerTimeout)
	}
	return outOpen, banner, rtt, nil
}

// readBanner reads up to BannerBytes from fd within timeout. Once data has
// come, it waits only briefly (bannerLinger) for more.
func (p *prober) readBanner(ctx context.Context, fd int, timeout time.Duration) string {
	const bannerLinger = 20 * time.Millisecond
	ops := p.ops
	if cap(p.buf) < p.opts.BannerBytes {
		p.buf = make([]byte, p.opts.BannerBytes)
	}
	buf := p.buf[:p.opts.BannerBytes]
	got := 0
	deadline := time.Now().Add(timeout)
	wait := min(timeout, slice)
	ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
	for got < len(buf) {
		n, err := ops.read(fd, buf[got:])
		if n > 0 {
			got += n
			if d := time.Until(deadline); d > bannerLinger {
				deadline = time.Now().Add(bannerLinger)
			}
			continue
		}
		if n == 0 && err == nil {
			break // EOF
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			break
		}
		if ctx.Err() != nil {
			break
		}
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		if left < wait {
			wait = left
			ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
		}
	}
	return printable(buf[:got])
}

// printable trims trailing CR/LF (and other white space) and escapes bytes
// that are not printable UTF-8 as \xNN (\r, \n, \t as themselves escaped).
func printable(b []byte) string {
	b = []byte(strings.TrimRight(string(b), " \t\r\n\x00"))
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&sb, `\x%02x`, b[0])
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == '\\':
			sb.WriteString(`\\`)
		case unicode.IsPrint(r):
			sb.WriteRune(r)
		default:
			for _, c := range b[:size] {
				fmt.Fprintf(&sb, `\x%02x`, c)
			}
		}
		b = b[size:]
	}
	return sb.String()
}

// udpPayload returns the datagram sent to a UDP port: a real request for a
// few well-known services that stay silent on an empty datagram, else empty.
func udpPayload(port int) []byte {
	switch port {
	case 53: // DNS: status query for version.bind TXT CH (as nmap-payloads)
		return []byte("\x00\x06\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07version\x04bind\x00\x00\x10\x00\x03")
	case 123: // NTP v3 client request
		b := make([]byte, 48)
		b[0] = 0xe3
		return b
	}
	return nil
}

// probeUDP sends one datagram on a connected UDP socket and waits
// Options.Timeout for a reply or an ICMP error. On silence (outSilent) the
// socket stays open in p.udp, so a retry (again = true) sends on it and a
// late reply to an earlier datagram still counts; closeUDP ends it.
func (p *prober) probeUDP(ctx context.Context, ip netip.Addr, port int, again bool) (outcome, string, time.Duration, error) {
	ops := p.ops
	start := time.Now()
	if !again || p.udp < 0 {
		p.closeUDP()
		sa, fam, err := p.sockaddr(ip, port)
		if err != nil {
			return 0, "", 0, err
		}
		fd, err := ops.socket(fam, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return p.fail(err), "", 0, nil
		}
		for {
			err = ops.connect(fd, sa)
			if !errors.Is(err, unix.EINTR) {
				break
			}
		}
		if err != nil {
			ops.close(fd)
			return p.fail(err), "", 0, nil
		}
		if isSelfConnect(ops, fd, sa) {
			ops.close(fd)
			return outSelf, "", 0, nil
		}
		p.udp = fd
	}
	fd := p.udp
	o, banner := p.udpExchange(ctx, fd, port)
	if o != outSilent {
		p.closeUDP()
	}
	return o, banner, time.Since(start), nil
}

// udpExchange sends the port's payload on fd and waits for the answer.
func (p *prober) udpExchange(ctx context.Context, fd, port int) (outcome, string) {
	ops := p.ops
	if cap(p.buf) < 1500 {
		p.buf = make([]byte, max(1500, p.opts.BannerBytes))
	}
	if _, err := ops.write(fd, udpPayload(port)); err != nil && !errors.Is(err, unix.EINTR) {
		return p.fail(err), ""
	}
	deadline := time.Now().Add(p.opts.Timeout)
	wait := min(p.opts.Timeout, slice)
	ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
	for {
		n, err := ops.read(fd, p.buf[:cap(p.buf)])
		if err == nil {
			banner := ""
			if p.opts.Banner {
				banner = printable(p.buf[:min(n, p.opts.BannerBytes)])
			}
			return outOpen, banner
		}
		if !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
			return p.fail(err), ""
		}
		if ctx.Err() != nil {
			return outCanceled, ""
		}
		left := time.Until(deadline)
		if left <= 0 {
			return outSilent, ""
		}
		if left < wait {
			wait = left
			ops.setTimeout(fd, unix.SO_RCVTIMEO, wait)
		}
	}
}

// closeUDP closes the UDP socket kept between tries, if any.
func (p *prober) closeUDP() {
	if p.udp >= 0 {
		p.ops.close(p.udp)
		p.udp = -1
	}
}

// localPortRange is net.ipv4.ip_local_port_range (32768–60999 if unreadable).
var localPortRange = sync.OnceValues(func() (int, int) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		f := strings.Fields(string(b))
		if len(f) == 2 {
			lo, err1 := strconv.Atoi(f[0])
			hi, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil {
				return lo, hi
			}
		}
	}
	return 32768, 60999
})

// openFDs counts this process's open file descriptors.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 64 // a guess
	}
	return len(ents)
}

// maxAutoConcurrency caps the automatic worker count; measured on loopback
// (2 cores), more workers than this bought nothing.
const maxAutoConcurrency = 256

// AutoConcurrency is the worker count used when Options.Concurrency is 0:
// half the file descriptors still free under RLIMIT_NOFILE, at most 256, at
// least 1.
func AutoConcurrency() int {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 64
	}
	soft := rl.Cur
	if soft > 1<<20 {
		soft = 1 << 20
	}
	free := int(soft) - openFDs()
	return max(1, min(maxAutoConcurrency, free/2))
}
