package netinfo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"unsafe"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Sockets are listed with sock_diag dumps of our own rather than netlink's
// SocketDiagTCP/UDP: those ask the kernel for tcp_info and Vegas info on
// every socket (three times the bytes, none of which ss -tuanp shows) and
// allocate a Socket and its addresses per row; with 10,000 sockets that was
// most of the engine's time. UNIX sockets need our own dump anyway:
// netlink v1.3.1's UnixSocketDiagInfo stops at the first message it cannot
// use and slices UNIX_DIAG_NAME past its end.

const (
	sockDiagByFam  = 20 // SOCK_DIAG_BY_FAMILY
	tcpDiagGetSock = 18 // TCPDIAG_GETSOCK: inet_diag's first request, both families in one walk
	nlmsgHdrLen    = 16
	inetDiagMsgLen = 72 // struct inet_diag_msg
	allStates      = 0xfff
)

// sockDiag is one NETLINK_SOCK_DIAG socket with its receive buffer, used
// for every dump of one listing.
type sockDiag struct {
	fd  int
	seq uint32
	buf []byte
}

func openSockDiag() (*sockDiag, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}
	// The kernel fills at most 32 KiB per message batch; twice that never
	// truncates one.
	return &sockDiag{fd: fd, buf: make([]byte, 64<<10)}, nil
}

func (s *sockDiag) close() { unix.Close(s.fd) }

// dump sends a SOCK_DIAG_BY_FAMILY dump request whose body follows the
// netlink header, and calls each with every reply's payload. It returns
// netlink.ErrDumpInterrupted when the kernel flags the dump as
// inconsistent (after reading it all).
func (s *sockDiag) dump(typ uint16, body []byte, each func([]byte)) error {
	ne := binary.NativeEndian
	s.seq++
	req := make([]byte, nlmsgHdrLen+len(body))
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], typ)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], s.seq)
	copy(req[nlmsgHdrLen:], body)
	if err := unix.Sendto(s.fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return fmt.Errorf("sock_diag: %w", err)
	}
	interrupted, done := false, false
	var failure error
	for !done {
		n, err := s.recv()
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("sock_diag: %w", err)
		}
		err = walkNetlink(s.buf[:n], func(typ, flags uint16, seq uint32, data []byte) bool {
			if seq != s.seq {
				return true // a late reply to an earlier request
			}
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				interrupted = true
			}
			switch typ {
			case unix.NLMSG_DONE:
				done = true
				return false
			case unix.NLMSG_ERROR:
				if len(data) >= 4 {
					if code := int32(binary.NativeEndian.Uint32(data)); code != 0 {
						failure, done = fmt.Errorf("sock_diag: %w", unix.Errno(-code)), true
						return false
					}
				}
				return true
			}
			each(data)
			return true
		})
		if err != nil {
			return err
		}
	}
	if failure != nil {
		return failure
	}
	if interrupted {
		return netlink.ErrDumpInterrupted
	}
	return nil
}

// recv reads the next datagram of a dump. The kernel makes each batch of a
// dump inside the read that makes room for it, so a read may take a while
// but finds a datagram waiting: it is first tried as a raw non-blocking
// system call, which keeps the Go scheduler out of it (a plain Syscall that
// long had its P handed over, see getdents), and only when nothing is
// waiting as a plain blocking one.
func (s *sockDiag) recv() (int, error) {
	n, _, errno := unix.RawSyscall6(unix.SYS_RECVFROM, uintptr(s.fd), uintptr(unsafe.Pointer(&s.buf[0])), uintptr(len(s.buf)),
		unix.MSG_DONTWAIT, 0, 0)
	if errno == 0 {
		return int(n), nil
	}
	if errno != unix.EAGAIN {
		return 0, errno
	}
	n2, _, err := unix.Recvfrom(s.fd, s.buf, 0)
	return n2, err
}

// walkNetlink calls fn with each netlink message in b (one datagram from
// the kernel) until fn returns false.
func walkNetlink(b []byte, fn func(typ, flags uint16, seq uint32, data []byte) bool) error {
	ne := binary.NativeEndian
	for len(b) >= nlmsgHdrLen {
		l := int(ne.Uint32(b))
		if l < nlmsgHdrLen || l > len(b) {
			return errors.New("sock_diag: malformed netlink message")
		}
		if !fn(ne.Uint16(b[4:]), ne.Uint16(b[6:]), ne.Uint32(b[8:]), b[nlmsgHdrLen:l]) {
			return nil
		}
		b = b[min((l+3)&^3, len(b)):]
	}
	return nil
}

// inetSockets appends the sockets of one protocol ("tcp" or "udp") and
// address family ("inet", "inet6" or "" for both) to out, IPv4 first,
// retrying an interrupted dump from scratch.
//
// TCP is asked with inet_diag's original request (TCPDIAG_GETSOCK), which
// takes no family and so returns both in one walk of the kernel's TCP hash
// tables; those tables are shared by every network namespace (the host's
// sockets and TIME-WAIT entries included), so a second walk, as ss makes,
// costs as much as the first. UDP has only the per-family request.
func (s *sockDiag) inetSockets(out []Conn, proto, family string) ([]Conn, error) {
	start := len(out)
	collect := func(typ uint16, body []byte) error {
		return s.dump(typ, body, func(b []byte) {
			if c, ok := parseInetDiag(proto, b); ok && (family == "" || c.Family == family) {
				out = append(out, c)
			}
		})
	}
	return retryDump(func() ([]Conn, error) {
		out = out[:start]
		if proto == "tcp" {
			body := make([]byte, 60) // struct inet_diag_req
			body[0] = unix.AF_INET
			binary.NativeEndian.PutUint32(body[52:], allStates)
			if err := collect(tcpDiagGetSock, body); err != nil {
				return out, err
			}
			ipv4First(out[start:])
			return out, nil
		}
		for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
			if (family == "inet" && fam != unix.AF_INET) || (family == "inet6" && fam != unix.AF_INET6) {
				continue
			}
			body := make([]byte, 56) // struct inet_diag_req_v2, no extensions
			body[0], body[1] = fam, unix.IPPROTO_UDP
			binary.NativeEndian.PutUint32(body[4:], allStates)
			if err := collect(sockDiagByFam, body); err != nil {
				return out, err
			}
		}
		return out, nil
	})
}

// ipv4First moves IPv4 sockets before IPv6 ones, keeping each family's
// order (the kernel's), as two per-family dumps would list them.
func ipv4First(cs []Conn) {
	var v6 []Conn
	n := 0
	for i := range cs {
		if cs[i].Family == "inet" {
			cs[n] = cs[i]
			n++
		} else {
			v6 = append(v6, cs[i])
		}
	}
	copy(cs[n:], v6)
}

// parseInetDiag reads one struct inet_diag_msg.
func parseInetDiag(proto string, b []byte) (Conn, bool) {
	if len(b) < inetDiagMsgLen || (b[0] != unix.AF_INET && b[0] != unix.AF_INET6) {
		return Conn{}, false
	}
	ne, be := binary.NativeEndian, binary.BigEndian
	c := Conn{
		Netid: proto, Family: "inet", State: stateName(b[1]),
		RecvQ: int(ne.Uint32(b[56:])), SendQ: int(ne.Uint32(b[60:])),
		UID: int(ne.Uint32(b[64:])), Inode: ne.Uint32(b[68:]), FD: -1,
	}
	var src, dst netip.Addr
	if b[0] == unix.AF_INET {
		src, dst = netip.AddrFrom4([4]byte(b[8:12])), netip.AddrFrom4([4]byte(b[24:28]))
	} else {
		c.Family = "inet6"
		src, dst = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
	}
	c.Local = netip.AddrPortFrom(src, be.Uint16(b[4:]))
	c.Remote = netip.AddrPortFrom(dst, be.Uint16(b[6:]))
	return c, true
}
