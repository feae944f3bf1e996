package ping

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"
)

// echoIO is how a ping sends its echoes and reads the answers: system
// calls straight on the ICMP socket's descriptor, one sendto and (on
// loopback, where the reply is queued before sendto returns) one recvmsg
// per echo, as iputils does. Going through net.PacketConn cost an address
// allocation and a control-message parse per packet and a read deadline
// (a runtime timer) per wait, which made a flood of 127.0.0.1 half as fast
// as ping -f. Only when nothing is queued does it wait, in Go's poller,
// through the socket's RawConn: read deadlines, and so interrupt, work as
// before.
//
// The calls are raw (no hand-off to the Go scheduler): the descriptor is
// non-blocking, so they return at once. In a flood, where io_uring works,
// the sendto and the first recvmsg are one call (uring.go).
type echoIO struct {
	ic    *icmpConn
	fd    uintptr
	raw   syscall.RawConn
	rawV4 bool // replies carry their IPv4 header (a raw IPv4 socket)

	msg []byte // the echo request: header, then the payload; seq and checksum change
	sa  unix.RawSockaddrInet6
	sal uintptr

	rbuf []byte
	name unix.RawSockaddrInet6 // big enough for either family
	oob  [64]byte
	iov  unix.Iovec
	hdr  unix.Msghdr

	ring    *uring      // nil: plain system calls
	sendHdr unix.Msghdr // the echo request for the ring's sendmsg
	sendIov unix.Iovec
	pending int // bytes of a message the ring's recvmsg left in rbuf; -1: none
}

func newEchoIO(ic *icmpConn, addr netip.Addr, id int, payload []byte, ring bool) (*echoIO, error) {
	conn, ok := ic.c.(syscall.Conn)
	if !ok {
		return nil, errors.New("ICMP socket without a descriptor")
	}
	sc, err := conn.SyscallConn()
	if err != nil {
		return nil, err
	}
	e := &echoIO{ic: ic, raw: sc, rawV4: !ic.v6 && ic.method == MethodRaw, rbuf: make([]byte, 65536+64), pending: -1}
	sc.Control(func(fd uintptr) { e.fd = fd })
	if e.rawV4 {
		// The TTL is in the header: no control message needed.
		ic.p4.SetControlMessage(ipv4.FlagTTL, false)
	}
	e.msg = make([]byte, 8+len(payload))
	e.msg[0] = 8 // echo request
	if ic.v6 {
		e.msg[0] = 128
	}
	binary.BigEndian.PutUint16(e.msg[4:], uint16(id))
	copy(e.msg[8:], payload)
	if ic.v6 {
		e.sa.Family = unix.AF_INET6
		e.sa.Addr = addr.As16()
		e.sal = unix.SizeofSockaddrInet6
	} else {
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(&e.sa))
		sa4.Family = unix.AF_INET
		sa4.Addr = addr.As4()
		e.sal = unix.SizeofSockaddrInet4
	}
	if ring && !plainCalls.Load() {
		e.ring, _ = newURing(e.fd) // else the plain calls
	}
	e.sendIov.Base = &e.msg[0]
	e.sendIov.SetLen(len(e.msg))
	e.sendHdr = unix.Msghdr{Name: (*byte)(unsafe.Pointer(&e.sa)), Namelen: uint32(e.sal), Iov: &e.sendIov, Iovlen: 1}
	return e, nil
}

// plainCalls: tests set it to run the plain calls.
var plainCalls atomic.Bool

// close releases the ring; the socket is the icmpConn's.
func (e *echoIO) close() {
	if e.ring != nil {
		e.ring.close()
		e.ring = nil
	}
}

// send sends echo request seq.
func (e *echoIO) send(seq int) error {
	binary.BigEndian.PutUint16(e.msg[6:], uint16(seq))
	if e.rawV4 { // the kernel sums ICMPv6 and datagram-socket echoes itself
		e.msg[2], e.msg[3] = 0, 0
		binary.BigEndian.PutUint16(e.msg[2:], checksum(e.msg))
	}
	if e.ring != nil {
		recvHdr := &e.hdr
		if e.rawV4 {
			recvHdr = nil // a plain recv: the header says all
		} else {
			e.setRecvHdr()
		}
		sent, received, err := e.ring.sendRecv(&e.sendHdr, recvHdr, e.rbuf)
		if err == nil && received >= 0 {
			e.pending = int(received) // else nothing was queued yet, or recv will meet the error
		}
		switch {
		case err != nil: // the ring failed: plain calls from now on
			e.close()
		case sent >= 0:
			return nil
		case !e.ring.sendmsg && (sent == -int32(unix.EINVAL) || sent == -int32(unix.EDESTADDRREQ)):
			// A kernel without IORING_OP_SEND's destination: sendmsg from
			// now on; this echo by the plain call.
			e.ring.sendmsg = true
		case sent != -int32(unix.EAGAIN) && sent != -int32(unix.EINTR):
			return syscall.Errno(-sent)
		}
		// EAGAIN (a full send buffer) or EINTR: as the plain calls do.
	}
	for {
		switch errno := e.sendto(e.fd); errno {
		case 0:
			return nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return e.sendWait()
		default:
			return errno
		}
	}
}

func (e *echoIO) sendto(fd uintptr) syscall.Errno {
	_, _, errno := unix.RawSyscall6(unix.SYS_SENDTO, fd, uintptr(unsafe.Pointer(&e.msg[0])), uintptr(len(e.msg)),
		0, uintptr(unsafe.Pointer(&e.sa)), e.sal)
	return errno
}

// sendWait waits in the poller for room in a full send buffer, then sends.
// It is apart from send because the variables its closure captures live on
// the heap: in send they would cost an allocation per echo.
func (e *echoIO) sendWait() error {
	var err error
	werr := e.raw.Write(func(fd uintptr) bool {
		switch errno := e.sendto(fd); errno {
		case 0:
		case unix.EAGAIN, unix.EINTR:
			return false
		default:
			err = errno
		}
		return true
	})
	if werr != nil {
		return werr
	}
	return err
}

// checksum is the Internet checksum of b.
func checksum(b []byte) uint16 {
	var s uint32
	for ; len(b) >= 2; b = b[2:] {
		s += uint32(b[0])<<8 | uint32(b[1])
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

// recv returns the next ICMP message, waiting until until when none is
// queued; os.ErrDeadlineExceeded (wrapped) when none came.
func (e *echoIO) recv(until time.Time) (packet, error) {
	if n := e.pending; n >= 0 {
		e.pending = -1
		return e.parse(n)
	}
	n, errno := e.recvmsg(e.fd)
	if errno == unix.EAGAIN {
		var err error
		if n, err = e.recvWait(until); err != nil {
			return packet{}, err
		}
	} else if errno != 0 {
		return packet{}, errno
	}
	return e.parse(n)
}

// recvWait waits until until for a message and reads it (apart from recv
// for the same reason as sendWait).
//
// The reply is not queued yet (a flood of a real neighbour, or loopback
// when the kernel defers its softirq work). A short wait (a flood's, at
// most 10 ms) blocks in ppoll, so that the kernel wakes this thread itself
// when the reply comes, as it wakes ping's blocking recvmsg, instead of a
// hand-off through Go's poller per echo. Longer waits park, so that they
// need no thread and honour the read deadline (interrupt).
func (e *echoIO) recvWait(until time.Time) (int, error) {
	n, errno := 0, unix.EAGAIN
	for errno == unix.EAGAIN {
		wait := time.Until(until)
		if wait <= 0 || wait > shortWait {
			break
		}
		fds := []unix.PollFd{{Fd: int32(e.fd), Events: unix.POLLIN}}
		ts := unix.NsecToTimespec(wait.Nanoseconds())
		if _, err := unix.Ppoll(fds, &ts, nil); err != nil && err != unix.EINTR {
			return 0, err
		}
		if fds[0].Revents == 0 {
			return 0, os.ErrDeadlineExceeded
		}
		n, errno = e.recvmsg(e.fd)
	}
	if errno == unix.EAGAIN {
		if err := e.ic.setReadDeadline(until); err != nil {
			return 0, err
		}
		rerr := e.raw.Read(func(fd uintptr) bool {
			n, errno = e.recvmsg(fd)
			return errno != unix.EAGAIN
		})
		if rerr != nil {
			return 0, rerr
		}
	}
	if errno != 0 {
		return 0, errno
	}
	return n, nil
}

// setRecvHdr readies hdr for a recvmsg into rbuf. A raw IPv4 socket's
// messages carry their source and TTL in their header: no name, no control
// messages.
func (e *echoIO) setRecvHdr() {
	e.iov.Base = &e.rbuf[0]
	e.iov.SetLen(len(e.rbuf))
	e.hdr = unix.Msghdr{Iov: &e.iov, Iovlen: 1}
	if !e.rawV4 {
		e.hdr.Name = (*byte)(unsafe.Pointer(&e.name))
		e.hdr.Namelen = unix.SizeofSockaddrInet6
		e.hdr.Control = &e.oob[0]
		e.hdr.SetControllen(len(e.oob))
	}
}

func (e *echoIO) recvmsg(fd uintptr) (int, syscall.Errno) {
	e.setRecvHdr()
	for {
		n, _, errno := unix.RawSyscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&e.hdr)), unix.MSG_DONTWAIT)
		if errno != unix.EINTR {
			return int(n), errno
		}
	}
}

var errShortPacket = errors.New("short packet")

// shortWait is the longest wait made in ppoll rather than in Go's poller.
const shortWait = 20 * time.Millisecond

// parse reads the packet recvmsg left in rbuf: its source, TTL and ICMP
// message.
func (e *echoIO) parse(n int) (packet, error) {
	p := packet{at: time.Now()}
	b := e.rbuf[:n]
	if e.rawV4 {
		if len(b) < 20 || b[0]>>4 != 4 {
			return packet{}, errShortPacket
		}
		ihl := int(b[0]&0x0f) * 4
		if ihl < 20 || len(b) < ihl {
			return packet{}, errShortPacket
		}
		p.ttl = int(b[8])
		p.from = netip.AddrFrom4([4]byte(b[12:16]))
		p.msg = b[ihl:]
		return p, nil
	}
	p.msg = b
	if e.ic.v6 {
		p.from = netip.AddrFrom16(e.name.Addr)
	} else {
		p.from = netip.AddrFrom4((*unix.RawSockaddrInet4)(unsafe.Pointer(&e.name)).Addr)
	}
	p.ttl = cmsgTTL(e.oob[:e.hdr.Controllen])
	return p, nil
}

// cmsgTTL finds IP_TTL or IPV6_HOPLIMIT among control messages; 0 when
// absent.
func cmsgTTL(oob []byte) int {
	ne := binary.NativeEndian
	for len(oob) >= unix.SizeofCmsghdr {
		l := int(ne.Uint64(oob))
		level, typ := int32(ne.Uint32(oob[8:])), int32(ne.Uint32(oob[12:]))
		if l < unix.SizeofCmsghdr || l > len(oob) {
			return 0
		}
		if l >= unix.SizeofCmsghdr+4 && ((level == unix.IPPROTO_IP && typ == unix.IP_TTL) ||
			(level == unix.IPPROTO_IPV6 && typ == unix.IPV6_HOPLIMIT)) {
			return int(int32(ne.Uint32(oob[unix.SizeofCmsghdr:])))
		}
		oob = oob[min((l+7)&^7, len(oob)):]
	}
	return 0
}
