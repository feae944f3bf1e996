package ping

import (
	"errors"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A system call costs about 1.3 µs of CPU on this project's machines (a
// paravirtualised VM), a fifth of what a loopback echo costs in all. So an
// echo goes out and its reply is read in one system call: an io_uring
// submission of two entries, the echo's sendmsg then a recvmsg, which the
// kernel runs in order within the io_uring_enter. On loopback the reply is
// queued before the send returns, so the recvmsg finds it; when nothing is
// queued yet it completes with EAGAIN (MSG_DONTWAIT: the ring never waits
// or parks work) and the reader waits as before (fastio.go). The packets,
// and the checks made on each reply, are the same. The entries are not
// linked (a linked entry is started through task work, which cost more
// than it saved), and the socket is registered, which spares the kernel two
// file look-ups per echo. (The ring itself is not: a registered ring is
// the registering thread's, and a goroutine moves between threads.) Where
// io_uring is missing or refused (old kernels, seccomp,
// kernel.io_uring_disabled) the two plain calls run.

// io_uring's ABI (include/uapi/linux/io_uring.h), the parts used here.
const (
	uringOpSendmsg     = 9
	uringOpRecvmsg     = 10
	uringOpSend        = 26
	uringOpRecv        = 27
	uringSQEFixedFile  = 1 << 0 // IOSQE_FIXED_FILE: fd is an index among registered files
	uringFeatSingleMM  = 1 << 0 // IORING_FEAT_SINGLE_MMAP
	uringEnterGetEvts  = 1 << 0 // IORING_ENTER_GETEVENTS
	uringRegisterFiles = 2
	uringOffSQEs       = 0x10000000
)

type uringSQE struct {
	opcode      uint8
	flags       uint8
	ioprio      uint16
	fd          int32
	off         uint64
	addr        uint64
	len         uint32
	msgFlags    uint32
	userData    uint64
	bufIndex    uint16
	personality uint16
	fileIndex   int32
	addr3       uint64
	_           uint64
}

type uringCQE struct {
	userData uint64
	res      int32
	flags    uint32
}

type uringRingOffsets struct {
	head, tail, ringMask, ringEntries, flagsOrOverflow, droppedOrCQEs, arrayOrFlags, resv1 uint32
	userAddr                                                                               uint64
}

type uringParams struct {
	sqEntries, cqEntries, flags, sqThreadCPU, sqThreadIdle, features, wqFD uint32
	resv                                                                   [3]uint32
	sqOff, cqOff                                                           uringRingOffsets
}

// uring is a ring of a few entries used by one goroutine, for one socket.
type uring struct {
	fd int
	// sendmsg: this kernel's IORING_OP_SEND takes no destination (before
	// Linux 6.0), so echoes go out with IORING_OP_SENDMSG, which copies a
	// message header more.
	sendmsg        bool
	sockFD         int32 // the socket, or its index once registered
	sqeFlags       uint8
	ringMem, sqMem []byte
	sqTail         *uint32
	sqMask         uint32
	sqArray        []uint32
	sqes           []uringSQE
	cqHead, cqTail *uint32
	cqMask         uint32
	cqes           []uringCQE
}

// errNoURing: the ring could not be set up as expected.
var errNoURing = errors.New("io_uring unusable")

func newURing(sock uintptr) (*uring, error) {
	var p uringParams
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 4, uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, errno
	}
	u := &uring{fd: int(fd), sockFD: int32(sock)}
	if p.features&uringFeatSingleMM == 0 {
		u.close()
		return nil, errNoURing
	}
	size := max(p.sqOff.arrayOrFlags+p.sqEntries*4, p.cqOff.droppedOrCQEs+p.cqEntries*uint32(unsafe.Sizeof(uringCQE{})))
	var err error
	if u.ringMem, err = unix.Mmap(u.fd, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
		u.close()
		return nil, err
	}
	if u.sqMem, err = unix.Mmap(u.fd, uringOffSQEs, int(p.sqEntries)*int(unsafe.Sizeof(uringSQE{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE); err != nil {
		u.close()
		return nil, err
	}
	word := func(off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&u.ringMem[off])) }
	u.sqTail = word(p.sqOff.tail)
	u.sqMask = *word(p.sqOff.ringMask)
	u.sqArray = unsafe.Slice(word(p.sqOff.arrayOrFlags), p.sqEntries)
	u.sqes = unsafe.Slice((*uringSQE)(unsafe.Pointer(&u.sqMem[0])), p.sqEntries)
	u.cqHead, u.cqTail = word(p.cqOff.head), word(p.cqOff.tail)
	u.cqMask = *word(p.cqOff.ringMask)
	u.cqes = unsafe.Slice((*uringCQE)(unsafe.Pointer(&u.ringMem[p.cqOff.droppedOrCQEs])), p.cqEntries)
	// Registering is an optimisation: without it, plain descriptors.
	files := [1]int32{int32(sock)}
	if _, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, fd, uringRegisterFiles, uintptr(unsafe.Pointer(&files[0])), 1, 0, 0); errno == 0 {
		u.sockFD, u.sqeFlags = 0, uringSQEFixedFile
	}
	return u, nil
}

func (u *uring) close() {
	if u.sqMem != nil {
		unix.Munmap(u.sqMem)
	}
	if u.ringMem != nil {
		unix.Munmap(u.ringMem)
	}
	unix.Close(u.fd)
}

// sendRecv sends send's message to its address (a sendto, or a sendmsg
// when u.sendmsg) then runs recvmsg(recv) on the socket, both with
// MSG_DONTWAIT, in one io_uring_enter; with recv nil, a recv into buf (no
// source address, no control messages: what a raw IPv4 socket needs, for
// less work). Each result is what the system call would return, a
// negative errno on failure.
func (u *uring) sendRecv(send, recv *unix.Msghdr, buf []byte) (sent, received int32, err error) {
	tail := *u.sqTail // this goroutine is the only producer
	i, j := tail&u.sqMask, (tail+1)&u.sqMask
	if u.sendmsg {
		u.sqes[i] = uringSQE{opcode: uringOpSendmsg, flags: u.sqeFlags, fd: u.sockFD, addr: uint64(uintptr(unsafe.Pointer(send))),
			len: 1, msgFlags: unix.MSG_DONTWAIT}
	} else { // addr2 (off) and addr_len (fileIndex's low half) name the destination
		u.sqes[i] = uringSQE{opcode: uringOpSend, flags: u.sqeFlags, fd: u.sockFD, addr: uint64(uintptr(unsafe.Pointer(send.Iov.Base))),
			len: uint32(send.Iov.Len), msgFlags: unix.MSG_DONTWAIT, off: uint64(uintptr(unsafe.Pointer(send.Name))), fileIndex: int32(send.Namelen)}
	}
	if recv != nil {
		u.sqes[j] = uringSQE{opcode: uringOpRecvmsg, flags: u.sqeFlags, fd: u.sockFD, addr: uint64(uintptr(unsafe.Pointer(recv))),
			len: 1, msgFlags: unix.MSG_DONTWAIT, userData: 1}
	} else {
		u.sqes[j] = uringSQE{opcode: uringOpRecv, flags: u.sqeFlags, fd: u.sockFD, addr: uint64(uintptr(unsafe.Pointer(unsafe.SliceData(buf)))),
			len: uint32(len(buf)), msgFlags: unix.MSG_DONTWAIT, userData: 1}
	}
	u.sqArray[i], u.sqArray[j] = i, j
	atomic.StoreUint32(u.sqTail, tail+2)
	n, _, errno := unix.RawSyscall6(unix.SYS_IO_URING_ENTER, uintptr(u.fd), 2, 0, 0, 0, 0)
	if errno != 0 || n != 2 {
		return 0, 0, errnoOr(errno, errNoURing)
	}
	// Both complete within the call (MSG_DONTWAIT); should a kernel hand
	// them to a worker instead, wait for them (they cannot block).
	got := 0
	for got < 2 {
		head, end := *u.cqHead, atomic.LoadUint32(u.cqTail)
		if head == end {
			if _, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(u.fd), 0, uintptr(2-got), uringEnterGetEvts, 0, 0); errno != 0 && errno != unix.EINTR {
				return 0, 0, errno
			}
			continue
		}
		for ; head != end; head++ {
			c := u.cqes[head&u.cqMask]
			if c.userData == 0 {
				sent = c.res
			} else {
				received = c.res
			}
			got++
		}
		atomic.StoreUint32(u.cqHead, head)
	}
	return sent, received, nil
}

func errnoOr(errno syscall.Errno, err error) error {
	if errno != 0 {
		return errno
	}
	return err
}
