package socket

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// x/sys/unix asks the kernel for a socket's protocol (getsockopt
// SO_PROTOCOL) every time it decodes an AF_INET address, to tell L2TP
// apart: one extra syscall per accept, recvfrom or getsockname. These
// wrappers call the syscall package, which does not, and convert.

func getsockname(fd int) (unix.Sockaddr, error) {
	sa, err := syscall.Getsockname(fd)
	return toUnix(sa), err
}

func getpeername(fd int) (unix.Sockaddr, error) {
	sa, err := syscall.Getpeername(fd)
	return toUnix(sa), err
}

func accept4(fd, flags int) (int, unix.Sockaddr, error) {
	nfd, sa, err := syscall.Accept4(fd, flags)
	return nfd, toUnix(sa), err
}

func recvfrom(fd int, p []byte, flags int) (int, unix.Sockaddr, error) {
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
