package scan

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// job is one port of one host to probe: idx = host*len(ports) + port
// index; try counts the probes already sent that stayed silent.
type job struct {
	idx int
	try int
}

// engine is one scan in progress.
type engine struct {
	opts    *Options
	targets []Target
	ports   []int
	hosts   []*hostTiming
	results []Result
	filled  []bool
	total   int

	next     atomic.Int64 // the next fresh job (interleaved across hosts)
	left     atomic.Int64 // ports without a result yet (provisional ones count as results)
	probes   atomic.Int64
	backoffs atomic.Int64
	limiter  *limiter
	slots    chan struct{} // in-flight probes beyond the workers' own (waiting in the poller)
	inflight sync.WaitGroup

	loLocal, hiLocal int
	// pressure is set once any probe ran short of descriptors or buffers:
	// from then on workers keep no spare sockets.
	pressure atomic.Bool

	mu          sync.Mutex
	cond        *sync.Cond
	queue       []job // silent probes to send again (retransmissions)
	queued      atomic.Int32
	provisional []job // silent ports called filtered for now (see settle)
	finished    bool

	reactor *reactor        // waits for connects under way (nil with tests' fake syscalls)
	ctx     context.Context // the scan's; its end stops every probe

	errOnce sync.Once
	err     error
	cancel  context.CancelFunc
}

// scanHosts runs the port scan of targets and fills rep.
func scanHosts(ctx context.Context, targets []Target, ports []int, opts *Options, rep *Report) error {
	total := len(targets) * len(ports)
	conc := opts.Concurrency
	if conc <= 0 {
		conc = AutoConcurrency()
	}
	// Half the places (at most maxWorkers) go to workers, which block in
	// connect for at most fastWindow; the rest to probes waiting in the
	// reactor. At least one of each.
	workers := max(min(conc/2, maxWorkers, total), 1)
	e := &engine{
		opts:    opts,
		targets: targets,
		ports:   ports,
		results: make([]Result, total),
		filled:  make([]bool, total),
		total:   total,
		slots:   make(chan struct{}, max(conc-workers, 1)),
	}
	e.cond = sync.NewCond(&e.mu)
	e.left.Store(int64(total))
	for range targets {
		e.hosts = append(e.hosts, newHostTiming(max(conc, minCwnd)))
	}
	if opts.Rate > 0 {
		e.limiter = &limiter{interval: time.Duration(min(float64(time.Second)/opts.Rate, float64(time.Hour)))}
	}
	e.loLocal, e.hiLocal = localPortRange()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.cancel, e.ctx = cancel, runCtx
	if !opts.UDP && opts.ops.pollable == nil {
		r, err := newReactor(e)
		if err != nil {
			return err
		}
		e.reactor = r
		go r.run(runCtx)
	}
	stopWake := afterFunc(runCtx, func() {
		e.mu.Lock()
		e.cond.Broadcast()
		e.mu.Unlock()
	})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() { e.worker(runCtx) })
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
					opts.Progress(e.done(), total)
				}
			}
		})
	}
	wg.Wait()
	cancel() // stops probes still waiting (after an error or a cancel)
	if e.reactor != nil {
		e.reactor.stop()
	}
	e.inflight.Wait()
	stopWake()
	close(progressDone)
	pwg.Wait()
	if opts.Progress != nil {
		opts.Progress(e.done(), total)
	}

	rep.timing = map[netip.Addr][2]time.Duration{}
	for i, h := range e.hosts {
		h.mu.Lock()
		srtt := h.srtt
		h.mu.Unlock()
		rep.timing[targets[i].IP] = [2]time.Duration{srtt, e.timeout(h)}
	}
	rep.Probes += e.probes.Load()
	rep.Backoffs += e.backoffs.Load()
	// Hosts are scanned in address order, so results are in report order.
	if e.done() == total {
		rep.Results = e.results
	} else {
		rep.Results = make([]Result, 0, e.done())
		for i, ok := range e.filled {
			if ok {
				rep.Results = append(rep.Results, e.results[i])
			}
		}
	}
	return e.err
}

func (e *engine) done() int { return e.total - int(e.left.Load()) }

func (e *engine) fail(err error) {
	e.errOnce.Do(func() { e.err = err })
	e.cancel()
}

// take returns the next job: a retransmission first, then a fresh port;
// when there is neither it waits for one or for the end of the scan.
func (e *engine) take(ctx context.Context) (job, bool) {
	for {
		if e.queued.Load() > 0 {
			e.mu.Lock()
			if n := len(e.queue); n > 0 {
				j := e.queue[0]
				e.queue = e.queue[1:]
				e.queued.Add(-1)
				e.mu.Unlock()
				return j, true
			}
			e.mu.Unlock()
		}
		if i := e.next.Add(1) - 1; i < int64(e.total) {
			nT, nP := int64(len(e.targets)), int64(len(e.ports))
			return job{idx: int((i%nT)*nP + i/nT)}, true
		}
		e.mu.Lock()
		for len(e.queue) == 0 && !e.finished && ctx.Err() == nil {
			e.cond.Wait()
		}
		stop := len(e.queue) == 0
		e.mu.Unlock()
		if stop {
			return job{}, false
		}
	}
}

// requeue schedules another try of a silent port.
func (e *engine) requeue(j job) {
	e.mu.Lock()
	e.queue = append(e.queue, j)
	e.queued.Add(1)
	e.cond.Signal()
	e.mu.Unlock()
}

// decide stores a port's result; provisional results (silent ports) are
// kept aside and reported by settle.
func (e *engine) decide(j job, res Result, provisional bool) {
	e.results[j.idx] = res
	if provisional {
		e.mu.Lock()
		e.provisional = append(e.provisional, j)
		e.mu.Unlock()
	} else {
		e.filled[j.idx] = true
		if e.opts.OnResult != nil {
			e.opts.OnResult(res)
		}
	}
	if e.left.Add(-1) == 0 {
		e.settle()
	}
}

// settle runs when every port has a result: a silent port whose host
// showed that retransmissions get answers (its allowed tries grew after
// the port was given up, or it drops under load: see extraTries) is probed
// again; the others are final. The scan ends when nothing was probed
// again.
func (e *engine) settle() {
	e.mu.Lock()
	defer e.mu.Unlock()
	var again, final []job
	for _, j := range e.provisional {
		h := e.hostOf(j)
		// A first probe retryNow put off is sent again only if the
		// host turned out to drop.
		deferred := j.try == 0 && e.opts.Retries == 0 && !h.lossy()
		if j.try+1 < e.allowedTries(h)+e.extraTries(h) && !deferred {
			again = append(again, job{idx: j.idx, try: j.try + 1})
		} else {
			final = append(final, j)
		}
	}
	e.provisional = nil
	for _, j := range final {
		e.filled[j.idx] = true
		if e.opts.OnResult != nil {
			e.opts.OnResult(e.results[j.idx])
		}
	}
	if len(again) == 0 {
		e.finished = true
		e.cond.Broadcast()
		return
	}
	e.left.Add(int64(len(again)))
	e.queue = append(e.queue, again...)
	e.queued.Add(int32(len(again)))
	e.cond.Broadcast()
}

// allowedTries is how many probes a silent port of host h gets.
func (e *engine) allowedTries(h *hostTiming) int {
	if r := e.opts.Retries; r != 0 {
		return 1 + max(r, 0)
	}
	return h.allowedTries(e.opts.Timing.MaxRetries)
}

// Retransmissions without evidence of drops. A host that drops nothing
// (every answer came to a first probe) gains nothing from a second probe
// of a silent port: on a firewalled host that is 64,000 probes that only
// confirm the silence. So, in adaptive mode, a silent port is probed again
// at once only as a loss probe: the first alwaysRetried silent ports of
// each host (all of them in a small scan, as nmap would), then one in
// lossProbeEvery. An answer to any retransmission proves the host lossy
// (hostTiming.lossy): from then on every silent port gets nmap's
// allowance, and settle probes again the ones put off.
const (
	alwaysRetried  = 256
	lossProbeEvery = 8
)

// retryNow says whether port j of host h, silent at its first probe, is
// probed again now (see alwaysRetried) or put off until settle.
func (e *engine) retryNow(h *hostTiming, j job) bool {
	if e.opts.Retries != 0 || h.lossy() {
		return true
	}
	return h.silentSeen.Add(1) <= alwaysRetried || (j.idx%len(e.ports))%lossProbeEvery == 0
}

// extraTries is how many more tries settle grants the silent ports of a
// host that drops (answers came to retransmissions): at the end of the
// scan they no longer compete with other ports for the host's rate limit.
func (e *engine) extraTries(h *hostTiming) int {
	if e.opts.Retries != 0 || !h.lossy() {
		return 0
	}
	return e.opts.Timing.MaxRetries
}

// timeout is how long a probe to host h waits.
func (e *engine) timeout(h *hostTiming) time.Duration {
	if e.opts.Timeout > 0 {
		return e.opts.Timeout
	}
	return h.timeout(e.opts.Timing)
}

// hostOf is the timing of job j's host.
func (e *engine) hostOf(j job) *hostTiming { return e.hosts[j.idx/len(e.ports)] }

// newResult is job j's result before its probe: where, not yet what.
func (e *engine) newResult(j job) Result {
	t := e.targets[j.idx/len(e.ports)]
	port := e.ports[j.idx%len(e.ports)]
	proto := "tcp"
	if e.opts.UDP {
		proto = "udp"
	}
	res := Result{Host: t.Host, IP: t.IP, Port: port, Proto: proto}
	if e.opts.Service != nil {
		res.Service = e.opts.Service(port, proto)
	}
	return res
}

func (e *engine) worker(ctx context.Context) {
	p := newProber(e.opts)
	defer p.release()
	for ctx.Err() == nil {
		j, ok := e.take(ctx)
		if !ok {
			return
		}
		var err error
		if e.opts.UDP {
			err = e.probeUDP(ctx, p, j, e.newResult(j), e.hostOf(j))
		} else {
			err = e.probeTCP(ctx, p, j, e.newResult(j), e.hostOf(j))
		}
		if e.pressure.Load() {
			p.release()
		}
		if err != nil {
			e.fail(err)
			return
		}
	}
}

// shortage is one probe's run of resource shortages: the last back-off
// and the time waited so far. A probe that gets through resets it.
type shortage struct {
	backoff, waited time.Duration
}

// backoff waits out a shortage of descriptors, buffers or source ports;
// false when ctx ended or the shortage lasted too long (e.err is set).
func (e *engine) backoff(ctx context.Context, p *prober, res Result, s *shortage) bool {
	e.pressure.Store(true)
	e.backoffs.Add(1)
	p.release()
	if s.waited >= e.opts.giveUp {
		e.fail(fmt.Errorf("scan %s port %d/%s: no resources for %v: %w", res.IP, res.Port, res.Proto, s.waited, p.lastErr))
		return false
	}
	s.backoff = min(max(2*s.backoff, time.Millisecond), 100*time.Millisecond)
	s.waited += s.backoff
	return sleepCtx(ctx, s.backoff)
}

// afterFunc is context.AfterFunc whose stop also waits for f if it already
// started, so no goroutine outlives the caller.
func afterFunc(ctx context.Context, f func()) (stop func()) {
	ran := make(chan struct{})
	stopped := context.AfterFunc(ctx, func() {
		defer close(ran)
		f()
	})
	return func() {
		if !stopped() {
			<-ran
		}
	}
}
