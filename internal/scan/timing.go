package scan

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Timing is how a scan waits, nmap's timing knobs: the probe timeout
// adapts to each host's round-trip times between MinRTT and MaxRTT
// (starting from InitialRTT), a silent probe is sent again up to
// MaxRetries times, and ScanDelay spaces probes (templates 0–2).
type Timing struct {
	InitialRTT time.Duration // timeout before any answer came back
	MinRTT     time.Duration // the adaptive timeout never goes below this
	MaxRTT     time.Duration // … nor above this
	MaxRetries int           // most retransmissions of a silent probe
	ScanDelay  time.Duration // pause between probes (0: none)
	Parallel   int           // most probes in flight (0: from the open-files limit)
}

// DefaultTemplate is the timing template of a scan that names none.
const DefaultTemplate = 4

// Templates are nmap's -T0 … -T5 (paranoid, sneaky, polite, normal,
// aggressive, insane), with nmap's values: T3 is nmap's default, T4 is
// socklab's (DefaultTemplate).
var Templates = [6]Timing{
	{InitialRTT: time.Second, MinRTT: 100 * time.Millisecond, MaxRTT: 10 * time.Second, MaxRetries: 10, ScanDelay: 5 * time.Minute, Parallel: 1},
	{InitialRTT: time.Second, MinRTT: 100 * time.Millisecond, MaxRTT: 10 * time.Second, MaxRetries: 10, ScanDelay: 15 * time.Second, Parallel: 1},
	{InitialRTT: time.Second, MinRTT: 100 * time.Millisecond, MaxRTT: 10 * time.Second, MaxRetries: 10, ScanDelay: 400 * time.Millisecond, Parallel: 1},
	{InitialRTT: time.Second, MinRTT: 100 * time.Millisecond, MaxRTT: 10 * time.Second, MaxRetries: 10},
	{InitialRTT: 500 * time.Millisecond, MinRTT: 100 * time.Millisecond, MaxRTT: 1250 * time.Millisecond, MaxRetries: 6},
	{InitialRTT: 250 * time.Millisecond, MinRTT: 50 * time.Millisecond, MaxRTT: 300 * time.Millisecond, MaxRetries: 2},
}

// Template returns timing template n (0–5).
func Template(n int) (Timing, error) {
	if n < 0 || n >= len(Templates) {
		return Timing{}, fmt.Errorf("timing template must be 0-5 (as nmap's -T0 … -T5), got %d", n)
	}
	return Templates[n], nil
}

// hostTiming is what the engine learns about one host while scanning it:
// smoothed round-trip time and its variance (RFC 6298), the highest try
// that got an answer (nmap's max_successful_tryno) and a congestion window
// that halves when a retransmission is answered (the first probe was
// lost: the host or the path drops) and grows back by one per answer.
type hostTiming struct {
	mu       sync.Mutex
	srtt     time.Duration
	rttvar   time.Duration
	minRTT   time.Duration // the fastest answer
	samples  int
	maxTry   int     // highest try (0 = first probe) that was answered
	cwnd     float64 // probes allowed in flight to this host
	maxCwnd  float64
	inflight atomic.Int32
	window   atomic.Int32 // int(cwnd), read without the lock
	room     chan struct{}
	answered atomic.Bool // any answer at all (for host discovery)
	// silentSeen counts first probes that got no answer (see retryNow).
	silentSeen atomic.Int32
	// slowness rises by one for each probe that outlasted fastWindow and
	// falls by four for each that did not: above slowAbove, new probes
	// skip the blocking fast path (a worker would block fastWindow per
	// silent port) and go to the poller at once.
	slowness atomic.Int32
	lastCut  time.Time // when cwnd was last halved
}

// minCutGap spaces congestion-window cuts at least this far apart.
const minCutGap = 100 * time.Millisecond

const (
	slowAbove   = 32
	maxSlowness = 64
)

// note records whether a probe outlasted fastWindow.
func (h *hostTiming) note(slow bool) {
	for {
		n := h.slowness.Load()
		m := max(n-4, 0)
		if slow {
			m = min(n+1, maxSlowness)
		}
		if m == n || h.slowness.CompareAndSwap(n, m) {
			return
		}
	}
}

// slow reports whether probes to h should skip the blocking fast path.
func (h *hostTiming) slow() bool { return h.slowness.Load() > slowAbove }

// minCwnd is the smallest congestion window.
const minCwnd = 2

func newHostTiming(maxInFlight int) *hostTiming {
	h := &hostTiming{cwnd: float64(maxInFlight), maxCwnd: float64(maxInFlight), room: make(chan struct{}, 1)}
	h.window.Store(int32(maxInFlight))
	return h
}

// timeout is the probe timeout for this host under t.
func (h *hostTiming) timeout(t *Timing) time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.samples == 0 {
		return t.InitialRTT
	}
	// srtt + 4 rttvar, but at most ten times the fastest answer: on a
	// host that answers few probes, a handful of answers delayed by a busy
	// machine would otherwise set the timeout of every silent port.
	return min(max(min(h.srtt+4*h.rttvar, 10*h.minRTT), t.MinRTT), t.MaxRTT)
}

// answer records an answer to try (0 = the first probe) after rtt.
func (h *hostTiming) answer(try int, rtt time.Duration) {
	h.answered.Store(true)
	h.mu.Lock()
	if h.samples == 0 || rtt < h.minRTT {
		h.minRTT = rtt
	}
	if h.samples == 0 {
		h.srtt, h.rttvar = rtt, rtt/2
	} else {
		d := h.srtt - rtt
		if d < 0 {
			d = -d
		}
		h.rttvar = (3*h.rttvar + d) / 4
		h.srtt = (7*h.srtt + rtt) / 8
	}
	h.samples++
	if try > h.maxTry {
		h.maxTry = try
	}
	if try > 0 {
		// A drop: back off, once per timeout period (the drops of one
		// burst are one signal).
		if now := time.Now(); now.Sub(h.lastCut) > h.srtt+4*h.rttvar+minCutGap {
			// Halve what is really in flight, not a window far above it.
			h.cwnd = max(min(h.cwnd, float64(h.inflight.Load()))/2, minCwnd)
			h.lastCut = now
		}
	} else if h.cwnd < h.maxCwnd {
		h.cwnd = min(h.cwnd+1, h.maxCwnd)
	}
	h.window.Store(int32(h.cwnd))
	h.mu.Unlock()
}

// allowedTries is how many tries (first probe included) a silent port
// gets: one more than the highest try that was answered, at least two,
// at most 1 + maxRetries (nmap's rule).
func (h *hostTiming) allowedTries(maxRetries int) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return min(max(h.maxTry+2, 2), 1+maxRetries)
}

// acquire takes one of the host's in-flight places, waiting while the
// congestion window is full; false when ctx ended.
func (h *hostTiming) acquire(ctx context.Context) bool {
	for {
		n := h.inflight.Load()
		if n < h.window.Load() {
			if h.inflight.CompareAndSwap(n, n+1) {
				return true
			}
			continue
		}
		select {
		case <-h.room:
		case <-ctx.Done():
			return false
		}
	}
}

// release gives an in-flight place back.
func (h *hostTiming) release() {
	h.inflight.Add(-1)
	select {
	case h.room <- struct{}{}:
	default:
	}
}

// lossy reports whether a retransmission to h was ever answered.
func (h *hostTiming) lossy() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.maxTry > 0
}
