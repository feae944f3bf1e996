package scan

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// fakeOps is a scripted syscall layer: no packet leaves the test.
type fakeOps struct {
	mu       sync.Mutex
	sockets  atomic.Int64
	open     atomic.Int64 // sockets not yet closed
	socketFn func(n int64) error
	connects [][]error // per socket: errors returned by successive connects (nil = connected)
	local    unix.Sockaddr
	reads    func() (int, error)
}

func (f *fakeOps) ops() *sysOps {
	ops := &sysOps{
		socket: func(_, _, _ int) (int, error) {
			n := f.sockets.Add(1)
			if f.socketFn != nil {
				if err := f.socketFn(n); err != nil {
					return -1, err
				}
			}
			f.open.Add(1)
			return int(1000 + n), nil
		},
		connect: func(fd int, _ unix.Sockaddr) error {
			f.mu.Lock()
			if len(f.connects) == 0 {
				f.mu.Unlock()
				return unix.ECONNREFUSED
			}
			seq := f.connects[0]
			err := seq[0]
			if len(seq) == 1 {
				f.connects = f.connects[1:]
			} else {
				f.connects[0] = seq[1:]
			}
			f.mu.Unlock()
			if err == unix.EINTR {
				time.Sleep(50 * time.Microsecond) // a real EINTR takes a signal
			}
			return err
		},
		close:       func(int) error { f.open.Add(-1); return nil },
		getpeername: func(int) (unix.Sockaddr, error) { return nil, unix.ENOTCONN },
		getsockname: func(int) (unix.Sockaddr, error) {
			if f.local != nil {
				return f.local, nil
			}
			return &unix.SockaddrInet4{Port: 40000, Addr: [4]byte{127, 0, 0, 1}}, nil
		},
		setTimeout: func(int, int, time.Duration) error { return nil },
		read: func(int, []byte) (int, error) {
			if f.reads != nil {
				return f.reads()
			}
			time.Sleep(time.Millisecond)
			return -1, unix.EAGAIN
		},
		write:      func(_ int, p []byte) (int, error) { return len(p), nil },
		poll:       func([]unix.PollFd, int) (int, error) { return 0, nil },
		getsockerr: func(int) (int, error) { return 0, nil },
		linger0:    func(int) {},
	}
	ops.pollable = func(fd int) (pollConn, error) { return &spinConn{ops: ops, raw: fd}, nil }
	return ops
}

func fakeScan(t *testing.T, f *fakeOps, port int, opts Options) (State, error) {
	t.Helper()
	opts.ops = f.ops()
	opts.Concurrency = 1
	rep, err := Scan(context.Background(), loopback4, []int{port}, opts)
	if f.open.Load() != 0 {
		t.Errorf("%d fake sockets left open", f.open.Load())
	}
	if err != nil {
		return "", err
	}
	if len(rep.Results) != 1 {
		t.Fatalf("%d results", len(rep.Results))
	}
	return rep.Results[0].State, nil
}

// TestConnectEINTR: a blocking connect interrupted by a signal is retried,
// and what the retry says (EALREADY, EINPROGRESS, EISCONN, success, refusal)
// is understood.
func TestConnectEINTR(t *testing.T) {
	t.Parallel()
	cases := []struct {
		seq  []error
		want State
	}{
		{[]error{unix.EINTR, nil}, Open},
		{[]error{unix.EINTR, unix.EALREADY, unix.EINTR, unix.EISCONN}, Open},
		{[]error{unix.EINTR, unix.EINTR, unix.ECONNREFUSED}, Closed},
		{[]error{unix.EINPROGRESS, unix.EALREADY, unix.ECONNREFUSED}, Closed},
		{[]error{unix.EINTR, unix.EHOSTUNREACH}, Filtered},
		{[]error{unix.EINTR, unix.ETIMEDOUT}, Filtered},
	}
	for _, c := range cases {
		f := &fakeOps{connects: [][]error{c.seq}}
		// Each sequence ends in a verdict at once; the timeout only
		// bounds the whole exchange and must not decide it: a loaded
		// machine can delay the poller's next connect past the adaptive
		// default (500 ms), which would make an open port filtered.
		got, err := fakeScan(t, f, 80, Options{Retries: -1, Timeout: time.Minute})
		if err != nil || got != c.want {
			t.Errorf("connect %v: %q, %v; want %q", c.seq, got, err, c.want)
		}
	}
	// EINTR/EALREADY forever: filtered once the timeout has passed.
	f := &fakeOps{}
	f.connects = [][]error{make([]error, 1e6)}
	for i := range f.connects[0] {
		f.connects[0][i] = unix.EINTR
	}
	start := time.Now()
	got, err := fakeScan(t, f, 80, Options{Timeout: 100 * time.Millisecond, Retries: -1})
	if el := time.Since(start); err != nil || got != Filtered || el < 100*time.Millisecond {
		t.Errorf("endless EINTR: %q, %v after %v; want filtered after 100ms", got, err, el)
	}
}

// TestResourceErrorsRetried: EMFILE, ENFILE, ENOBUFS and EADDRNOTAVAIL are
// waited out, never reported as a port state.
func TestResourceErrorsRetried(t *testing.T) {
	t.Parallel()
	errs := []error{unix.EMFILE, unix.ENFILE, unix.ENOBUFS, unix.EMFILE}
	f := &fakeOps{socketFn: func(n int64) error {
		if int(n) <= len(errs) {
			return errs[n-1]
		}
		return nil
	}}
	if got, err := fakeScan(t, f, 80, Options{}); err != nil || got != Closed {
		t.Errorf("after EMFILE etc.: %q, %v; want closed", got, err)
	}
	f = &fakeOps{connects: [][]error{{unix.EADDRNOTAVAIL}, {unix.EAGAIN}, {nil}}}
	if got, err := fakeScan(t, f, 80, Options{}); err != nil || got != Open {
		t.Errorf("after EADDRNOTAVAIL: %q, %v; want open", got, err)
	}

	// A shortage that never ends fails the scan with a clear error.
	f = &fakeOps{socketFn: func(int64) error { return unix.EMFILE }}
	_, err := fakeScan(t, f, 80, Options{giveUp: 200 * time.Millisecond})
	if err == nil || !errors.Is(err, unix.EMFILE) || !strings.Contains(err.Error(), "no resources") {
		t.Errorf("endless EMFILE: %v", err)
	}
	// An unexpected errno is an error, not a state.
	f = &fakeOps{connects: [][]error{{unix.EAFNOSUPPORT}}}
	if _, err := fakeScan(t, f, 80, Options{}); !errors.Is(err, unix.EAFNOSUPPORT) {
		t.Errorf("EAFNOSUPPORT: %v", err)
	}
}

// TestSelfConnectDetected makes a real TCP self-connect on 127.0.0.1 (a
// socket bound to port P connecting to P: simultaneous open with itself)
// and checks the detector; and checks that the engine re-probes one.
func TestSelfConnectDetected(t *testing.T) {
	t.Parallel()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	// Bind to a port number that was free a moment ago; another process
	// of this busy machine may take it meanwhile: pick another then.
	var sa *unix.SockaddrInet4
	for try := 0; ; try++ {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		sa = &unix.SockaddrInet4{Port: ln.Addr().(*net.TCPAddr).Port, Addr: [4]byte{127, 0, 0, 1}}
		ln.Close()
		err = unix.Bind(fd, sa)
		if err == nil {
			break
		}
		if err != unix.EADDRINUSE || try == 100 {
			t.Fatal(err)
		}
	}
	for {
		err = unix.Connect(fd, sa)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		t.Fatalf("self-connect did not happen: %v", err)
	}
	if !isSelfConnect(&realOps, fd, sa) {
		t.Fatal("self-connect not detected")
	}

	// A genuine connection is not one.
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	fd2, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	defer unix.Close(fd2)
	sa2 := &unix.SockaddrInet4{Port: ln.Addr().(*net.TCPAddr).Port, Addr: [4]byte{127, 0, 0, 1}}
	if err := unix.Connect(fd2, sa2); err != nil {
		t.Fatal(err)
	}
	if isSelfConnect(&realOps, fd2, sa2) {
		t.Fatal("a real connection taken for a self-connect")
	}

	// The engine re-probes a self-connect: here the fake connects itself
	// twice, then the port refuses: closed, never open.
	f := &fakeOps{
		connects: [][]error{{nil}, {nil}, {unix.ECONNREFUSED}},
		local:    &unix.SockaddrInet4{Port: 45000, Addr: [4]byte{127, 0, 0, 1}},
	}
	if got, err := fakeScan(t, f, 45000, Options{}); err != nil || got != Closed {
		t.Errorf("self-connects then refused: %q, %v; want closed", got, err)
	}
	if f.sockets.Load() != 3 {
		t.Errorf("%d probes, want 3", f.sockets.Load())
	}
	// Always self-connecting: closed after maxSelfConnects tries.
	f = &fakeOps{local: &unix.SockaddrInet4{Port: 45000, Addr: [4]byte{127, 0, 0, 1}}}
	f.connects = make([][]error, 100)
	for i := range f.connects {
		f.connects[i] = []error{nil}
	}
	if got, err := fakeScan(t, f, 45000, Options{}); err != nil || got != Closed {
		t.Errorf("always self-connecting: %q, %v; want closed", got, err)
	}
}

// TestEphemeralOpenConfirmed: an open loopback port in the ephemeral range
// takes a second connect before it is reported open.
func TestEphemeralOpenConfirmed(t *testing.T) {
	t.Parallel()
	f := &fakeOps{connects: [][]error{{nil}, {unix.ECONNREFUSED}}}
	if got, err := fakeScan(t, f, 45000, Options{}); err != nil || got != Closed {
		t.Errorf("open then refused: %q, %v; want closed", got, err)
	}
	f = &fakeOps{connects: [][]error{{nil}, {nil}}}
	if got, err := fakeScan(t, f, 45000, Options{}); err != nil || got != Open {
		t.Errorf("open twice: %q, %v; want open", got, err)
	}
	f = &fakeOps{connects: [][]error{{nil}, {unix.ECONNREFUSED}}}
	if got, err := fakeScan(t, f, 8080, Options{}); err != nil || got != Open {
		t.Errorf("port 8080 (not ephemeral): %q, %v; want open without a second probe", got, err)
	}
}

// TestUDPSilenceNeverOpen: a UDP port that never answers is open|filtered,
// with every retry spent; a reply makes it open; ICMP unreachable closed.
func TestUDPSilenceNeverOpen(t *testing.T) {
	t.Parallel()
	f := &fakeOps{connects: [][]error{{nil}}}
	start := time.Now()
	got, err := fakeScan(t, f, 5353, Options{UDP: true, Timeout: 60 * time.Millisecond, Retries: 2})
	if err != nil || got != OpenFiltered {
		t.Errorf("silence: %q, %v; want open|filtered", got, err)
	}
	if el := time.Since(start); el < 180*time.Millisecond {
		t.Errorf("3 tries of 60ms took only %v", el)
	}
	f = &fakeOps{connects: [][]error{{nil}}, reads: func() (int, error) { return -1, unix.ECONNREFUSED }}
	if got, err := fakeScan(t, f, 5353, Options{UDP: true}); err != nil || got != Closed {
		t.Errorf("refused: %q, %v", got, err)
	}
	f = &fakeOps{connects: [][]error{{nil}}, reads: func() (int, error) { return 0, nil }} // even an empty reply is a reply
	if got, err := fakeScan(t, f, 5353, Options{UDP: true}); err != nil || got != Open {
		t.Errorf("reply: %q, %v", got, err)
	}
}

// TestScopeBeforeAnyPacket: Scan refuses a public address without creating
// a single socket.
func TestScopeBeforeAnyPacket(t *testing.T) {
	t.Parallel()
	f := &fakeOps{socketFn: func(int64) error {
		t.Error("a socket was created for an out-of-scope target")
		return unix.EPERM
	}}
	for _, a := range []string{"203.0.113.8", "2001:db8::8888", "::ffff:203.0.113.8"} {
		targets := []Target{loopback4[0], {Host: a, IP: netip.MustParseAddr(a)}}
		rep, err := Scan(context.Background(), targets, []int{53}, Options{ops: f.ops()})
		var se *ScopeError
		if !errors.As(err, &se) || rep != nil || !strings.Contains(err.Error(), PermissionWarning) {
			t.Errorf("%s: %v, %v", a, rep, err)
		}
	}
	if f.sockets.Load() != 0 {
		t.Fatal("sockets were created")
	}
	// With permission the check is lifted (the syscalls are fakes, so still
	// nothing is sent).
	f = &fakeOps{}
	rep, err := Scan(context.Background(), []Target{{Host: "x", IP: netip.MustParseAddr("192.0.2.1")}}, []int{1},
		Options{IHavePermission: true, ops: f.ops()})
	if err != nil || len(rep.Results) != 1 {
		t.Errorf("with permission: %v %v", rep, err)
	}
}

func TestScanArgs(t *testing.T) {
	t.Parallel()
	f := &fakeOps{}
	o := Options{ops: f.ops()}
	ctx := context.Background()
	if _, err := Scan(ctx, nil, []int{1}, o); err == nil {
		t.Error("no targets accepted")
	}
	if _, err := Scan(ctx, loopback4, nil, o); err == nil {
		t.Error("no ports accepted")
	}
	if _, err := Scan(ctx, loopback4, []int{0}, o); err == nil || !strings.Contains(err.Error(), "bad port range 0") {
		t.Errorf("port 0: %v", err)
	}
	many := make([]Target, 65536)
	for i := range many {
		many[i] = Target{Host: "h", IP: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})}
	}
	if _, err := Scan(ctx, many, allPorts()[:1000], o); err == nil || !strings.Contains(err.Error(), "probes") {
		t.Errorf("too many probes: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Scan(cctx, loopback4, []int{1}, o); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: %v", err)
	}
	if f.sockets.Load() != 0 {
		t.Error("sockets created")
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"SSH-2.0-OpenSSH_9.2\r\n": "SSH-2.0-OpenSSH_9.2",
		"220 hello\r\n\r\n":       "220 hello",
		"a\x00b\xffc":             `a\x00b\xffc`,
		"line1\r\nline2\n":        `line1\r\nline2`,
		"héllo\x1b[31m":           `héllo\x1b[31m`,
		"back\\slash\t":           `back\\slash`,
		"":                        "",
		"\r\n":                    "",
	} {
		if got := printable([]byte(in)); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAutoConcurrency(t *testing.T) {
	t.Parallel()
	c := AutoConcurrency()
	var rl unix.Rlimit
	unix.Getrlimit(unix.RLIMIT_NOFILE, &rl)
	if c < 1 || c > maxAutoConcurrency || uint64(c) > rl.Cur/2 {
		t.Fatalf("AutoConcurrency = %d with RLIMIT_NOFILE %d", c, rl.Cur)
	}
}

// TestDefaultRetry: by default a port that gave no answer is probed once
// more before it is called filtered; Retries -1 turns that off.
func TestDefaultRetry(t *testing.T) {
	t.Parallel()
	f := &fakeOps{connects: [][]error{{unix.ETIMEDOUT}, {nil}}}
	if got, err := fakeScan(t, f, 80, Options{}); err != nil || got != Open {
		t.Errorf("timeout then open: %q, %v; want open", got, err)
	}
	f = &fakeOps{connects: [][]error{{unix.ETIMEDOUT}, {nil}}}
	if got, err := fakeScan(t, f, 80, Options{Retries: -1}); err != nil || got != Filtered {
		t.Errorf("timeout, no retries: %q, %v; want filtered", got, err)
	}
}

// TestLossProbes: on a host that drops nothing, silent ports are probed
// again only as loss probes (the first alwaysRetried, then one in
// lossProbeEvery), so a firewalled host costs about one probe per port;
// once a retransmission is answered (the host drops: here every first
// probe was lost and every later one is refused), each port put off is
// probed again and ends with its real state.
func TestLossProbes(t *testing.T) {
	t.Parallel()
	const n = 2000
	ports := make([]int, n)
	for i := range ports {
		ports[i] = i + 1
	}
	scan := func(f *fakeOps) *Report {
		t.Helper()
		rep, err := Scan(context.Background(), loopback4, ports, Options{ops: f.ops(), Concurrency: 1, Timeout: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if f.open.Load() != 0 {
			t.Errorf("%d fake sockets left open", f.open.Load())
		}
		return rep
	}
	silent := func(k int) [][]error {
		c := make([][]error, k)
		for i := range c {
			c[i] = []error{unix.ETIMEDOUT}
		}
		return c
	}

	rep := scan(&fakeOps{connects: silent(10 * n)})
	for _, r := range rep.Results {
		if r.State != Filtered {
			t.Fatalf("silent host: port %d %s", r.Port, r.State)
		}
	}
	if want := int64(n + alwaysRetried + (n-alwaysRetried)/lossProbeEvery + 1); rep.Probes > want {
		t.Errorf("silent host: %d probes, want at most %d", rep.Probes, want)
	}

	// One worker probes in order, a retry right after its port: ports
	// 1-256 are silent twice, 257 (a loss probe) twice, 258-264 once
	// (put off), 265 once and its loss probe is refused: the host drops.
	// Every later probe is refused.
	rep = scan(&fakeOps{connects: append(silent(2*alwaysRetried+2+7+1), []error{unix.ECONNREFUSED})})
	for _, r := range rep.Results {
		if r.State != Closed {
			t.Fatalf("lossy host: port %d %s (%s), want closed", r.Port, r.State, r.Reason)
		}
	}
	t.Logf("lossy host: %d probes for %d ports", rep.Probes, n)
}
