package ping

import (
	"context"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"socklab/internal/nstest"
)

// Every test here runs in namespaces it makes: a client c joined by veth to
// a router r, which joins a server s (and, for traceroute, a second router).
//
//	c (10.1.0.1, fd01::1) — r (10.1.0.254 | 10.2.0.254) — s (10.2.0.1, fd02::1)
//	c also has a direct neighbour n (10.8.0.2) on veth c1/n0.
func chain(t *testing.T) (*nstest.Lab, string) {
	t.Helper()
	nstest.Need(t, "iputils-ping", "ping")
	nstest.Need(t, "iptables", "iptables")
	lab := nstest.New(t)
	c, r, s, n := lab.Add("c"), lab.Add("r"), lab.Add("s"), lab.Add("n")
	lab.Link(c, "c0", r, "r0")
	lab.Link(r, "r1", s, "s0")
	lab.Link(c, "c1", n, "n0")
	lab.Sh(c, "ip addr add 10.1.0.1/24 dev c0; ip addr add fd01::1/64 dev c0 nodad; ip route add default via 10.1.0.254; ip -6 route add default via fd01::fe; ip addr add 10.8.0.1/24 dev c1")
	lab.Sh(r, "ip addr add 10.1.0.254/24 dev r0; ip addr add 10.2.0.254/24 dev r1; ip addr add fd01::fe/64 dev r0 nodad; ip addr add fd02::fe/64 dev r1 nodad; sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0")
	lab.Sh(s, "ip addr add 10.2.0.1/24 dev s0; ip addr add fd02::1/64 dev s0 nodad; ip route add default via 10.2.0.254; ip -6 route add default via fd02::fe")
	lab.Sh(n, "ip addr add 10.8.0.2/24 dev n0")
	lab.Sh(n, "ip addr add 10.8.0.3/24 dev n0; ip addr add 10.8.0.4/24 dev n0; iptables -A INPUT -d 10.8.0.3 -p icmp -j DROP; iptables -A INPUT -d 10.8.0.4 -p icmp -j REJECT")
	return lab, c
}

var (
	timeField = regexp.MustCompile(`time[= ][0-9.]+ ?ms`)
	rttLine   = regexp.MustCompile(`rtt min/avg/max/mdev = [0-9./]+ ms.*`)
)

// shape normalises a transcript for comparison: times and the rtt line's
// figures, and iputils' flood extras.
func shape(s string) string {
	s = timeField.ReplaceAllString(s, "time=T")
	s = rttLine.ReplaceAllString(s, "rtt min/avg/max/mdev = R")
	return strings.TrimSpace(s)
}

// screen is what a terminal shows of text written with backspaces, as
// ping -f writes its marks: each line's characters overwritten in place,
// trailing blanks dropped.
func screen(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		var row []byte
		at := 0
		for j := 0; j < len(l); j++ {
			switch c := l[j]; c {
			case '\b':
				at = max(at-1, 0)
			default:
				if at < len(row) {
					row[at] = c
				} else {
					row = append(row, c)
				}
				at++
			}
		}
		lines[i] = strings.TrimRight(string(row), " ")
	}
	return strings.Join(lines, "\n")
}

func iputils(t *testing.T, args ...string) string {
	t.Helper()
	out, _ := exec.Command("ping", args...).CombinedOutput() // exits 1 on loss: the text is what counts
	return string(out)
}

func ours(t *testing.T, host string, o Options) *Result {
	t.Helper()
	addr, err := Resolve(context.Background(), host, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Ping(context.Background(), host, addr, o)
	if err != nil {
		t.Fatalf("Ping(%s): %v", host, err)
	}
	return r
}

func TestPingMatchesIputils(t *testing.T) {
	t.Parallel() // each test has namespaces of its own
	if !nstest.IsChild(t) {
		lab, c := chain(t)
		lab.RunTest(c, nil)
		return
	}
	cases := []struct {
		host string
		o    Options
		args []string
	}{
		{"127.0.0.1", Options{Count: 3, Interval: 200 * time.Millisecond}, []string{"-c", "3", "-i", "0.2"}},
		{"::1", Options{Count: 2, Interval: 200 * time.Millisecond}, []string{"-c", "2", "-i", "0.2"}},
		{"localhost", Options{Count: 2, Interval: 200 * time.Millisecond, Size: 100}, []string{"-c", "2", "-i", "0.2", "-s", "100"}},
		{"127.0.0.1", Options{Count: 2, Interval: 200 * time.Millisecond, Size: 0, Sized: true}, []string{"-c", "2", "-i", "0.2", "-s", "0"}},
		{"10.8.0.2", Options{Count: 3, Interval: 200 * time.Millisecond}, []string{"-c", "3", "-i", "0.2"}},
		{"10.2.0.1", Options{Count: 2, Interval: 200 * time.Millisecond, TTL: 5}, []string{"-c", "2", "-i", "0.2", "-t", "5"}},
		{"fd02::1", Options{Count: 2, Interval: 200 * time.Millisecond}, []string{"-c", "2", "-i", "0.2"}},
		// REJECT: the neighbour answers with port unreachable.
		{"10.8.0.4", Options{Count: 2, Interval: 200 * time.Millisecond}, []string{"-c", "2", "-i", "0.2"}},
		// TTL exceeded at the router.
		{"10.2.0.1", Options{Count: 2, Interval: 200 * time.Millisecond, TTL: 1}, []string{"-c", "2", "-i", "0.2", "-t", "1"}},
		{"fd02::1", Options{Count: 2, Interval: 200 * time.Millisecond, TTL: 1}, []string{"-c", "2", "-i", "0.2", "-t", "1"}},
		// Floods print marks, not lines: nothing is left on the screen for
		// echoes answered (a dot for each lost one, an E for each error).
		{"127.0.0.1", Options{Count: 500}, []string{"-f", "-c", "500"}},
		{"::1", Options{Count: 50}, []string{"-f", "-c", "50"}},
	}
	for _, c := range cases {
		args := append(c.args, c.host)
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			// A flood counts lost echoes: floods run alone, first. The
			// other cases wait out their intervals side by side (replies
			// and errors are matched by the echo identifier).
			if c.o.Count < 100 {
				t.Parallel()
			}
			r := ours(t, c.host, c.o)
			want := shape(screen(iputils(t, args...)))
			if got := shape(r.String()); got != want {
				t.Errorf("ping %v %s:\n--- socklab\n%s\n--- iputils\n%s", c.args, c.host, got, want)
			}
			if c.host == "10.8.0.4" && !r.Flood && !strings.Contains(r.String(), "From 10.8.0.4 icmp_seq=1 Destination Port Unreachable") ||
				c.o.TTL == 1 && c.host == "10.2.0.1" && !strings.Contains(r.String(), "From 10.1.0.254 icmp_seq=1 Time to live exceeded") ||
				c.o.TTL == 1 && c.host == "fd02::1" && !strings.Contains(r.String(), "From fd01::fe icmp_seq=1 Time exceeded: Hop limit") {
				t.Errorf("ping %s: the ICMP error is missing:\n%s", c.host, r)
			}
			if r.Method != MethodRaw {
				t.Errorf("as root the method is %q, want raw", r.Method)
			}
		})
	}
}

func TestPingDropHonoursDeadline(t *testing.T) {
	t.Parallel()
	if !nstest.IsChild(t) {
		lab, c := chain(t)
		lab.RunTest(c, nil)
		return
	}
	// No count: only the deadline ends it. 1 s at 0.2 s intervals sends at
	// most 6 echoes, whatever the machine's load.
	r := ours(t, "10.8.0.3", Options{Interval: 200 * time.Millisecond, Deadline: time.Second})
	if r.Received != 0 || r.Transmitted < 1 || r.Transmitted > 6 || r.Loss() != 100 {
		t.Errorf("DROP: %d sent, %d received, loss %v", r.Transmitted, r.Received, r.Loss())
	}
	if r.Elapsed < time.Second {
		t.Errorf("returned after %v, before the deadline", r.Elapsed)
	}
	want := regexp.MustCompile(`(?s)^PING 10.8.0.3 \(10.8.0.3\) 56\(84\) bytes of data.\n\n--- 10.8.0.3 ping statistics ---\n\d packets transmitted, 0 received, 100% packet loss, time \d+ms\n$`)
	if !want.MatchString(r.String()) {
		t.Errorf("transcript:\n%s", r)
	}
	// A count with lost replies ends after the timeout.
	r = ours(t, "10.8.0.3", Options{Count: 2, Interval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond})
	if r.Transmitted != 2 || r.Received != 0 {
		t.Errorf("count 2 with timeout: %d sent, %d received", r.Transmitted, r.Received)
	}
	// Cancelling (Ctrl-C) returns what was gathered.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	r, err := Ping(ctx, "10.8.0.2", netip.MustParseAddr("10.8.0.2"), Options{Count: 1000, Interval: 100 * time.Millisecond})
	if err != nil || !r.Interrupted || r.Transmitted >= 1000 || !strings.Contains(r.Summary(), "packets transmitted") {
		t.Errorf("cancelled ping: %v, %+v", err, r)
	}
}

// TestPingFallbackUnprivileged runs as nobody (setpriv) with
// ping_group_range closed (TCP connect) and open (ICMP datagram socket).
func TestPingFallbackUnprivileged(t *testing.T) {
	t.Parallel()
	if nstest.IsChild(t) {
		want := os.Getenv("SOCKLAB_WANT_METHOD")
		r := ours(t, "127.0.0.1", Options{Count: 2, Interval: 100 * time.Millisecond})
		if r.Method != want || r.Received != 2 {
			t.Fatalf("as uid %d: method %q, %d received, want %q; skipped %v\n%s", os.Getuid(), r.Method, r.Received, want, r.Skipped, r)
		}
		if want == MethodTCP && len(r.Skipped) != 2 {
			t.Errorf("skipped = %q, want the raw and dgram reasons", r.Skipped)
		}
		if _, err := Ping(context.Background(), "127.0.0.1", netip.MustParseAddr("127.0.0.1"), Options{Count: 1, Method: MethodRaw}); err == nil {
			t.Error("a raw socket opened as nobody")
		}
		t.Log(r)
		return
	}
	nstest.Need(t, "util-linux", "setpriv")
	lab := nstest.New(t)
	ns := lab.Add("u")
	// The test binary lives in a 0700 build directory: give nobody a copy.
	dir, err := os.MkdirTemp("", "socklab-ping")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "ping.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	wrap := []string{"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"}
	for _, c := range []struct{ rng, method string }{{"1 0", MethodTCP}, {"0 2147483647", MethodDgram}} {
		lab.Sh(ns, "sysctl -qw net.ipv4.ping_group_range='"+c.rng+"'")
		lab.RunTestBinary(ns, bin, wrap, "SOCKLAB_WANT_METHOD="+c.method, "HOME=/")
	}
}

// TestFloodMarks: a live flood sends ping -f's marks, a dot per echo and
// an erasing backspace per reply, and no reply lines.
func TestFloodMarks(t *testing.T) {
	if os.Getuid() != 0 {
		nstest.SkipOrFail(t, "needs root for a raw ICMP socket")
	}
	var lines, marks []string
	r := ours(t, "127.0.0.1", Options{Count: 20, OnLine: func(l string) { lines = append(lines, l) }, OnMark: func(m string) { marks = append(marks, m) }})
	if r.Received != 20 || len(lines) != 1 || !strings.HasPrefix(lines[0], "PING 127.0.0.1") {
		t.Fatalf("received %d, lines %q", r.Received, lines)
	}
	if got := screen(strings.Join(marks, "")); got != "" || len(marks) != 40 {
		t.Errorf("marks %q leave %q on the screen", marks, got)
	}
}
