// Package socktest holds the helpers that the network engines' tests and
// their Lua faces' tests share: loopback servers (an echo server, and the
// accept and datagram loops behind any fake peer), a port that stays
// refused while the test runs, counts of the process's descriptors and
// threads, a buffer that goroutines may write to at once, and polling for
// a condition with a generous deadline (tests wait for events, never for
// fixed times). It imports neither the engines nor Lua, so that all may
// use it.
package socktest

import (
	"bytes"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Deadline is how long Eventually and WaitFds wait: generous, for a
// loaded 2-core CI machine.
const Deadline = 30 * time.Second

// EchoServer serves TCP echo on 127.0.0.1 until the test ends and returns
// its port.
func EchoServer(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ServeConns(tb, l, func(c net.Conn) { io.Copy(c, c) })
	return l.Addr().(*net.TCPAddr).Port
}

// ServeConns accepts connections on l until the test ends, each handled by
// handle on its own goroutine and closed when handle returns. l is closed
// when the test ends.
func ServeConns(tb testing.TB, l net.Listener, handle func(net.Conn)) {
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
}

// ServePackets hands every datagram that arrives on pc to handle, one at a
// time, until the test ends (pc is closed then). The packet is only valid
// during the call.
func ServePackets(tb testing.TB, pc net.PacketConn, handle func(p []byte, from net.Addr)) {
	tb.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			handle(buf[:n], from)
		}
	}()
}

// RefusedPort returns a port of 127.0.0.1 where a TCP connect is refused
// (network "tcp") or a UDP datagram draws ICMP port unreachable ("udp"),
// for as long as the test runs. Closing a socket to get a "free" port is
// not enough while other packages' tests run at once: the kernel may hand
// the port to one of their sockets. Here the port stays held: for TCP by a
// socket that is bound but never listens, for UDP by a socket connected to
// itself, which takes no datagram from anyone else.
func RefusedPort(tb testing.TB, network string) int {
	tb.Helper()
	typ := syscall.SOCK_STREAM
	if network == "udp" {
		typ = syscall.SOCK_DGRAM
	}
	fd, err := syscall.Socket(syscall.AF_INET, typ|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		tb.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		tb.Fatal(err)
	}
	if typ == syscall.SOCK_DGRAM {
		if err := syscall.Connect(fd, sa); err != nil {
			tb.Fatal(err)
		}
	}
	return sa.(*syscall.SockaddrInet4).Port
}

// Eventually polls cond until it holds, failing the test after Deadline.
func Eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(Deadline); !cond(); {
		if time.Now().After(deadline) {
			tb.Fatalf("after %v: %s", Deadline, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// FdCount is how many descriptors the process has open.
func FdCount() int {
	ents, _ := os.ReadDir("/proc/self/fd")
	return len(ents)
}

// WaitFds waits until the process has at most fds descriptors open: the
// sockets of ended tasks close as those tasks finish.
func WaitFds(tb testing.TB, fds int) {
	tb.Helper()
	Eventually(tb, "descriptors back to "+strconv.Itoa(fds)+" (now "+strconv.Itoa(FdCount())+")", func() bool { return FdCount() <= fds })
}

// ThreadCount is how many OS threads the process has, -1 if unknown.
func ThreadCount() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}

// Buffer is a bytes.Buffer that goroutines may write to at once: what a
// copying loop or a runtime's tasks print, read by the test meanwhile.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Reset empties the buffer.
func (s *Buffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}
