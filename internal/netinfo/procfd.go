package netinfo

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	goruntime "runtime"
	"strconv"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// owners maps socket inodes to the process holding each, as ss -p shows
// it: an index into what the /proc walk found rather than a copy of it, so
// that the map of 10,000 sockets is 8 bytes a slot.
type owners struct {
	byInode  map[uint32]int32 // index in found
	found    []fdFound
	programs map[int32]string // pid → comm
}

// owner returns the process holding the socket inode, if the walk found it.
func (o *owners) owner(inode uint32) (pid, fd int, program string, ok bool) {
	i, ok := o.byInode[inode]
	if !ok {
		return 0, -1, "", false
	}
	f := o.found[i]
	return int(f.pid), int(f.fd), o.programs[f.pid], true
}

// fdBatch is names of descriptors of one process, as getdents returned
// them (linux_dirent64 records in buf; names NUL-terminated there, so
// readlinkat takes them as they are): the unit of work of the /proc walk.
// A batch without names asks for the process to be listed (pid 0: for
// every process to be).
type fdBatch struct {
	pid   int
	buf   []byte
	names []int32
}

// fdFound is a socket descriptor the walk found.
type fdFound struct {
	inode   uint32
	pid, fd int32
}

// fdBatchLen is how many names a process's listing gathers before it hands
// them to another worker: a process holding thousands of sockets (a server,
// a benchmark) is read on every CPU while it is still being listed, and a
// batch is large enough that opening the directory again costs nothing
// beside its readlinks. A smaller process is read by the worker that lists
// it.
const fdBatchLen = 512

// direntBufLen is one getdents buffer: about 600 descriptor names.
const direntBufLen = 16 << 10

// fdWalk is the work queue of one /proc walk: processes to list and batches
// of names to read, shared by its workers. Batches are taken last in, first
// out, so that the names a listing hands over are read while they are in
// the cache.
type fdWalk struct {
	mu      sync.Mutex
	more    sync.Cond // signalled when a batch is queued or the last one is done
	queue   []fdBatch
	pending int // batches queued or being worked on
	found   []fdFound
	helpers sync.WaitGroup
}

func (w *fdWalk) push(b fdBatch) {
	w.mu.Lock()
	w.queue = append(w.queue, b)
	w.pending++
	w.mu.Unlock()
	w.more.Signal()
}

// work takes batches until every one is done.
func (w *fdWalk) work() {
	var found []fdFound
	for {
		w.mu.Lock()
		w.found = append(w.found, found...)
		found = found[:0]
		for len(w.queue) == 0 && w.pending > 0 {
			w.more.Wait()
		}
		if len(w.queue) == 0 {
			w.mu.Unlock()
			return
		}
		b := w.queue[len(w.queue)-1]
		w.queue = w.queue[:len(w.queue)-1]
		w.mu.Unlock()
		switch {
		case b.pid == 0:
			for _, pid := range allPIDs() {
				w.push(fdBatch{pid: pid})
			}
		case b.names == nil:
			found = w.list(b.pid, found)
		default:
			found = readSocketLinks(b, -1, found)
		}
		w.mu.Lock()
		w.pending--
		last := w.pending == 0
		w.mu.Unlock()
		if last {
			w.more.Broadcast()
		}
	}
}

// list reads /proc/PID/fd with getdents, handing every fdBatchLen names to
// the queue, and reads the rest itself. A process that is gone or not ours
// has no names.
func (w *fdWalk) list(pid int, found []fdFound) []fdFound {
	dir, err := unix.Open(fdDir(pid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return found
	}
	defer unix.Close(dir)
	b := fdBatch{pid: pid, buf: make([]byte, direntBufLen)}
	filled := 0
	for {
		if len(b.buf)-filled < direntBufLen/4 {
			b.buf = append(b.buf, make([]byte, len(b.buf))...)
		}
		n, errno := getdents(dir, b.buf[filled:])
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 || n <= 0 {
			break
		}
		b.names = direntNames(b.names, b.buf[filled:filled+n], filled)
		filled += n
		if len(b.names) >= fdBatchLen {
			b.buf = b.buf[:filled]
			w.push(b)
			b, filled = fdBatch{pid: pid, buf: make([]byte, direntBufLen)}, 0
		}
	}
	return readSocketLinks(b, dir, found)
}

// startFDWalk begins mapping socket inodes to the first process (lowest
// pid, lowest fd) holding them, by reading the symlinks /proc/PID/fd/N
// ("socket:[INODE]") as ss and netstat do, on helpers goroutines; finish
// completes it. Processes we may not read (another user's, without root)
// are skipped. onlyPID > 0 reads just that process.
//
// The walk is a getdents per process and a readlink per descriptor (10,000
// sockets: 10,000 system calls, nearly all of a listing's time), so it runs
// on every CPU, a large process's readlinks beginning while it is still
// being listed; and the loop allocates nothing per descriptor.
func startFDWalk(onlyPID, helpers int) *fdWalk {
	w := &fdWalk{}
	w.more.L = &w.mu
	w.push(fdBatch{pid: max(onlyPID, 0)}) // pid 0: list /proc
	for range helpers {
		w.helpers.Go(w.work)
	}
	return w
}

// fdWalkers is how many goroutines a walk wants, the caller's included: one
// per CPU, at most 4 (the kernel's /proc locks gain nothing from more). As
// many goroutines as Ps leaves the scheduler nothing to hand over while
// one of them is in a system call: with one more, every getdents and
// netlink read woke another thread, a thousand context switches a listing.
func fdWalkers() int { return min(goruntime.GOMAXPROCS(0), 4) }

// finish works on the walk with the calling goroutine until every batch is
// done, and returns what it found.
func (w *fdWalk) finish() *owners {
	w.work()
	w.helpers.Wait()
	o := &owners{byInode: make(map[uint32]int32, len(w.found)), found: w.found, programs: map[int32]string{}}
	for i, f := range w.found {
		if prev, seen := o.byInode[f.inode]; seen {
			if p := w.found[prev]; p.pid < f.pid || (p.pid == f.pid && p.fd < f.fd) {
				continue
			}
		}
		o.byInode[f.inode] = int32(i)
	}
	// The walk is not in pid order, so a pid can win an inode and lose it
	// later: read the names of the winners only, once the owners are known.
	for _, i := range o.byInode {
		pid := w.found[i].pid
		if _, ok := o.programs[pid]; !ok {
			o.programs[pid] = comm(int(pid))
		}
	}
	return o
}

// readSocketLinks reads the links of b's names and appends the sockets
// among them to found. dir is /proc/PID/fd open, or -1 to open it here:
// readlinkat relative to the open directory walks one path component per
// descriptor instead of four ("/proc/PID/fd/N").
func readSocketLinks(b fdBatch, dir int, found []fdFound) []fdFound {
	if len(b.names) == 0 {
		return found
	}
	if dir < 0 {
		var err error
		dir, err = unix.Open(fdDir(b.pid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return found
		}
		defer unix.Close(dir)
	}
	var link [64]byte
	for _, at := range b.names {
		n := readlinkat(dir, &b.buf[at], link[:])
		if inode, ok := socketInode(link[:max(n, 0)]); ok {
			found = append(found, fdFound{inode, int32(b.pid), int32(atoiNUL(b.buf[at:]))})
		}
	}
	return found
}

// getdents is getdents64(2) as a raw system call, for readlinkat's reason:
// a listing of /proc/PID/fd takes long enough that the scheduler's monitor
// took the P from a goroutine in a plain Syscall every time, and then woke
// every 20 µs for the rest of the walk (sysmon's pace after a retake).
func getdents(dir int, buf []byte) (int, unix.Errno) {
	n, _, errno := unix.RawSyscall(unix.SYS_GETDENTS64, uintptr(dir), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	return int(n), errno
}

// readlinkat is readlinkat(2) as a raw system call: it never blocks on
// anything but procfs, and a plain Syscall's hand-off to the Go scheduler
// cost more than the call itself when made 10,000 times under load.
// name must point at a NUL-terminated name. It returns -1 on error.
func readlinkat(dir int, name *byte, buf []byte) int {
	n, _, errno := unix.RawSyscall6(unix.SYS_READLINKAT, uintptr(dir), uintptr(unsafe.Pointer(name)),
		uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0, 0)
	if errno != 0 {
		return -1
	}
	return int(n)
}

// socketInode reads "socket:[INODE]" (INODE decimal digits, at most
// 2^32-1).
func socketInode(link []byte) (uint32, bool) {
	rest, ok := bytes.CutPrefix(link, []byte("socket:["))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != ']' {
		return 0, false
	}
	var inode uint64
	for _, c := range rest[:len(rest)-1] {
		if c < '0' || c > '9' {
			return 0, false
		}
		if inode = inode*10 + uint64(c-'0'); inode > math.MaxUint32 {
			return 0, false
		}
	}
	return uint32(inode), true
}

// atoiNUL reads the decimal number at the start of b, up to a NUL.
func atoiNUL(b []byte) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// direntNames appends to names where each name in a run of linux_dirent64
// records starts, skipping "." and "..": b holds the records, base is
// where b starts in the batch's buffer.
func direntNames(names []int32, b []byte, base int) []int32 {
	for off := 0; off+19 < len(b); {
		reclen := int(binary.NativeEndian.Uint16(b[off+16:]))
		if reclen < 20 || off+reclen > len(b) {
			break
		}
		name := off + 19 // d_ino 8, d_off 8, d_reclen 2, d_type 1
		if b[name] != '.' {
			names = append(names, int32(base+name))
		}
		off += reclen
	}
	return names
}

// allPIDs lists the processes in /proc.
func allPIDs() []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	pids := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

func fdDir(pid int) string { return "/proc/" + strconv.Itoa(pid) + "/fd" }

// comm is the process's command name (/proc/PID/comm), what ss prints.
func comm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "-"
	}
	return string(bytes.TrimRight(b, "\n"))
}
