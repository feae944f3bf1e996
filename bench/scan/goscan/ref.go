package main

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// refScan is the yardstick for socklab's scanner: the plainest fast TCP
// connect scanner in Go. N goroutines (default 256) each take the next port
// and make a blocking socket/connect/close with raw syscalls; a connect
// interrupted by a signal (EINTR: Go's preemption) is retried, and a
// "successful" connect whose local address equals the remote one (TCP
// self-connect on loopback, in the ephemeral range) is closed and probed
// again. It has no timeouts beyond SO_SNDTIMEO, no banner, no UDP, no scope
// check: it scans IPv4 loopback only.
func refScan(t target, timeout time.Duration) (result, error) {
	ip, err := netip.ParseAddr(t.host)
	if err != nil || !ip.Is4() || !ip.IsLoopback() {
		return result{}, errors.New("ref: -host must be an IPv4 loopback address")
	}
	lo, hi, err := parseRange(t.ports)
	if err != nil {
		return result{}, err
	}
	goroutines := t.conc
	if goroutines == 0 {
		goroutines = 256
	}
	tv := unix.NsecToTimeval(timeout.Nanoseconds())

	var next atomic.Int64
	next.Store(int64(lo))
	var mu sync.Mutex
	var open []int
	var wg sync.WaitGroup
	start := time.Now()
	for range goroutines {
		wg.Go(func() {
			sa := &unix.SockaddrInet4{Addr: ip.As4()}
			for {
				p := int(next.Add(1) - 1)
				if p > hi {
					return
				}
				sa.Port = p
				if probe(sa, &tv) {
					mu.Lock()
					open = append(open, p)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return result{open: open, ports: hi - lo + 1, elapsed: time.Since(start)}, nil
}

// probe reports whether port sa.Port accepts a connection.
func probe(sa *unix.SockaddrInet4, tv *unix.Timeval) bool {
	for {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil { // EMFILE and friends: wait and try again
			time.Sleep(time.Millisecond)
			continue
		}
		unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_SNDTIMEO, tv)
		for {
			err = unix.Connect(fd, sa)
			if err != unix.EINTR {
				break
			}
		}
		if err == unix.EISCONN {
			err = nil
		}
		if err == nil {
			if local, e := unix.Getsockname(fd); e == nil {
				if l, ok := local.(*unix.SockaddrInet4); ok && l.Port == sa.Port && l.Addr == sa.Addr {
					unix.Close(fd) // self-connect: not open; probe again
					continue
				}
			}
		}
		unix.Close(fd)
		return err == nil
	}
}

func parseRange(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("bad port range %q", s)
	}
	return lo, hi, nil
}
