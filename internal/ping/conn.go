package ping

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// Method names how probes are sent.
const (
	MethodRaw   = "raw"   // raw ICMP socket
	MethodDgram = "dgram" // unprivileged ICMP datagram socket
	MethodTCP   = "tcp"   // TCP connect probe
)

// icmpConn is an open ICMP socket of either kind.
type icmpConn struct {
	c      net.PacketConn // *net.IPConn (raw) or *net.UDPConn (datagram)
	p4     *ipv4.PacketConn
	p6     *ipv6.PacketConn
	v6     bool
	method string
	id     int // the echo identifier replies carry (the kernel's port on a datagram socket)
}

// packet is one ICMP message received.
type packet struct {
	from netip.Addr
	ttl  int
	msg  []byte // the ICMP message
	at   time.Time
}

// openICMP opens an ICMP socket for addr's family: raw if permitted, else
// datagram if permitted (unless only is set). skipped collects why methods
// were passed over.
func openICMP(addr netip.Addr, only string, skipped *[]string) (*icmpConn, error) {
	v6 := addr.Is6() && !addr.Is4In6()
	kinds := []struct{ method, network, laddr string }{
		{MethodRaw, "ip4:icmp", "0.0.0.0"}, {MethodDgram, "udp4", "0.0.0.0"},
	}
	if v6 {
		kinds = []struct{ method, network, laddr string }{
			{MethodRaw, "ip6:ipv6-icmp", "::"}, {MethodDgram, "udp6", "::"},
		}
	}
	var lastErr error
	for _, k := range kinds {
		if only != "" && only != k.method {
			continue
		}
		c, err := listenICMP(k.method, k.network, k.laddr, v6)
		if err != nil {
			*skipped = append(*skipped, fmt.Sprintf("%s ICMP socket: %v", k.method, unwrapSyscall(err)))
			lastErr = err
			continue
		}
		ic := &icmpConn{c: c, v6: v6, method: k.method}
		if v6 {
			ic.p6 = ipv6.NewPacketConn(c)
			ic.p6.SetControlMessage(ipv6.FlagHopLimit, true)
		} else {
			ic.p4 = ipv4.NewPacketConn(c)
			ic.p4.SetControlMessage(ipv4.FlagTTL, true)
		}
		if k.method == MethodDgram {
			ic.id = c.LocalAddr().(*net.UDPAddr).Port
		} else {
			ic.id = int(newID())
			ic.dropOwnRequests()
		}
		return ic, nil
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("method %q is not an ICMP method", only)
	}
	return nil, lastErr
}

// listenICMP opens an ICMP socket as icmp.ListenPacket does, but keeps the
// net.PacketConn, whose descriptor the flood path (echoIO) uses.
func listenICMP(method, network, laddr string, v6 bool) (net.PacketConn, error) {
	if method == MethodRaw {
		return net.ListenPacket(network, laddr)
	}
	family, proto := unix.AF_INET, unix.IPPROTO_ICMP
	var sa unix.Sockaddr = &unix.SockaddrInet4{}
	if v6 {
		family, proto, sa = unix.AF_INET6, unix.IPPROTO_ICMPV6, &unix.SockaddrInet6{}
	}
	s, err := unix.Socket(family, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if err := unix.Bind(s, sa); err != nil {
		unix.Close(s)
		return nil, os.NewSyscallError("bind", err)
	}
	f := os.NewFile(uintptr(s), "icmp datagram socket")
	defer f.Close()
	return net.FilePacketConn(f)
}

// dropOwnRequests keeps the echo requests a raw socket sees (every ping's,
// ours included, on loopback) out of it, as iputils' ICMP_FILTER does: a
// flood then reads one packet per echo, not two. The type filter runs
// before the kernel copies a packet for the socket, so the requests cost
// nothing, where a BPF program ran on a copy of each. Other pings' replies
// still come in (iputils 20221126 attaches no BPF program either): match
// tells them by identifier. A failure only costs speed.
func (ic *icmpConn) dropOwnRequests() {
	if ic.v6 {
		var f ipv6.ICMPFilter
		f.SetAll(true)
		for _, t := range []ipv6.ICMPType{ipv6.ICMPTypeEchoReply, ipv6.ICMPTypeDestinationUnreachable,
			ipv6.ICMPTypeTimeExceeded, ipv6.ICMPTypePacketTooBig, ipv6.ICMPTypeParameterProblem} {
			f.Accept(t)
		}
		ic.p6.SetICMPFilter(&f)
		return
	}
	var f ipv4.ICMPFilter
	f.SetAll(true)
	for _, t := range []ipv4.ICMPType{ipv4.ICMPTypeEchoReply, ipv4.ICMPTypeDestinationUnreachable,
		ipv4.ICMPTypeTimeExceeded, ipv4.ICMPTypeParameterProblem} {
		f.Accept(t)
	}
	ic.p4.SetICMPFilter(&f)
}

func unwrapSyscall(err error) error {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err
	}
	return err
}

func (ic *icmpConn) setTTL(ttl int) error {
	if ic.v6 {
		return ic.p6.SetHopLimit(ttl)
	}
	return ic.p4.SetTTL(ttl)
}

func (ic *icmpConn) send(b []byte, to netip.Addr) error {
	var dst net.Addr = &net.IPAddr{IP: to.AsSlice(), Zone: to.Zone()}
	if ic.method == MethodDgram {
		dst = &net.UDPAddr{IP: to.AsSlice(), Zone: to.Zone()}
	}
	_, err := ic.c.WriteTo(b, dst)
	return err
}

// read returns the next ICMP message; buf is reused by the caller.
func (ic *icmpConn) read(buf []byte) (packet, error) {
	var n, ttl int
	var src net.Addr
	var err error
	if ic.v6 {
		var cm *ipv6.ControlMessage
		n, cm, src, err = ic.p6.ReadFrom(buf)
		if cm != nil {
			ttl = cm.HopLimit
		}
	} else {
		var cm *ipv4.ControlMessage
		n, cm, src, err = ic.p4.ReadFrom(buf)
		if cm != nil {
			ttl = cm.TTL
		}
	}
	if err != nil {
		return packet{}, err
	}
	p := packet{ttl: ttl, msg: buf[:n], at: time.Now()}
	switch a := src.(type) {
	case *net.IPAddr:
		p.from, _ = netip.AddrFromSlice(a.IP)
	case *net.UDPAddr:
		p.from, _ = netip.AddrFromSlice(a.IP)
	}
	if !ic.v6 {
		p.from = p.from.Unmap()
	}
	return p, nil
}

func (ic *icmpConn) close() error { return ic.c.Close() }

func (ic *icmpConn) setReadDeadline(t time.Time) error { return ic.c.SetReadDeadline(t) }

// echo kinds of the family.
func (ic *icmpConn) echoRequest() icmp.Type {
	if ic.v6 {
		return ipv6.ICMPTypeEchoRequest
	}
	return ipv4.ICMPTypeEcho
}

func (ic *icmpConn) proto() int {
	if ic.v6 {
		return 58
	}
	return 1
}

// isPermission reports an error that a privilege would have avoided.
func isPermission(err error) bool {
	return errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)
}
