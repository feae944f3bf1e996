package netinfo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	goruntime "runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// owner is the process holding a socket, as ss -p shows it.
type owner struct {
	pid, fd int
	program string
}

// fdDirent is one process's /proc/PID/fd listing: the kernel's
// linux_dirent64 records, kept as read, and where each name starts (names
// are NUL-terminated there, so readlinkat can take them as they are).
type fdDirent struct {
	pid   int
	buf   []byte
	names []int32
}

// fdChunk is at most fdChunkLen descriptors of one process: the unit of
// work of the /proc walk.
type fdChunk struct {
	dir   *fdDirent
	names []int32
}

// fdChunkLen splits a process holding thousands of sockets (a server, a
// benchmark) over the CPUs, while keeping a chunk large enough that
// opening its directory costs nothing beside its readlinks.
const fdChunkLen = 512

// socketOwners maps socket inodes to the first process (lowest pid, lowest
// fd) holding them, by reading the symlinks /proc/PID/fd/N ("socket:[INODE]")
// as ss and netstat do. Processes we may not read (another user's, without
// root) are skipped. onlyPID > 0 reads just that process.
//
// The walk is a getdents per process and a readlink per descriptor (10,000
// sockets: 10,000 syscalls, nearly all of a listing's time), so both steps
// run on every CPU, the readlinks in chunks so that one process holding
// most descriptors is split too; and the loop allocates nothing per
// descriptor.
func socketOwners(onlyPID int) map[uint32]owner {
	pids := []int{onlyPID}
	if onlyPID <= 0 {
		pids = allPIDs()
	}
	dirs := make([]fdDirent, len(pids))
	parallel(len(pids), func(i int) { dirs[i] = readFDDir(pids[i]) })
	var chunks []fdChunk
	total := 0
	for i := range dirs {
		d := &dirs[i]
		for ns := d.names; len(ns) > 0; {
			n := min(len(ns), fdChunkLen)
			chunks = append(chunks, fdChunk{dir: d, names: ns[:n]})
			ns = ns[n:]
		}
		total += len(d.names)
	}
	type found struct {
		inode uint32
		fd    int32
	}
	results := make([][]found, len(chunks))
	parallel(len(chunks), func(i int) {
		c := chunks[i]
		// readlinkat relative to the open directory: the kernel walks one
		// path component per descriptor instead of four ("/proc/PID/fd/N").
		dir, err := unix.Open(fdDir(c.dir.pid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return
		}
		defer unix.Close(dir)
		var link [64]byte
		var out []found
		for _, at := range c.names {
			n := readlinkat(dir, &c.dir.buf[at], link[:])
			if inode, ok := socketInode(link[:max(n, 0)]); ok {
				out = append(out, found{inode, int32(atoiNUL(c.dir.buf[at:]))})
			}
		}
		results[i] = out
	})
	owners := make(map[uint32]owner, total)
	programs := map[int]string{}
	for i, c := range chunks {
		pid := c.dir.pid
		for _, f := range results[i] {
			fd := int(f.fd)
			if prev, seen := owners[f.inode]; seen && (prev.pid < pid || (prev.pid == pid && prev.fd < fd)) {
				continue
			}
			program, ok := programs[pid]
			if !ok {
				program = comm(pid)
				programs[pid] = program
			}
			owners[f.inode] = owner{pid: pid, fd: fd, program: program}
		}
	}
	return owners
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

// socketInode reads "socket:[INODE]".
func socketInode(link []byte) (uint32, bool) {
	rest, ok := bytes.CutPrefix(link, []byte("socket:["))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != ']' {
		return 0, false
	}
	inode, err := strconv.ParseUint(string(rest[:len(rest)-1]), 10, 32)
	return uint32(inode), err == nil
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

// readFDDir lists /proc/PID/fd; no names when the process is gone or not
// ours.
func readFDDir(pid int) fdDirent {
	d := fdDirent{pid: pid}
	fd, err := unix.Open(fdDir(pid), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return d
	}
	defer unix.Close(fd)
	d.buf = make([]byte, 16<<10)
	filled := 0
	for {
		if len(d.buf)-filled < 4<<10 {
			d.buf = append(d.buf, make([]byte, len(d.buf))...)
		}
		n, err := unix.Getdents(fd, d.buf[filled:])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		filled += n
	}
	d.buf = d.buf[:filled]
	d.names = direntNames(d.buf)
	return d
}

// direntNames returns where each name in a run of linux_dirent64 records
// starts, skipping "." and "..".
func direntNames(b []byte) []int32 {
	var names []int32
	for off := 0; off+19 < len(b); {
		reclen := int(binary.NativeEndian.Uint16(b[off+16:]))
		if reclen < 20 || off+reclen > len(b) {
			break
		}
		name := off + 19 // d_ino 8, d_off 8, d_reclen 2, d_type 1
		if b[name] != '.' {
			names = append(names, int32(name))
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

// parallel runs fn(0) … fn(n-1) on up to GOMAXPROCS goroutines (at most 4:
// the kernel's /proc locks gain nothing from more).
func parallel(n int, fn func(i int)) {
	workers := min(goruntime.GOMAXPROCS(0), 4, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// comm is the process's command name (/proc/PID/comm), what ss prints.
func comm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "-"
	}
	return string(bytes.TrimRight(b, "\n"))
}
