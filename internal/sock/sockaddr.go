package sock

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Kernel addresses (unix.Sockaddr) to and from netip, written once for
// every engine that makes syscalls (sockets, the port scanner).

// ErrAddrFamily: the address is not of the socket's family (an IPv6
// address for AF_INET).
var ErrAddrFamily = errors.New("address family for hostname not supported")

// ErrUnknownZone: an IPv6 zone names no interface.
var ErrUnknownZone = errors.New("unknown IPv6 zone")

// SockaddrOf returns the kernel address of a and port for family: AF_INET
// needs an IPv4 address (ErrAddrFamily otherwise); AF_INET6 takes IPv6 (a zone is an interface name
// or index) and IPv4 (as IPv4-mapped).
func SockaddrOf(family int, a netip.Addr, port int) (unix.Sockaddr, error) {
	if family == unix.AF_INET {
		if !a.Is4() {
			return nil, ErrAddrFamily
		}
		return &unix.SockaddrInet4{Addr: a.As4(), Port: port}, nil
	}
	sa := &unix.SockaddrInet6{Addr: a.As16(), Port: port}
	if z := a.Zone(); z != "" {
		id, err := ZoneIndex(z)
		if err != nil {
			return nil, err
		}
		sa.ZoneId = id
	}
	return sa, nil
}

// AddrPortOf returns the IP address (with its zone, as an interface name
// where one is known) and port of an AF_INET or AF_INET6 address; ok is
// false for other families.
func AddrPortOf(sa unix.Sockaddr) (a netip.Addr, port int, ok bool) {
	switch x := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrFrom4(x.Addr), x.Port, true
	case *unix.SockaddrInet6:
		a := netip.AddrFrom16(x.Addr)
		if x.ZoneId != 0 {
			a = a.WithZone(ZoneName(x.ZoneId))
		}
		return a, x.Port, true
	}
	return netip.Addr{}, 0, false
}

// UnixPath is the path of an AF_UNIX address as Python shows it: abstract
// names start with "\x00", an unnamed socket's is "" (x/sys/unix writes
// both with "@").
func UnixPath(sa *unix.SockaddrUnix) string {
	if sa.Name == "@" {
		return ""
	}
	if rest, ok := strings.CutPrefix(sa.Name, "@"); ok {
		return "\x00" + rest
	}
	return sa.Name
}

// ZoneName is the name of the interface with index id ("" for 0; the
// number when no interface has it).
func ZoneName(id uint32) string {
	if id == 0 {
		return ""
	}
	if ifc, err := net.InterfaceByIndex(int(id)); err == nil {
		return ifc.Name
	}
	return strconv.Itoa(int(id))
}

// ZoneIndex is the index of the interface a zone names (by name or number).
func ZoneIndex(zone string) (uint32, error) {
	if id, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(id), nil
	}
	if ifc, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifc.Index), nil
	}
	return 0, ErrUnknownZone
}

// SameAddr reports whether two IP addresses are the same address and port.
func SameAddr(a, b unix.Sockaddr) bool {
	switch x := a.(type) {
	case *unix.SockaddrInet4:
		y, ok := b.(*unix.SockaddrInet4)
		return ok && x.Port == y.Port && x.Addr == y.Addr
	case *unix.SockaddrInet6:
		y, ok := b.(*unix.SockaddrInet6)
		return ok && x.Port == y.Port && x.Addr == y.Addr
	}
	return false
}

// x/sys/unix asks the kernel for a socket's protocol (getsockopt
// SO_PROTOCOL) every time it decodes an AF_INET address, to tell L2TP
// apart: one extra syscall per accept, recvfrom or getsockname. These
// wrappers call the syscall package, which does not, and convert.

// Getsockname is getsockname(2).
func Getsockname(fd int) (unix.Sockaddr, error) {
	sa, err := syscall.Getsockname(fd)
	return toUnix(sa), err
}

// Getpeername is getpeername(2).
func Getpeername(fd int) (unix.Sockaddr, error) {
	sa, err := syscall.Getpeername(fd)
	return toUnix(sa), err
}

// Accept4 is accept4(2).
func Accept4(fd, flags int) (int, unix.Sockaddr, error) {
	nfd, sa, err := syscall.Accept4(fd, flags)
	return nfd, toUnix(sa), err
}

// Recvfrom is recvfrom(2).
func Recvfrom(fd int, p []byte, flags int) (int, unix.Sockaddr, error) {
	n, sa, err := syscall.Recvfrom(fd, p, flags)
	return n, toUnix(sa), err
}

func toUnix(sa syscall.Sockaddr) unix.Sockaddr {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return &unix.SockaddrInet4{Port: a.Port, Addr: a.Addr}
	case *syscall.SockaddrInet6:
		return &unix.SockaddrInet6{Port: a.Port, ZoneId: a.ZoneId, Addr: a.Addr}
	case *syscall.SockaddrUnix:
		return &unix.SockaddrUnix{Name: a.Name}
	}
	return nil
}
