package netinfo

import (
	"bytes"
	"os"
	goruntime "runtime"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// owner is the process holding a socket, as ss -p shows it.
type owner struct {
	pid, fd int
	program string
}

// socketOwners maps socket inodes to the first process (lowest pid, lowest
// fd) holding them, by reading the symlinks /proc/PID/fd/N ("socket:[INODE]")
// as ss and netstat do. Processes we may not read (another user's, without
// root) are skipped. onlyPID > 0 reads just that process.
func socketOwners(onlyPID int) map[uint32]owner {
	owners := map[uint32]owner{}
	var pids []int
	if onlyPID > 0 {
		pids = []int{onlyPID}
	} else {
		d, err := os.Open("/proc")
		if err != nil {
			return owners
		}
		names, _ := d.Readdirnames(-1)
		d.Close()
		for _, n := range names {
			if pid, err := strconv.Atoi(n); err == nil {
				pids = append(pids, pid)
			}
		}
	}
	// The walk is a readlink per descriptor of every process (10,000
	// sockets: 10,000 syscalls): split it over the CPUs.
	workers := min(goruntime.GOMAXPROCS(0), 4, max(len(pids)/8, 1))
	parts := make([]map[uint32]owner, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			m := map[uint32]owner{}
			buf := make([]byte, 64)
			for i := w; i < len(pids); i += workers {
				scanFDs(pids[i], m, buf)
			}
			parts[w] = m
		})
	}
	wg.Wait()
	for _, m := range parts {
		for inode, o := range m {
			if prev, seen := owners[inode]; seen && (prev.pid < o.pid || (prev.pid == o.pid && prev.fd < o.fd)) {
				continue
			}
			owners[inode] = o
		}
	}
	return owners
}

// scanFDs records the sockets behind /proc/PID/fd/* in owners.
func scanFDs(pid int, owners map[uint32]owner, buf []byte) {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	fds, _ := d.Readdirnames(-1)
	d.Close()
	program := ""
	for _, name := range fds {
		n, err := unix.Readlink(dir+name, buf)
		if err != nil || n < 9 || !bytes.HasPrefix(buf[:n], []byte("socket:[")) {
			continue
		}
		inode, err := strconv.ParseUint(string(buf[8:n-1]), 10, 32)
		if err != nil {
			continue
		}
		fd, _ := strconv.Atoi(name)
		if prev, seen := owners[uint32(inode)]; seen && prev.pid == pid && prev.fd < fd {
			continue
		}
		if program == "" {
			program = comm(pid)
		}
		owners[uint32(inode)] = owner{pid: pid, fd: fd, program: program}
	}
}

// comm is the process's command name (/proc/PID/comm), what ss prints.
func comm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "-"
	}
	return string(bytes.TrimRight(b, "\n"))
}
