package sock

import (
	"net"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

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
