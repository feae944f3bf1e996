package scan

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// State is a port's state, in nmap's words.
type State string

// Port states.
const (
	Open         State = "open"          // TCP: connected. UDP: a reply came.
	Closed       State = "closed"        // TCP: refused (RST). UDP: ICMP port unreachable.
	Filtered     State = "filtered"      // TCP: no answer in time, or ICMP unreachable/prohibited.
	OpenFiltered State = "open|filtered" // UDP: no answer in time (never reported as open).
)

// Result is one port of one host.
type Result struct {
	Host    string        // the target's name as given (or its address)
	IP      netip.Addr    // the address probed
	Port    int           // 1–65535
	Proto   string        // "tcp" or "udp"
	State   State         // see the State constants
	Service string        // from Options.Service, "" if none
	Banner  string        // with Options.Banner: what the port said first, printable, trailing CR/LF trimmed
	RTT     time.Duration // time of the deciding probe (connect or reply), 0 if canceled
}

// Options tune Scan. The zero value scans TCP with a 1 s timeout.
type Options struct {
	// Timeout is how long one probe waits for an answer (default 1 s).
	Timeout time.Duration
	// Concurrency is the number of probes in flight. 0 means AutoConcurrency():
	// derived from RLIMIT_NOFILE so a scan never runs out of descriptors.
	Concurrency int
	// Rate caps probes per second over the whole scan (retries included);
	// 0 means no cap.
	Rate float64
	// Retries is how many more times a port that gave no answer is probed
	// (TCP filtered, UDP silent) before that state is reported. 0 means the
	// default, 1 (one lost SYN, or a starved CPU, must not make a port
	// filtered); a negative value means none.
	Retries int
	// Banner asks for the first bytes an open port sends: up to BannerBytes
	// (default 256), waiting at most BannerTimeout (default 500 ms). A port
	// that accepts but never speaks gets an empty Banner.
	Banner        bool
	BannerBytes   int
	BannerTimeout time.Duration
	// UDP scans UDP instead of TCP.
	UDP bool
	// Progress, if set, is called about every 100 ms and once at the end with
	// the number of ports decided and the total; never concurrently.
	Progress func(done, total int)
	// Service, if set, names a port's service (services.Name fits).
	Service func(port int, proto string) string
	// OnResult, if set, receives each result as soon as it is decided. It is
	// called from the engine's worker goroutines concurrently, in no
	// particular order, and must be safe for that and quick.
	OnResult func(Result)
	// IHavePermission lifts the scope check: targets outside loopback,
	// private and link-local ranges are scanned. Only scan hosts you have
	// permission to scan.
	IHavePermission bool
	// Allow adds ranges to DefaultAllowed for the scope check.
	Allow []netip.Prefix

	ops    *sysOps       // tests: injected syscalls (nil = real ones)
	mode   probeMode     // tests and benchmarks: connect strategy
	giveUp time.Duration // tests: how long a resource shortage may last (0 = resourceGiveUp)
}

// Report is a finished (or canceled) scan.
type Report struct {
	// Results holds every probed port of every host, with its state, sorted
	// by address then port. After a cancellation it holds only the ports
	// decided before it.
	Results []Result
	Hosts   int   // number of targets
	Ports   int   // ports per target
	Probes  int64 // probes sent, retries and re-probes included
	// Backoffs counts probes put off because descriptors, buffers or source
	// ports ran short (EMFILE, ENOBUFS, EADDRNOTAVAIL, …).
	Backoffs int64
	Elapsed  time.Duration // wall time of the scan
}

// Open returns the results whose state is Open.
func (r *Report) Open() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.State == Open {
			out = append(out, res)
		}
	}
	return out
}

// MaxProbes bounds hosts × ports in one Scan.
const MaxProbes = 1 << 22

// resourceGiveUp is how long one probe waits for descriptors, buffers or
// source ports to free up before the scan fails.
const resourceGiveUp = 30 * time.Second

// maxSelfConnects is how often a port is re-probed after self-connects before
// it is reported closed (a self-connect means nothing listens there).
const maxSelfConnects = 20

// Scan probes every port of every target and reports all of them.
//
// Before anything is sent it checks the targets with CheckScope (using
// opts.Allow and opts.IHavePermission) and returns the *ScopeError if any is
// out of scope. Cancelling ctx stops the scan within about 50 ms: Scan then
// returns the partial report and ctx.Err(). Every socket is closed and every
// goroutine it started has ended when it returns.
func Scan(ctx context.Context, targets []Target, ports []int, opts Options) (*Report, error) {
	scope := make([]netip.Prefix, len(targets))
	for i, t := range targets {
		if !t.IP.IsValid() {
			return nil, fmt.Errorf("target %q has no address", t.Host)
		}
		scope[i] = netip.PrefixFrom(t.IP, t.IP.BitLen())
	}
	if err := CheckScope(scope, opts.Allow, opts.IHavePermission); err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, errors.New("no targets given")
	}
	if len(ports) == 0 {
		return nil, errors.New("no ports given")
	}
	for _, p := range ports {
		if p < 1 || p > MaxPort {
			return nil, fmt.Errorf("bad port range %d: ports are 1-65535", p)
		}
	}
	if len(targets) > MaxProbes/len(ports) {
		return nil, fmt.Errorf("%d hosts × %d ports is more than %d probes; scan fewer hosts or ports",
			len(targets), len(ports), MaxProbes)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.BannerBytes <= 0 {
		opts.BannerBytes = 256
	}
	if opts.BannerTimeout <= 0 {
		opts.BannerTimeout = 500 * time.Millisecond
	}
	if opts.Retries == 0 {
		opts.Retries = 1
	}
	opts.Retries = max(opts.Retries, 0)
	if opts.ops == nil {
		opts.ops = &realOps
	}
	if opts.giveUp <= 0 {
		opts.giveUp = resourceGiveUp
	}
	if ctx.Err() != nil {
		return &Report{Hosts: len(targets), Ports: len(ports)}, ctx.Err()
	}

	// Sort targets by address and ports ascending: result i*len(ports)+j is
	// then already in report order.
	targets = slices.Clone(targets)
	slices.SortStableFunc(targets, func(a, b Target) int { return a.IP.Compare(b.IP) })
	ports = slices.Clone(ports)
	slices.Sort(ports)

	total := len(targets) * len(ports)
	conc := opts.Concurrency
	if conc <= 0 {
		conc = AutoConcurrency()
	}
	conc = min(conc, total)

	e := &engine{
		opts:    &opts,
		targets: targets,
		ports:   ports,
		results: make([]Result, total),
		filled:  make([]bool, total),
		total:   total,
	}
	if opts.Rate > 0 {
		e.limiter = &limiter{interval: time.Duration(min(float64(time.Second)/opts.Rate, float64(time.Hour)))}
	}
	e.loLocal, e.hiLocal = localPortRange()

	start := time.Now()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() { e.worker(runCtx, cancel) })
	}
	progressDone := make(chan struct{})
	var pwg sync.WaitGroup
	if opts.Progress != nil {
		pwg.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-progressDone:
					return
				case <-t.C:
					opts.Progress(int(e.done.Load()), total)
				}
			}
		})
	}
	wg.Wait()
	close(progressDone)
	pwg.Wait()
	if opts.Progress != nil {
		opts.Progress(int(e.done.Load()), total)
	}

	rep := &Report{
		Hosts:    len(targets),
		Ports:    len(ports),
		Probes:   e.probes.Load(),
		Backoffs: e.backoffs.Load(),
		Elapsed:  time.Since(start),
	}
	if int(e.done.Load()) == total {
		rep.Results = e.results
	} else {
		rep.Results = make([]Result, 0, e.done.Load())
		for i, ok := range e.filled {
			if ok {
				rep.Results = append(rep.Results, e.results[i])
			}
		}
	}
	if e.err != nil {
		return rep, e.err
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

type engine struct {
	opts             *Options
	targets          []Target
	ports            []int
	results          []Result
	filled           []bool
	total            int
	next             atomic.Int64
	done             atomic.Int64
	probes           atomic.Int64
	backoffs         atomic.Int64
	limiter          *limiter
	loLocal, hiLocal int
	// pressure is set once any probe ran short of descriptors or buffers:
	// from then on workers keep no spare sockets, so starved workers get
	// the descriptors back.
	pressure atomic.Bool

	errOnce sync.Once
	err     error
}

func (e *engine) worker(ctx context.Context, cancel context.CancelFunc) {
	p := newProber(e.opts)
	defer p.release()
	nT := int64(len(e.targets))
	nP := int64(len(e.ports))
	for ctx.Err() == nil {
		i := e.next.Add(1) - 1
		if i >= int64(e.total) {
			return
		}
		// Interleave hosts: consecutive probes go to different hosts.
		ti, pi := i%nT, i/nT
		res, ok, err := e.probe(ctx, p, e.targets[ti], e.ports[pi])
		if e.pressure.Load() {
			p.release()
		}
		if err != nil {
			e.errOnce.Do(func() { e.err = err })
			cancel()
			return
		}
		if !ok {
			return // canceled
		}
		idx := ti*nP + pi
		e.results[idx] = res
		e.filled[idx] = true
		e.done.Add(1)
		if e.opts.OnResult != nil {
			e.opts.OnResult(res)
		}
	}
}

// probe decides one port: it retries filtered ports (Options.Retries),
// re-probes self-connects, confirms ephemeral-range loopback opens, and
// waits out resource shortages. ok is false if ctx ended first.
func (e *engine) probe(ctx context.Context, p *prober, t Target, port int) (res Result, ok bool, err error) {
	proto := "tcp"
	if e.opts.UDP {
		proto = "udp"
	}
	res = Result{Host: t.Host, IP: t.IP, Port: port, Proto: proto}
	if e.opts.Service != nil {
		res.Service = e.opts.Service(port, proto)
	}
	needConfirm := !e.opts.UDP && t.IP.Unmap().IsLoopback() && port >= e.loLocal && port <= e.hiLocal
	retries, selfs := 0, 0
	var backoff, waited time.Duration
	for {
		if e.limiter != nil && !e.limiter.wait(ctx) {
			return res, false, nil
		}
		e.probes.Add(1)
		var (
			o      outcome
			banner string
			rtt    time.Duration
			perr   error
		)
		if e.opts.UDP {
			o, banner, rtt, perr = p.probeUDP(ctx, t.IP, port, retries > 0)
		} else {
			o, banner, rtt, perr = p.probeTCP(ctx, t.IP, port, e.opts.Banner && !needConfirm)
		}
		if perr != nil {
			return res, false, fmt.Errorf("scan %s port %d/%s: %w", t.IP, port, proto, perr)
		}
		if o != outResource {
			backoff, waited = 0, 0
		}
		switch o {
		case outOpen:
			if needConfirm {
				// A second connect rules out a crossing of two of our own
				// probes (each one's source port the other's target).
				needConfirm = false
				continue
			}
			res.State, res.Banner, res.RTT = Open, banner, rtt
			return res, true, nil
		case outClosed:
			res.State, res.RTT = Closed, rtt
			return res, true, nil
		case outFiltered, outSilent:
			if retries < e.opts.Retries {
				retries++
				continue
			}
			p.closeUDP()
			res.State, res.RTT = Filtered, rtt
			if o == outSilent {
				res.State = OpenFiltered
			}
			return res, true, nil
		case outSelf:
			selfs++
			if selfs >= maxSelfConnects {
				res.State, res.RTT = Closed, rtt
				return res, true, nil
			}
		case outResource:
			e.pressure.Store(true)
			e.backoffs.Add(1)
			p.release()
			if waited >= e.opts.giveUp {
				return res, false, fmt.Errorf("scan %s port %d/%s: no resources for %v: %w", t.IP, port, proto, waited, p.lastErr)
			}
			backoff = min(max(2*backoff, time.Millisecond), 100*time.Millisecond)
			waited += backoff
			if !sleepCtx(ctx, backoff) {
				return res, false, nil
			}
		case outCanceled:
			p.closeUDP()
			return res, false, nil
		default:
			return res, false, fmt.Errorf("scan %s port %d/%s: %w", t.IP, port, proto, p.lastErr)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// limiter spaces probes interval apart across all workers (no bursts).
type limiter struct {
	mu       sync.Mutex
	next     time.Time
	interval time.Duration
}

func (l *limiter) wait(ctx context.Context) bool {
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	at := l.next
	l.next = l.next.Add(l.interval)
	l.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return sleepCtx(ctx, d)
	}
	return ctx.Err() == nil
}
