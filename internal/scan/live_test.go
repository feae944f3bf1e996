package scan

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"socklab/internal/scan/scantest"
)

// ---- Tests in the machine's own namespace: only our own listeners' ports ----

// TestBanner: a listener that speaks has its banner reported (trimmed,
// printable); one that accepts and stays silent gives an empty banner after
// BannerTimeout, without hanging. Also over ::1.
func TestBanner(t *testing.T) {
	t.Parallel()
	speak := func(network, addr, msg string) int {
		ln, err := net.Listen(network, addr)
		if err != nil {
			scantest.SkipOrFail(t, "listen %s %s: %v", network, addr, err)
		}
		serveBanner(t, ln, msg)
		return ln.Addr().(*net.TCPAddr).Port
	}
	talker := speak("tcp4", "127.0.0.1:0", "SSH-2.0-socklab_test\r\n")
	binary := speak("tcp4", "127.0.0.1:0", "\x00\x01hi\xff\n")
	silent := speak("tcp4", "127.0.0.1:0", "")

	// The silent port costs the whole BannerTimeout; the others speak at once,
	// but a loaded machine may be slow to run their goroutines.
	opts := Options{Banner: true, BannerTimeout: 2 * time.Second, Service: func(int, string) string { return "x" }}
	rep, err := Scan(context.Background(), loopback4, []int{talker, binary, silent}, opts)
	if err != nil {
		t.Fatal(err)
	}
	banners := map[int]string{}
	for _, r := range rep.Results {
		if r.State != Open {
			t.Fatalf("port %d: %s", r.Port, r.State)
		}
		banners[r.Port] = r.Banner
	}
	if banners[talker] != "SSH-2.0-socklab_test" || banners[binary] != `\x00\x01hi\xff` || banners[silent] != "" {
		t.Errorf("banners %v", banners)
	}

	// BannerBytes caps what is read.
	rep, err = Scan(context.Background(), loopback4, []int{talker}, Options{Banner: true, BannerBytes: 7})
	if err != nil || rep.Results[0].Banner != "SSH-2.0" {
		t.Errorf("BannerBytes 7: %+v %v", rep, err)
	}

	// IPv6 loopback.
	v6 := speak("tcp6", "[::1]:0", "hello6\n")
	rep, err = Scan(context.Background(), []Target{{Host: "::1", IP: netip.IPv6Loopback()}}, []int{v6}, opts)
	if err != nil || rep.Results[0].State != Open || rep.Results[0].Banner != "hello6" {
		t.Errorf("::1: %+v %v", rep, err)
	}
}

// ---- Tests in a private network namespace (whole port ranges) ----

// repeats is how many full scans TestNetnsFullScan makes: under -race two
// (one in a SIGURG storm, one without), each some seconds of CPU.
func repeats() int {
	if raceEnabled {
		return 2
	}
	return 20
}

// warmUp makes the runtime open what it opens once (the netpoller's epoll
// and eventfd descriptors, made with the first timer) before a baseline.
func warmUp(t testing.TB) {
	if _, err := Scan(context.Background(), loopback4, []int{1}, Options{Rate: 1000}); err != nil {
		t.Fatal(err)
	}
}

// checkFullScans scans 1-65535 of 127.0.0.1 n times and requires exactly
// the listeners open and every other port closed, each time. With signals
// set, SIGURG is sent to the process in a storm to interrupt the blocking
// connects (EINTR).
func checkFullScans(t *testing.T, n int, opts Options, signals bool) {
	_ = checkFullScansDropped(t, n, opts, signals, 0, -1)
}

// checkFullScansDropped is checkFullScans with ports dropLo..dropHi
// firewalled (DROP): those must be filtered.
func checkFullScansDropped(t *testing.T, n int, opts Options, signals bool, dropLo, dropHi int) (last *Report) {
	l := scantest.Listen(t, 6, 0)
	defer l.Close()
	want := slices.Sorted(slices.Values(l.TCP))
	t.Logf("listeners on %v", want)
	ports := allPorts()
	warmUp(t)
	baseFD := scantest.FDCount(t)
	defer func() {
		if fd := scantest.FDCount(t); fd > baseFD {
			t.Errorf("fds: %d before the scans, %d after", baseFD, fd)
		}
	}()
	for i := range n {
		var stop chan struct{}
		var wg sync.WaitGroup
		if signals && i%2 == 0 {
			stop = make(chan struct{})
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						syscall.Kill(os.Getpid(), syscall.SIGURG)
						time.Sleep(20 * time.Microsecond)
					}
				}
			})
		}
		var lastDone, lastTotal, calls atomic.Int64
		var streamed atomic.Int64
		o := opts
		o.Progress = func(done, total int) { lastDone.Store(int64(done)); lastTotal.Store(int64(total)); calls.Add(1) }
		o.OnResult = func(Result) { streamed.Add(1) }
		rep, err := Scan(context.Background(), loopback4, ports, o)
		if stop != nil {
			close(stop)
			wg.Wait()
		}
		if err != nil {
			t.Fatalf("scan %d: %v", i, err)
		}
		if len(rep.Results) != MaxPort {
			t.Fatalf("scan %d: %d results", i, len(rep.Results))
		}
		var open []int
		for j, r := range rep.Results {
			if r.Port != j+1 || r.Proto != "tcp" || r.IP != loopback4[0].IP {
				t.Fatalf("scan %d: result %d is %+v", i, j, r)
			}
			dropped := r.Port >= dropLo && r.Port <= dropHi
			switch {
			case r.State == Open:
				open = append(open, r.Port)
			case r.State == Closed && !dropped, r.State == Filtered && dropped:
			default:
				t.Errorf("scan %d: port %d is %s", i, r.Port, r.State)
			}
		}
		if !slices.Equal(open, want) {
			t.Fatalf("scan %d: open %v, want %v", i, open, want)
		}
		if lastDone.Load() != MaxPort || lastTotal.Load() != MaxPort || streamed.Load() != MaxPort {
			t.Fatalf("scan %d: progress %d/%d, %d streamed", i, lastDone.Load(), lastTotal.Load(), streamed.Load())
		}
		t.Logf("scan %d: %v, %.0f ports/s, %d probes, %d backoffs, %d progress calls, signals %v",
			i, rep.Elapsed.Round(time.Millisecond), float64(MaxPort)/rep.Elapsed.Seconds(), rep.Probes, rep.Backoffs, calls.Load(), stop != nil)
		last = rep
	}
	return last
}

// TestNetnsFullScan: 20 full scans (2 under -race), identical results, open
// ports in and below the ephemeral range, half of them under a SIGURG storm.
func TestNetnsFullScan(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	checkFullScans(t, repeats(), Options{}, true)
}

// TestNetnsFullScanUlimit256: the same under `ulimit -n 256`, with automatic
// concurrency and with more workers than there are descriptors (EMFILE must
// be waited out, never reported).
func TestNetnsFullScanUlimit256(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{Ulimit: 256}) {
		return
	}
	var rl syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)
	if rl.Cur != 256 {
		t.Fatalf("RLIMIT_NOFILE is %d, want 256", rl.Cur)
	}
	t.Logf("auto concurrency %d", AutoConcurrency())
	checkFullScans(t, 2, Options{}, false)
	// 400 workers blocked on 600 DROPped ports want 400 descriptors at once.
	scantest.Firewall(t, []string{"-p", "tcp", "--dport", "3000:3599", "-j", "DROP"})
	rep := checkFullScansDropped(t, 1, Options{Concurrency: 400, Timeout: 500 * time.Millisecond}, false, 3000, 3599)
	if rep.Backoffs == 0 {
		t.Error("no EMFILE backoffs: the test did not run short of descriptors")
	}
}

// TestNetnsNmap: nmap -sT sees the same open ports as the engine.
func TestNetnsNmap(t *testing.T) {
	t.Parallel()
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		scantest.SkipOrFail(t, "nmap not installed")
	}
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 6, 0)
	rep, err := Scan(context.Background(), loopback4, allPorts(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ours := openPorts(rep)
	out, err := exec.Command(nmap, "-sT", "-p-", "-T5", "-n", "-Pn", "127.0.0.1", "-oG", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("nmap: %v\n%s", err, out)
	}
	var theirs []int
	for line := range strings.SplitSeq(string(out), "\n") {
		_, ports, ok := strings.Cut(line, "Ports: ")
		if !ok {
			continue
		}
		ports, _, _ = strings.Cut(ports, "\t")
		for item := range strings.SplitSeq(ports, ",") {
			f := strings.Split(strings.TrimSpace(item), "/")
			if len(f) > 2 && f[1] == "open" {
				p, _ := strconv.Atoi(f[0])
				theirs = append(theirs, p)
			}
		}
	}
	slices.Sort(theirs)
	want := slices.Sorted(slices.Values(l.TCP))
	if !slices.Equal(ours, theirs) || !slices.Equal(ours, want) {
		t.Fatalf("engine %v, nmap %v, listeners %v\n%s", ours, theirs, want, out)
	}
}

// TestNetnsFiltered: a DROPped port is filtered once the timeout has passed
// (twice with one retry); REJECT with a TCP reset is closed; an ICMP
// admin-prohibited reject is filtered; a DROPped UDP port is open|filtered.
func TestNetnsFiltered(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 4, 1)
	drop, reset, prohib, plain := l.TCP[0], l.TCP[1], l.TCP[2], l.TCP[3]
	udpDrop := l.UDP[0]
	scantest.Firewall(t,
		[]string{"-p", "tcp", "--dport", strconv.Itoa(drop), "-j", "DROP"},
		[]string{"-p", "tcp", "--dport", strconv.Itoa(reset), "-j", "REJECT", "--reject-with", "tcp-reset"},
		[]string{"-p", "tcp", "--dport", strconv.Itoa(prohib), "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"},
		[]string{"-p", "udp", "--dport", strconv.Itoa(udpDrop), "-j", "DROP"},
	)
	const timeout = 300 * time.Millisecond
	for _, retries := range []int{-1, 1} {
		rep, err := Scan(context.Background(), loopback4, []int{drop, reset, prohib, plain},
			Options{Timeout: timeout, Retries: retries})
		if err != nil {
			t.Fatal(err)
		}
		st := map[int]Result{}
		for _, r := range rep.Results {
			st[r.Port] = r
		}
		tries := time.Duration(max(retries, 0) + 1)
		if r := st[drop]; r.State != Filtered || rep.Elapsed < tries*timeout {
			t.Errorf("retries %d: DROP port %s after %v, want filtered after %v", retries, r.State, rep.Elapsed, tries*timeout)
		}
		if r := st[reset]; r.State != Closed {
			t.Errorf("tcp-reset port %s, want closed", r.State)
		}
		if r := st[prohib]; r.State != Filtered {
			t.Errorf("admin-prohibited port %s, want filtered", r.State)
		}
		if r := st[plain]; r.State != Open {
			t.Errorf("plain listener %s, want open", r.State)
		}
		t.Logf("retries %d: %v, %d probes", retries, rep.Elapsed.Round(time.Millisecond), rep.Probes)
	}
	rep, err := Scan(context.Background(), loopback4, []int{udpDrop}, Options{UDP: true, Timeout: timeout, Retries: -1})
	if err != nil || rep.Results[0].State != OpenFiltered {
		t.Errorf("dropped UDP port: %+v %v; want open|filtered", rep, err)
	}
}

// TestNetnsUDP: a full UDP scan finds exactly the echo listeners open (with
// their reply as banner) and every other port closed; a silent UDP port is
// open|filtered, never open. ICMP rate limits are lifted in the namespace.
func TestNetnsUDP(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{Setup: []string{
		"echo 0 > /proc/sys/net/ipv4/icmp_ratemask",
		"echo 0 > /proc/sys/net/ipv4/icmp_ratelimit",
	}}) {
		return
	}
	l := scantest.Listen(t, 0, 4)
	silent, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	silentPort := silent.LocalAddr().(*net.UDPAddr).Port

	// A loaded machine may starve the echo goroutines: the timeout and the
	// retries are generous (they cost time only on the one silent port).
	rep, err := Scan(context.Background(), loopback4, allPorts(), Options{UDP: true, Timeout: 2 * time.Second, Retries: 2, Banner: true})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(l.UDP))
	var open []int
	for _, r := range rep.Results {
		switch {
		case r.State == Open:
			open = append(open, r.Port)
			if !strings.HasPrefix(r.Banner, "echo:") {
				t.Errorf("port %d banner %q", r.Port, r.Banner)
			}
		case r.Port == silentPort:
			if r.State != OpenFiltered {
				t.Errorf("silent UDP port %s, want open|filtered", r.State)
			}
		case r.State != Closed:
			t.Errorf("UDP port %d %s", r.Port, r.State)
		}
	}
	if !slices.Equal(open, want) {
		t.Fatalf("open %v, want %v", open, want)
	}
	t.Logf("full UDP scan: %v, %d probes", rep.Elapsed.Round(time.Millisecond), rep.Probes)
}

// TestNetnsUDPAdaptive: a UDP scan with the default timing learns the
// host's round trips from the ICMP port unreachables and the replies: its
// timeout ends below the template's initial one (so silent ports cost
// that, not a fixed second), and the states stay exact: the echo listener
// open, the silent one open|filtered, every other port closed.
func TestNetnsUDPAdaptive(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{Setup: []string{
		"echo 0 > /proc/sys/net/ipv4/icmp_ratemask",
		"echo 0 > /proc/sys/net/ipv4/icmp_ratelimit",
	}}) {
		return
	}
	l := scantest.Listen(t, 0, 1)
	silent, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	silentPort := silent.LocalAddr().(*net.UDPAddr).Port
	ports := append(allPorts()[:300], l.UDP[0], silentPort)
	rep, err := Scan(context.Background(), loopback4, ports, Options{UDP: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		want := Closed
		switch r.Port {
		case l.UDP[0]:
			want = Open
		case silentPort:
			want = OpenFiltered
		}
		if r.State != want {
			t.Errorf("UDP port %d %s (%s), want %s", r.Port, r.State, r.Reason, want)
		}
	}
	h := rep.HostList[0]
	if h.SRTT <= 0 || h.Timeout >= Templates[DefaultTemplate].InitialRTT {
		t.Errorf("timing did not adapt: srtt %v, final timeout %v", h.SRTT, h.Timeout)
	}
	t.Logf("%v, %d probes, srtt %v, timeout %v", rep.Elapsed.Round(time.Millisecond), rep.Probes, h.SRTT, h.Timeout)
}

// TestNetnsCancel: cancelling a full scan returns, with the partial report,
// both while probes run fast and while every worker is blocked in connect
// to DROPped ports; fds and goroutines return to their baseline. The
// cancel comes when the scan has decided a given number of ports (an
// event, not a sleep); how long the return takes is logged (the figure
// belongs to benchmarks, not to an assertion).
func TestNetnsCancel(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	warmUp(t)
	baseFD, baseG := scantest.FDCount(t), runtime.NumGoroutine()
	run := func(name string, timeout time.Duration, after int64, rate float64) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		type res struct {
			rep *Report
			err error
		}
		ch := make(chan res, 1)
		var decided atomic.Int64
		reached := make(chan struct{})
		onResult := func(Result) {
			if decided.Add(1) == after {
				close(reached)
			}
		}
		go func() {
			rep, err := Scan(ctx, loopback4, allPorts(), Options{Timeout: timeout, Rate: rate, OnResult: onResult})
			ch <- res{rep, err}
		}()
		select {
		case <-reached:
		case r := <-ch:
			t.Fatalf("%s: the scan ended before the cancel: %v", name, r.err)
		}
		cancel()
		t0 := time.Now()
		r := <-ch
		took := time.Since(t0)
		if !errors.Is(r.err, context.Canceled) {
			t.Errorf("%s: err %v", name, r.err)
		}
		if r.rep == nil || len(r.rep.Results) >= MaxPort {
			t.Errorf("%s: report %v", name, r.rep)
		} else if !slices.IsSortedFunc(r.rep.Results, func(a, b Result) int { return a.Port - b.Port }) {
			t.Errorf("%s: partial results unsorted", name)
		}
		t.Logf("%s: returned %v after cancel, %d results", name, took.Round(time.Microsecond), len(r.rep.Results))
		if fd := scantest.FDCount(t); fd > baseFD {
			t.Errorf("%s: %d fds, baseline %d", name, fd, baseFD)
		}
		// Scan's own goroutines have ended when it returns; this test's
		// goroutine that called it may still be on its way out. A leak is
		// more goroutines than before; fewer is a runtime goroutine of the
		// baseline that has since ended.
		g := runtime.NumGoroutine()
		for end := time.Now().Add(30 * time.Second); g > baseG && time.Now().Before(end); g = runtime.NumGoroutine() {
			time.Sleep(time.Millisecond)
		}
		if g > baseG {
			t.Errorf("%s: %d goroutines, baseline %d", name, g, baseG)
		}
	}
	// Scanning (rate-capped so that the cancel comes mid-scan), then
	// every worker blocked in connect on DROPped ports (ports below 1000
	// answer at once; the cancel comes when they have).
	run("scanning", time.Second, 1000, 20000)
	// --syn: the replies to our probes of ports below 1000 come back to
	// ephemeral ports, which must not be dropped.
	scantest.Firewall(t, []string{"-p", "tcp", "--syn", "--dport", "1000:65535", "-j", "DROP"})
	run("blocked", 30*time.Second, 999, 0)
}

// TestNetnsRate: Rate bounds probes per second.
func TestNetnsRate(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	rep, err := Scan(context.Background(), loopback4, allPorts()[:600], Options{Rate: 2000})
	if err != nil {
		t.Fatal(err)
	}
	rate := float64(rep.Probes) / rep.Elapsed.Seconds()
	t.Logf("%d probes in %v: %.0f/s", rep.Probes, rep.Elapsed, rate)
	if rate > 2000*1.1 {
		t.Errorf("rate %.0f/s with a cap of 2000/s", rate)
	}
}

// serveBanner sends each connection to ln the banner (if any) and holds it
// open until the peer closes it (or 5 s). ln closes when the test ends.
func serveBanner(t testing.TB, ln net.Listener, banner string) {
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if banner != "" {
					c.Write([]byte(banner))
				}
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				c.Read(make([]byte, 1)) // stay open until the scanner closes
			}()
		}
	}()
}

// firewalledHost makes 127.0.0.1 in the test's namespace a firewalled host:
// SYNs are dropped except to the listeners and to the closed ports
// closedLo..closedHi (which answer with a RST).
func firewalledHost(t *testing.T, listeners []int, closedLo, closedHi int) {
	rules := [][]string{{"-p", "tcp", "--syn", "--dport", strconv.Itoa(closedLo) + ":" + strconv.Itoa(closedHi), "-j", "ACCEPT"}}
	for _, p := range listeners {
		rules = append(rules, []string{"-p", "tcp", "--syn", "--dport", strconv.Itoa(p), "-j", "ACCEPT"})
	}
	rules = append(rules, []string{"-p", "tcp", "--syn", "-j", "DROP"})
	scantest.Firewall(t, rules...)
}

// checkStates requires exactly: the listeners open, lo..hi closed, every
// other port of the report filtered (for the reason filteredWhy, if not "").
func checkStates(t *testing.T, rep *Report, listeners []int, lo, hi int, filteredWhy string) {
	t.Helper()
	open := map[int]bool{}
	for _, p := range listeners {
		open[p] = true
	}
	bad := 0
	for _, r := range rep.Results {
		want, reason := Filtered, filteredWhy
		switch {
		case open[r.Port]:
			want, reason = Open, ReasonSynAck
		case r.Port >= lo && r.Port <= hi:
			want, reason = Closed, ReasonConnRefused
		}
		if r.State != want || reason != "" && r.Reason != reason {
			if bad++; bad <= 10 {
				t.Errorf("port %d: %s (%s), want %s (%s)", r.Port, r.State, r.Reason, want, reason)
			}
		}
	}
	if bad > 10 {
		t.Errorf("… %d ports wrong in all", bad)
	}
}

// forUlimits runs body as subtests in a private namespace of its own,
// once as is and once under `ulimit -n 256`.
func forUlimits(t *testing.T, body func(t *testing.T)) {
	for _, ulimit := range []int{0, 256} {
		t.Run("ulimit"+strconv.Itoa(ulimit), func(t *testing.T) {
			t.Parallel() // each in a namespace of its own, mostly waiting out timeouts
			if !scantest.Child(t, scantest.NS{Ulimit: ulimit}) {
				return
			}
			body(t)
		})
	}
}

// TestNetnsFirewalled: a host that drops SYNs except to three listeners
// and a block of closed ports, scanned with the default (adaptive) timing
// over 1-5000: exactly those sets, every run (and under ulimit -n 256).
// SOCKLAB_SCAN_REPEAT repeats the scan (bench/scan/repeat.sh: 20 of 20).
func TestNetnsFirewalled(t *testing.T) {
	t.Parallel()
	forUlimits(t, func(t *testing.T) {
		l := scantest.Listen(t, 3, 0)
		firewalledHost(t, l.TCP, 2001, 2500)
		ports := allPorts()[:5000]
		for _, p := range l.TCP {
			if p > 5000 {
				ports = append(ports, p)
			}
		}
		for i := range scantest.Repeats(1) {
			rep, err := Scan(context.Background(), loopback4, ports, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkStates(t, rep, l.TCP, 2001, 2500, ReasonNoResponse)
			t.Logf("run %d: %v, %d probes, %d backoffs", i, rep.Elapsed.Round(time.Millisecond), rep.Probes, rep.Backoffs)
		}
	})
}

// TestNetnsRejecting: a host whose firewall rejects SYNs with ICMP
// admin-prohibited except to three listeners and a block of ports it
// resets (closed). The kernel rate-limits the ICMP errors, so most
// rejected probes go unanswered: every one must still end filtered, every
// reset port closed, every listener open (also under ulimit -n 256).
func TestNetnsRejecting(t *testing.T) {
	t.Parallel()
	forUlimits(t, func(t *testing.T) {
		l := scantest.Listen(t, 3, 0)
		rules := [][]string{{"-p", "tcp", "--syn", "--dport", "1001:1500", "-j", "REJECT", "--reject-with", "tcp-reset"}}
		for _, p := range l.TCP {
			rules = append(rules, []string{"-p", "tcp", "--syn", "--dport", strconv.Itoa(p), "-j", "ACCEPT"})
		}
		rules = append(rules, []string{"-p", "tcp", "--syn", "-j", "REJECT", "--reject-with", "icmp-admin-prohibited"})
		scantest.Firewall(t, rules...)
		ports := append(allPorts()[:3000], l.TCP...)
		for i := range scantest.Repeats(1) {
			rep, err := Scan(context.Background(), loopback4, ports, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkStates(t, rep, l.TCP, 1001, 1500, "")
			t.Logf("run %d: %v, %d probes, %d backoffs", i, rep.Elapsed.Round(time.Millisecond), rep.Probes, rep.Backoffs)
		}
	})
}

// TestNetnsRateLimitedRSTs: a host whose RSTs are rate-limited (most
// closed ports answer nothing on the first try): retransmissions and the
// shrinking congestion window still find every closed port closed and
// every open port open (also under ulimit -n 256).
func TestNetnsRateLimitedRSTs(t *testing.T) {
	t.Parallel()
	forUlimits(t, func(t *testing.T) {
		l := scantest.Listen(t, 2, 0)
		scantest.FirewallChain(t, "OUTPUT",
			[]string{"-p", "tcp", "--tcp-flags", "RST", "RST", "-m", "limit", "--limit", "200/s", "--limit-burst", "20", "-j", "ACCEPT"},
			[]string{"-p", "tcp", "--tcp-flags", "RST", "RST", "-j", "DROP"})
		ports := append(allPorts()[:300], l.TCP...)
		for i := range scantest.Repeats(1) {
			rep, err := Scan(context.Background(), loopback4, ports, Options{})
			if err != nil {
				t.Fatal(err)
			}
			open := map[int]bool{}
			for _, p := range l.TCP {
				open[p] = true
			}
			for _, r := range rep.Results {
				if want := map[bool]State{true: Open, false: Closed}[open[r.Port]]; r.State != want {
					t.Errorf("run %d: port %d %s (%s), want %s", i, r.Port, r.State, r.Reason, want)
				}
			}
			t.Logf("run %d: %v, %d probes", i, rep.Elapsed.Round(time.Millisecond), rep.Probes)
		}
	})
}

// TestTemplates: the six templates are nmap's, in order, and out of range
// is an error.
func TestTemplates(t *testing.T) {
	t.Parallel()
	for n := range 6 {
		tm, err := Template(n)
		if err != nil || tm.MinRTT > tm.MaxRTT || tm.InitialRTT < tm.MinRTT {
			t.Errorf("Template(%d) = %+v, %v", n, tm, err)
		}
	}
	if t5, _ := Template(5); t5.MaxRTT != 300*time.Millisecond || t5.MaxRetries != 2 {
		t.Errorf("T5 %+v", t5)
	}
	for _, n := range []int{-1, 6} {
		if _, err := Template(n); err == nil {
			t.Errorf("Template(%d): no error", n)
		}
	}
}
