package scan

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
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

// Reasons, as nmap's --reason words them.
const (
	ReasonSynAck      = "syn-ack"      // TCP open: the handshake completed
	ReasonConnRefused = "conn-refused" // TCP closed: a RST came back
	ReasonNoResponse  = "no-response"  // nothing came back in time, retries included
	ReasonHostUnreach = "host-unreach" // an ICMP host unreachable or prohibited
	ReasonNetUnreach  = "net-unreach"  // an ICMP network unreachable
	ReasonUDPResponse = "udp-response" // UDP open: a datagram came back
	ReasonPortUnreach = "port-unreach" // UDP closed: ICMP port unreachable
)

// Result is one port of one host.
type Result struct {
	Host    string        // the target's name as given (or its address)
	IP      netip.Addr    // the address probed
	Port    int           // 1–65535
	Proto   string        // "tcp" or "udp"
	State   State         // see the State constants
	Reason  string        // why: see the Reason constants
	Service string        // from Options.Service, "" if none
	Banner  string        // with Options.Banner: what the port said first, printable, trailing CR/LF trimmed
	RTT     time.Duration // time of the deciding probe (connect or reply), 0 if none
}

// Options tune Scan. The zero value scans TCP with timing template
// DefaultTemplate, adaptive timeouts and automatic concurrency.
type Options struct {
	// Timing is the timing template's values (see Templates); nil means
	// Templates[DefaultTemplate]. The fields below override it.
	Timing *Timing
	// Timeout, if set, fixes how long one probe waits for an answer
	// instead of adapting it to the host's round-trip times (TCP and
	// UDP alike).
	Timeout time.Duration
	// Concurrency is the most probes in flight. 0 means the template's,
	// or AutoConcurrency(): derived from RLIMIT_NOFILE so a scan never
	// runs out of descriptors.
	Concurrency int
	// Rate caps probes per second over the whole scan (retries included);
	// 0 means no cap (or the template's scan delay).
	Rate float64
	// Retries, if set, fixes how many more times a port that gave no
	// answer is probed (TCP silence, UDP silence) before that state is
	// reported. 0 means adaptive: nmap's rule, one more try than the
	// highest try that was ever answered on that host, at least 1 retry
	// and at most the template's MaxRetries, except that a host that has
	// dropped nothing gets retries only as loss probes (its first 256
	// silent ports, then one in 8; see retryNow). A negative value means
	// none.
	Retries int
	// SkipDiscovery scans every target even if host discovery finds it
	// down (nmap's -Pn). Discovery runs only when there are several
	// targets; a single target is always scanned.
	SkipDiscovery bool
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
	// called from the engine's goroutines concurrently, in no particular
	// order, and must be safe for that and quick. Ports that stay silent
	// are reported once the scan knows it will not probe them again.
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
	noICMP bool          // tests: host discovery by connect probes only
}

// HostState says whether a host answered.
type HostState string

// Host states.
const (
	HostUp      HostState = "up"      // it answered discovery or a probe
	HostDown    HostState = "down"    // discovery got no answer: not scanned
	HostUnknown HostState = "unknown" // scanned without discovery and nothing answered
)

// Host is one target's summary.
type Host struct {
	Host   string
	IP     netip.Addr
	State  HostState
	Reason string // discovery's reason ("conn-refused", "syn-ack", "no-response", "user-set")
	// What the adaptive timing learnt of a scanned host (nmap -d's "Final
	// times for host"): the smoothed round trip of its answers (0 if none)
	// and the probe timeout it ended with.
	SRTT, Timeout time.Duration
}

// Report is a finished (or canceled) scan.
type Report struct {
	// Results holds every probed port of every host that was scanned, with
	// its state, sorted by address then port. Hosts found down have none.
	// After a cancellation it holds only the ports decided before it.
	Results []Result
	// HostList has one entry per target, sorted by address.
	HostList []Host
	Hosts    int   // number of targets
	Ports    int   // ports per target
	Probes   int64 // probes sent, retries, re-probes and discovery included
	// Backoffs counts probes put off because descriptors, buffers or source
	// ports ran short (EMFILE, ENOBUFS, EADDRNOTAVAIL, …).
	Backoffs int64
	Elapsed  time.Duration // wall time of the scan

	timing map[netip.Addr][2]time.Duration // per scanned host: srtt, final timeout
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

// maxWorkers bounds the goroutines that make blocking connects (each holds
// an OS thread while it blocks, at most fastWindow per probe); the other
// probes in flight wait in Go's poller without a thread.
const maxWorkers = 256

// Scan probes every port of every target and reports all of them.
//
// Before anything is sent it checks the targets with CheckScope (using
// opts.Allow and opts.IHavePermission) and returns the *ScopeError if any is
// out of scope, and it checks the options. Cancelling ctx stops the scan
// promptly (see the package comment): Scan then returns the partial report
// and ctx.Err(). Every socket is closed and every goroutine it started has
// ended when it returns.
func Scan(ctx context.Context, targets []Target, ports []int, opts Options) (*Report, error) {
	if err := checkArgs(targets, ports, &opts); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return &Report{Hosts: len(targets), Ports: len(ports)}, ctx.Err()
	}
	start := time.Now()
	// Sort targets by address and ports ascending: result i*len(ports)+j is
	// then already in report order.
	targets = slices.Clone(targets)
	slices.SortStableFunc(targets, func(a, b Target) int { return a.IP.Compare(b.IP) })
	ports = slices.Clone(ports)
	slices.Sort(ports)

	rep := &Report{Hosts: len(targets), Ports: len(ports)}
	hosts := make([]Host, len(targets))
	for i, t := range targets {
		hosts[i] = Host{Host: t.Host, IP: t.IP, State: HostUnknown, Reason: "user-set"}
	}
	up := targets
	if len(targets) > 1 && !opts.SkipDiscovery && !opts.UDP {
		var probes int64
		var err error
		up, probes, err = discover(ctx, targets, hosts, &opts)
		rep.Probes += probes
		if err != nil {
			rep.HostList, rep.Elapsed = hosts, time.Since(start)
			return rep, err
		}
	}
	var err error
	if len(up) > 0 {
		err = scanHosts(ctx, up, ports, &opts, rep)
	}
	for i := range hosts {
		if t, ok := rep.timing[hosts[i].IP]; ok {
			hosts[i].SRTT, hosts[i].Timeout = t[0], t[1]
		}
	}
	// Hosts that answered a probe are up.
	answered := map[netip.Addr]bool{}
	for _, r := range rep.Results {
		if r.Reason != ReasonNoResponse {
			answered[r.IP] = true
		}
	}
	for i := range hosts {
		if hosts[i].State == HostUnknown && answered[hosts[i].IP] {
			hosts[i].State = HostUp
		}
	}
	rep.HostList = hosts
	rep.Elapsed = time.Since(start)
	if err != nil {
		return rep, err
	}
	return rep, ctx.Err()
}

// checkArgs validates the arguments and fills in the defaults.
func checkArgs(targets []Target, ports []int, opts *Options) error {
	scope := make([]netip.Prefix, len(targets))
	for i, t := range targets {
		if !t.IP.IsValid() {
			return fmt.Errorf("target %q has no address", t.Host)
		}
		scope[i] = netip.PrefixFrom(t.IP, t.IP.BitLen())
	}
	if err := CheckScope(scope, opts.Allow, opts.IHavePermission); err != nil {
		return err
	}
	if len(targets) == 0 {
		return errors.New("no targets given")
	}
	if len(ports) == 0 {
		return errors.New("no ports given")
	}
	for _, p := range ports {
		if p < 1 || p > MaxPort {
			return fmt.Errorf("bad port range %d: ports are 1-65535", p)
		}
	}
	if len(targets) > MaxProbes/len(ports) {
		return fmt.Errorf("%d hosts × %d ports is more than %d probes; scan fewer hosts or ports",
			len(targets), len(ports), MaxProbes)
	}
	if opts.Rate < 0 || opts.Timeout < 0 || opts.Concurrency < 0 {
		return errors.New("rate, timeout and concurrency must not be negative")
	}
	if opts.Timing == nil {
		t := Templates[DefaultTemplate]
		opts.Timing = &t
	}
	tm := opts.Timing
	if tm.InitialRTT <= 0 || tm.MinRTT <= 0 || tm.MaxRTT < tm.MinRTT || tm.MaxRetries < 0 || tm.ScanDelay < 0 || tm.Parallel < 0 {
		return fmt.Errorf("bad timing %+v", *tm)
	}
	if opts.Rate == 0 && tm.ScanDelay > 0 {
		opts.Rate = float64(time.Second) / float64(tm.ScanDelay)
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = tm.Parallel
	}
	if opts.BannerBytes <= 0 {
		opts.BannerBytes = 256
	}
	if opts.BannerTimeout <= 0 {
		opts.BannerTimeout = 500 * time.Millisecond
	}
	if opts.ops == nil {
		opts.ops = &realOps
	}
	if opts.giveUp <= 0 {
		opts.giveUp = resourceGiveUp
	}
	return nil
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
