package scan

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"socklab/internal/sock"
)

// slice is the longest a blocking read (SO_RCVTIMEO: banners on the fast
// path, UDP replies) waits before the engine looks at the context and the
// deadline again.
const slice = 50 * time.Millisecond

// fastWindow is how long a blocking TCP connect may wait (SO_SNDTIMEO, at
// least one jiffy) before its socket is handed to the poller: loopback and
// LAN answers come within it, in the connect call itself.
const fastWindow = time.Millisecond

// sysOps are the syscalls a probe makes; tests replace them to inject EINTR,
// EMFILE and friends.
type sysOps struct {
	socket      func(domain, typ, proto int) (int, error)
	connect     func(fd int, sa unix.Sockaddr) error
	close       func(fd int) error
	getsockname func(fd int) (unix.Sockaddr, error)
	getpeername func(fd int) (unix.Sockaddr, error)
	setTimeout  func(fd, opt int, d time.Duration) error
	read        func(fd int, p []byte) (int, error)
	write       func(fd int, p []byte) (int, error)
	poll        func(fds []unix.PollFd, ms int) (int, error)
	getsockerr  func(fd int) (int, error)
	// tcpState is the socket's TCP state (TCP_INFO's tcpi_state); nil
	// in tests' fakes, which connState then reads with getsockerr and
	// getpeername.
	tcpState func(fd int) (uint8, error)
	linger0  func(fd int)
	// pollable, in tests, waits for a connect under way instead of the
	// reactor (nil: the reactor).
	pollable func(fd int) (pollConn, error)
}

var realOps = sysOps{
	socket:      unix.Socket,
	connect:     unix.Connect,
	close:       unix.Close,
	getsockname: unix.Getsockname,
	getpeername: unix.Getpeername,
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
	tcpState: func(fd int) (uint8, error) {
		info, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO)
		if err != nil {
			return 0, err
		}
		return info.State, nil
	},
	linger0: func(fd int) {
		unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	},
}

// outcome is what one probe attempt learned.
type outcome int

const (
	outOpen     outcome = iota // connected / got a reply
	outClosed                  // refused
	outFiltered                // ICMP unreachable/prohibited
	outTimeout                 // TCP: no answer in time
	outPending                 // TCP: the handshake outlasted fastWindow (hand the socket to the poller)
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
	case errors.Is(err, unix.ETIMEDOUT):
		return outTimeout, true
	case errors.Is(err, unix.EHOSTUNREACH), errors.Is(err, unix.ENETUNREACH),
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
	ops         *sysOps
	mode        probeMode
	opts        *Options
	buf         []byte
	sa4         unix.SockaddrInet4
	sa6         unix.SockaddrInet6
	lastErr     error // the errno behind the last outResource / unexpected error
	lastUnreach error // the errno behind the last outFiltered

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

// zoneCache maps a zone to its interface index: a scan of a scoped
// address would otherwise look the interface up for every probe.
var zoneCache sync.Map

func zoneIndex(z string) (uint32, error) {
	if v, ok := zoneCache.Load(z); ok {
		return v.(uint32), nil
	}
	id, err := sock.ZoneIndex(z)
	if err != nil {
		return 0, fmt.Errorf("zone %q: %w", z, err)
	}
	zoneCache.Store(z, id)
	return id, nil
}

// isSelfConnect reports whether the connected socket fd is bound to the very
// address it connected to (TCP simultaneous open with itself, or a UDP socket
// connected to itself).
func isSelfConnect(ops *sysOps, fd int, remote unix.Sockaddr) bool {
	local, err := ops.getsockname(fd)
	if err != nil {
		return false
	}
	return sock.SameAddr(local, remote)
}
