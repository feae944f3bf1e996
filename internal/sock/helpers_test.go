package sock

import (
	"net"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// echoServer serves loopback TCP echo until the test ends and returns its
// port.
func echoServer(tb testing.TB) int {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 65536)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					c.Write(buf[:n])
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

func loopback(port int) *unix.SockaddrInet4 {
	return &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port}
}

// waitReadable waits (up to 30 s) until data is ready on s.
func waitReadable(t *testing.T, s *Socket) {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(s.Fileno()), Events: unix.POLLIN}}
	if n, err := unix.Poll(fds, 30_000); n != 1 || err != nil {
		t.Fatalf("no data after 30 s: %v", err)
	}
}

// eventually polls cond until it holds, failing after 30 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// connectedPair returns an engine socket connected over loopback to the
// net.Conn on the other end.
func connectedPair(t *testing.T) (*Socket, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM, 0, -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Connect(t.Context(), loopback(ln.Addr().(*net.TCPAddr).Port)); err != nil {
		t.Fatal(err)
	}
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	return s, peer
}

func unsafePointer(b []byte) unsafe.Pointer { return unsafe.Pointer(&b[0]) }

// armed reports whether a call on s is registered as blocked in the kernel
// (blocking mode), so that cancelling its context must interrupt it.
func armed(s *Socket) bool {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for _, wt := range s.watches {
		wt.mu.Lock()
		busy := wt.w0busy || len(wt.more) > 0
		wt.mu.Unlock()
		if busy {
			return true
		}
	}
	return false
}
