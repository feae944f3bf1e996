package sock

// Syscalls without allocation, for the hot paths.

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

func sysSend(fd int, p []byte, flags int) (int, error) {
	return sysSendRecv(unix.SYS_SENDTO, fd, p, flags|unix.MSG_NOSIGNAL, false)
}

func sysRecv(fd int, p []byte, flags int) (int, error) {
	return sysSendRecv(unix.SYS_RECVFROM, fd, p, flags, false)
}

// sysSendRecv is send(2) or recv(2) without allocation. With raw set the Go
// scheduler is not told of the syscall: only for calls that cannot block
// (MSG_DONTWAIT). Otherwise a call that the kernel merely preempts (a send
// that wakes the peer on the same CPU) looks to Go's monitor like a blocked
// syscall, and it hands the P to another thread: futex wake-ups and
// context switches on every round trip.
func sysSendRecv(trap uintptr, fd int, p []byte, flags int, raw bool) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	var n uintptr
	var e syscall.Errno
	if raw {
		n, _, e = unix.RawSyscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	} else {
		n, _, e = unix.Syscall6(trap, uintptr(fd), uintptr(ptr), uintptr(len(p)), uintptr(flags), 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// disconnect dissolves a TCP socket's association (connect to AF_UNSPEC),
// leaving it unconnected and reusable.
func disconnect(fd int) {
	sa := unix.RawSockaddr{Family: unix.AF_UNSPEC}
	unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
}
