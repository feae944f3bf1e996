package scan

import (
	"context"
	"errors"
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

// Full-range TCP scans of 127.0.0.1, each in a private network namespace
// (scantest.Child) where only the test's own listeners exist.

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
// l's TCP listeners open and every other port closed, each time. With
// signals set, SIGURG is sent to the process in a storm to interrupt the
// blocking connects (EINTR).
func checkFullScans(t *testing.T, l *scantest.Listeners, n int, opts Options, signals bool) {
	_ = checkScansDropped(t, l, allPorts(), n, opts, signals, 0, -1)
}

// checkScansDropped is checkFullScans of ports (ascending, holding every
// listener) with ports dropLo..dropHi firewalled (DROP): those must be
// filtered.
func checkScansDropped(t *testing.T, l *scantest.Listeners, ports []int, n int, opts Options, signals bool, dropLo, dropHi int) (last *Report) {
	want := slices.Sorted(slices.Values(l.TCP))
	t.Logf("listeners on %v", want)
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
		if len(rep.Results) != len(ports) {
			t.Fatalf("scan %d: %d results for %d ports", i, len(rep.Results), len(ports))
		}
		var open []int
		for j, r := range rep.Results {
			if r.Port != ports[j] || r.Proto != "tcp" || r.IP != loopback4[0].IP {
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
		if np := int64(len(ports)); lastDone.Load() != np || lastTotal.Load() != np || streamed.Load() != np {
			t.Fatalf("scan %d: progress %d/%d, %d streamed", i, lastDone.Load(), lastTotal.Load(), streamed.Load())
		}
		t.Logf("scan %d: %v, %.0f ports/s, %d probes, %d backoffs, %d progress calls, signals %v",
			i, rep.Elapsed.Round(time.Millisecond), float64(len(ports))/rep.Elapsed.Seconds(), rep.Probes, rep.Backoffs, calls.Load(), stop != nil)
		last = rep
	}
	return last
}

// TestNetnsFullScan: 20 full scans (2 under -race), identical results, open
// ports in and below the ephemeral range, half of them under a SIGURG storm.
// Then nmap -sT, in the same namespace, sees exactly the same open ports.
func TestNetnsFullScan(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{}) {
		return
	}
	l := scantest.Listen(t, 6, 0)
	checkFullScans(t, l, repeats(), Options{}, true)
	t.Run("nmap", func(t *testing.T) { checkNmap(t, l) })
}

// TestNetnsFullScanUlimit256: full scans under `ulimit -n 256`, with automatic
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
	l := scantest.Listen(t, 6, 0)
	// Under -race one scan (each costs seconds of CPU), else two.
	scans := 2
	if raceEnabled {
		scans = 1
	}
	checkFullScans(t, l, scans, Options{}, false)
	// 400 workers blocked on 600 DROPped ports want 400 descriptors at once.
	// The full range adds nothing to that but time (the scans above cover
	// it under the same limit): ports 1-6000, which hold the DROPped block
	// and thousands of closed ports after it, and the listeners.
	scantest.Firewall(t, []string{"-p", "tcp", "--dport", "3000:3599", "-j", "DROP"})
	ports := allPorts()[:6000]
	for _, p := range slices.Sorted(slices.Values(l.TCP)) {
		if p > 6000 {
			ports = append(ports, p)
		}
	}
	rep := checkScansDropped(t, l, ports, 1, Options{Concurrency: 400, Timeout: 500 * time.Millisecond}, false, 3000, 3599)
	if rep.Backoffs == 0 {
		t.Error("no EMFILE backoffs: the test did not run short of descriptors")
	}
}

// checkNmap: nmap -sT -p- sees exactly l's TCP listeners open, as the
// engine's scans (checkFullScans) did.
func checkNmap(t *testing.T, l *scantest.Listeners) {
	nmap, err := exec.LookPath("nmap")
	if err != nil {
		scantest.SkipOrFail(t, "nmap not installed")
	}
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
	if want := slices.Sorted(slices.Values(l.TCP)); !slices.Equal(theirs, want) {
		t.Fatalf("nmap %v, listeners (and the engine) %v\n%s", theirs, want, out)
	}
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
