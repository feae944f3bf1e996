package sock

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"socklab/internal/sock/socktest"
)

// A TCP connect to itself must not look like success: whatever port the
// kernel picks, no connect to a closed port succeeds.
func TestSelfConnect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tried := 0
	for i := 0; i < 2000; i++ {
		s, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM, 0, -1, nil)
		if err != nil {
			t.Fatal(err)
		}
		// A self-connect needs source port == target port; bind to the
		// target first to force one every time.
		port := 40000 + i
		s.SetsockoptInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if err := s.Bind(loopback(port)); err != nil {
			s.Close()
			continue
		}
		tried++
		err = s.Connect(ctx, loopback(port))
		s.Close()
		if err != unix.ECONNREFUSED {
			t.Fatalf("port %d: connect gave %v", port, err)
		}
	}
	if tried == 0 {
		t.Fatal("no port could be bound")
	}
}

// A recv cancelled by its context leaves the socket usable, in both ways of
// waiting, and (poll mode) the deadline it used does not leak into the
// next call.
func TestCancelKeepsSocket(t *testing.T) {
	t.Parallel()
	for _, threads := range []int{0, 1} {
		port := socktest.EchoServer(t)
		s, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM, 0, -1, NewBudget(threads))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Connect(context.Background(), loopback(port)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 100)
		for i := 0; i < 20; i++ {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
			_, err := s.Recv(ctx, buf, 0)
			cancel()
			if err != context.DeadlineExceeded {
				t.Fatalf("budget %d: recv: %v", threads, err)
			}
			if _, err := s.Send(context.Background(), []byte("ping"), 0); err != nil {
				t.Fatal(err)
			}
			n, err := s.Recv(context.Background(), buf, 0)
			if err != nil || string(buf[:n]) != "ping" {
				t.Fatalf("budget %d: recv %q, %v", threads, buf[:n], err)
			}
		}
		if polled := s.polled.Load(); polled != (threads == 0) {
			t.Fatalf("budget %d: poll mode %v", threads, polled)
		}
	}
}

// recvResult runs Recv on s in a goroutine under ctx and returns its
// error, failing the test if it has not returned after 30 s (it would
// block for ever when the kernel timeout is missing).
func recvResult(t *testing.T, ctx context.Context, s *Socket) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := s.Recv(ctx, make([]byte, 10), 0)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		s.Close()
		t.Fatal("recv neither timed out nor was interrupted after 30 s")
		return nil
	}
}

// Issue 8 §2.1: an accepted socket whose connection was set up before the
// listener's first blocking accept has no kernel timeout, whatever the
// listener has; the engine must not assume it inherited one. Its timeout
// applies and a cancelled recv returns; the same for AF_UNIX, which never
// inherits, and for a timeout equal to the listener's.
func TestAcceptedSocketTimeout(t *testing.T) {
	t.Parallel()
	listen := func(t *testing.T, family int) (*Socket, unix.Sockaddr) {
		l, err := NewSocket(family, unix.SOCK_STREAM, 0, time.Second, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		var sa unix.Sockaddr = loopback(0)
		if family == unix.AF_UNIX {
			sa = &unix.SockaddrUnix{Name: filepath.Join(t.TempDir(), "l.sock")}
		}
		if err := l.Bind(sa); err != nil {
			t.Fatal(err)
		}
		if err := l.Listen(8); err != nil {
			t.Fatal(err)
		}
		sa, _ = l.Sockname()
		return l, sa
	}
	connect := func(t *testing.T, family int, sa unix.Sockaddr) *Socket {
		c, err := NewSocket(family, unix.SOCK_STREAM, 0, -1, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if err := c.Connect(context.Background(), sa); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, family := range []int{unix.AF_INET, unix.AF_UNIX} {
		for _, timeout := range []time.Duration{50 * time.Millisecond, time.Second, -1} {
			l, sa := listen(t, family)
			connect(t, family, sa) // before the first accept
			a, _, err := l.Accept(context.Background(), timeout)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			if timeout == 50*time.Millisecond {
				if err := recvResult(t, context.Background(), a); !errors.Is(err, ErrTimeout) {
					t.Errorf("family %d, timeout %v: recv gave %v, want timed out", family, timeout, err)
				}
				continue
			}
			// timeout 1 s (the listener's) or none: cancellation must
			// interrupt the recv.
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				socktest.Eventually(t, "recv blocked", func() bool { return armed(a) })
				cancel()
			}()
			err = recvResult(t, ctx, a)
			cancel()
			if timeout > 0 && errors.Is(err, ErrTimeout) {
				continue // the timeout came first: it applied
			}
			if err != context.Canceled {
				t.Errorf("family %d, timeout %v: recv gave %v, want interrupted", family, timeout, err)
			}
		}
	}
}

func TestLingers(t *testing.T) {
	t.Parallel()
	s, peer := connectedPair(t)
	_ = peer
	if s.Lingers() {
		t.Fatal("a fresh socket lingers")
	}
	s.SetsockoptBytes(unix.SOL_SOCKET, unix.SO_LINGER, lingerBytes(1, 0))
	if s.Lingers() {
		t.Fatal("linger 0 (abortive close) counted as lingering")
	}
	s.SetsockoptBytes(unix.SOL_SOCKET, unix.SO_LINGER, lingerBytes(1, 5))
	if !s.Lingers() {
		t.Fatal("SO_LINGER 5 s not seen")
	}
	s.Close()
	if s.Lingers() {
		t.Fatal("a closed socket lingers")
	}
}

func lingerBytes(onoff, secs int32) []byte {
	l := unix.Linger{Onoff: onoff, Linger: secs}
	b := make([]byte, 8)
	*(*unix.Linger)(unsafePointer(b)) = l
	return b
}

func TestSockaddr(t *testing.T) {
	t.Parallel()
	v4 := netip.MustParseAddr("127.0.0.1")
	sa, err := SockaddrOf(unix.AF_INET, v4, 80)
	if err != nil {
		t.Fatal(err)
	}
	if a, p, ok := AddrPortOf(sa); !ok || a != v4 || p != 80 {
		t.Errorf("round trip: %v %d %v", a, p, ok)
	}
	if _, err := SockaddrOf(unix.AF_INET, netip.MustParseAddr("::1"), 80); err != ErrAddrFamily {
		t.Errorf("IPv6 for AF_INET: %v", err)
	}
	sa6, err := SockaddrOf(unix.AF_INET6, netip.MustParseAddr("fe80::1%lo"), 443)
	if err != nil {
		t.Fatal(err)
	}
	if a, p, _ := AddrPortOf(sa6); a.String() != "fe80::1%lo" || p != 443 || sa6.(*unix.SockaddrInet6).ZoneId != 1 {
		t.Errorf("zone round trip: %v %d", a, p)
	}
	if _, err := SockaddrOf(unix.AF_INET6, netip.MustParseAddr("fe80::1%no-such-interface"), 1); err != ErrUnknownZone {
		t.Errorf("unknown zone: %v", err)
	}
	if !SameAddr(sa, loopback(80)) || SameAddr(sa, loopback(81)) || SameAddr(sa, sa6) {
		t.Error("SameAddr")
	}
	for name, want := range map[string]string{"/tmp/x": "/tmp/x", "@": "", "@abs": "\x00abs"} {
		if got := UnixPath(&unix.SockaddrUnix{Name: name}); got != want {
			t.Errorf("UnixPath(%q) = %q", name, got)
		}
	}
}

func TestErrTimeout(t *testing.T) {
	t.Parallel()
	if !errors.Is(ErrTimeout, os.ErrDeadlineExceeded) || ErrTimeout.Error() != "timed out" {
		t.Fatal("ErrTimeout")
	}
	s, _ := connectedPair(t)
	s.SetTimeout(10 * time.Millisecond)
	if _, err := s.Recv(context.Background(), make([]byte, 1), 0); err != ErrTimeout {
		t.Fatalf("recv: %v", err)
	}
	s.SetTimeout(0)
	if _, err := s.Recv(context.Background(), make([]byte, 1), 0); err != unix.EAGAIN {
		t.Fatalf("non-blocking recv: %v", err)
	}
}

// The line helpers read ahead, and Recv drains what they left first.
func TestLines(t *testing.T) {
	t.Parallel()
	s, peer := connectedPair(t)
	ctx := context.Background()
	peer.Write([]byte("one\ntwo;;three12345rest"))
	line, eof, err := s.RecvUntil(ctx, []byte("\n"), false)
	if string(line) != "one\n" || eof || err != nil {
		t.Fatalf("RecvUntil: %q %v %v", line, eof, err)
	}
	if got, _, _ := s.RecvUntil(ctx, []byte(";;"), true); string(got) != "two;;" {
		t.Fatalf("RecvUntil(;;): %q", got)
	}
	if got, _, _ := s.RecvExactly(ctx, 5); string(got) != "three" {
		t.Fatalf("RecvExactly: %q", got)
	}
	buf := make([]byte, 5)
	if n, _ := s.Recv(ctx, buf, 0); string(buf[:n]) != "12345" {
		t.Fatalf("Recv after read-ahead: %q", buf[:n])
	}
	peer.Write([]byte("\nmore"))
	peer.(*net.TCPConn).CloseWrite()
	if got, eof, _ := s.RecvExactly(ctx, 100); got != nil || !eof || s.Buffered() != 9 {
		t.Fatalf("RecvExactly at end: %q %v, %d buffered", got, eof, s.Buffered())
	}
	if all, err := s.RecvAll(ctx); string(all) != "rest\nmore" || err != nil {
		t.Fatalf("RecvAll: %q %v", all, err)
	}
}

func TestBudget(t *testing.T) {
	t.Parallel()
	b := NewBudget(1)
	if !b.take() || b.take() || b.InUse() != 1 || b.Max() != 1 {
		t.Fatal("a budget of one")
	}
	b.put()
	if b.InUse() != 0 || NewBudget(-5).Max() != 0 {
		t.Fatal("budget accounting")
	}
}

func BenchmarkEngineConnectClose(b *testing.B) {
	sa := loopback(socktest.EchoServer(b))
	for b.Loop() {
		s, err := NewSocket(unix.AF_INET, unix.SOCK_STREAM, 0, -1, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Connect(b.Context(), sa); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func BenchmarkEngineEcho(b *testing.B) {
	ctx := b.Context()
	s, _ := NewSocket(unix.AF_INET, unix.SOCK_STREAM, 0, -1, nil)
	defer s.Close()
	if err := s.Connect(ctx, loopback(socktest.EchoServer(b))); err != nil {
		b.Fatal(err)
	}
	msg := make([]byte, 32)
	buf := make([]byte, 1024)
	for b.Loop() {
		s.Send(ctx, msg, 0)
		for got := 0; got < 32; {
			n, err := s.Recv(ctx, buf, 0)
			if err != nil {
				b.Fatal(err)
			}
			got += n
		}
	}
}
