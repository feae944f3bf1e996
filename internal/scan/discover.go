package scan

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"socklab/internal/ping"
)

// discoveryPorts are the ports host discovery connects to (nmap's TCP
// ping for unprivileged scans): an answer from either, open or closed,
// means the host is up.
var discoveryPorts = []int{80, 443}

// ReasonEchoReply says a host answered an ICMP echo request (nmap's word).
const ReasonEchoReply = "echo-reply"

// discover marks each target up or down and returns the targets that are
// up, in order. Two probes run side by side: a connect to discoveryPorts
// (one retry, the template's initial timeout), which needs no privilege
// and sees through hosts that drop pings, and, when the process may open
// an ICMP socket (raw as root, or datagram where ping_group_range allows),
// one echo request per host through socklab/internal/ping, which sees
// hosts whose firewall drops SYNs to those ports. Either answer means up.
func discover(ctx context.Context, targets []Target, hosts []Host, opts *Options) ([]Target, int64, error) {
	d := Options{
		Timing:          opts.Timing,
		Timeout:         opts.Timing.InitialRTT,
		Retries:         1,
		Concurrency:     opts.Concurrency,
		Rate:            opts.Rate,
		IHavePermission: true, // checked already
		ops:             opts.ops,
		giveUp:          opts.giveUp,
	}
	if opts.Timeout > 0 {
		d.Timeout = opts.Timeout
	}
	var echoed map[netip.Addr]bool
	var echoes int64
	var wg sync.WaitGroup
	if opts.ops == &realOps && !opts.noICMP {
		wg.Go(func() { echoed, echoes = echoSweep(ctx, targets, d.Timeout, opts.Concurrency) })
	}
	rep := &Report{}
	err := scanHosts(ctx, targets, discoveryPorts, &d, rep)
	wg.Wait()
	reason := map[int]string{}
	for _, r := range rep.Results {
		i := indexOf(targets, r)
		if _, seen := reason[i]; seen {
			continue
		}
		if r.State == Open || r.State == Closed {
			reason[i] = r.Reason
		}
	}
	var up []Target
	for i := range targets {
		why, ok := reason[i]
		if !ok && echoed[targets[i].IP] {
			why, ok = ReasonEchoReply, true
		}
		if ok {
			hosts[i].State, hosts[i].Reason = HostUp, why
			up = append(up, targets[i])
		} else if err == nil {
			hosts[i].State, hosts[i].Reason = HostDown, ReasonNoResponse
		}
	}
	return up, rep.Probes + echoes, err
}

// echoSweep sends one ICMP echo request to each target and waits up to
// timeout for its reply; it returns the addresses that replied and the
// number of requests sent. Without permission for any ICMP socket it
// returns nothing (the connect probes decide alone). At most
// concurrency/2 pings (one socket each) run at once, so the sweep never
// takes the descriptors the port scan needs.
func echoSweep(ctx context.Context, targets []Target, timeout time.Duration, concurrency int) (map[netip.Addr]bool, int64) {
	if concurrency <= 0 {
		concurrency = AutoConcurrency()
	}
	method, ok := icmpMethod(ctx, targets[0].IP)
	if !ok {
		return nil, 0
	}
	var (
		mu    sync.Mutex
		up    = map[netip.Addr]bool{}
		sent  atomic.Int64
		slots = make(chan struct{}, max(min(concurrency/2, 256), 1))
		wg    sync.WaitGroup
	)
	for _, t := range targets {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			r, err := ping.Ping(ctx, t.IP.String(), t.IP, ping.Options{Count: 1, Timeout: timeout, Method: method})
			if err != nil {
				return // no socket (EMFILE, another family's permission): the connect probes decide
			}
			sent.Add(int64(r.Transmitted))
			if r.Received > 0 {
				mu.Lock()
				up[t.IP] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return up, sent.Load()
}

// icmpMethod finds which ICMP socket this process may open (raw, else
// datagram) by trying each toward addr's family with a zero-length
// deadline; false when neither is allowed.
func icmpMethod(ctx context.Context, addr netip.Addr) (string, bool) {
	for _, m := range []string{ping.MethodRaw, ping.MethodDgram} {
		if _, err := ping.Ping(ctx, addr.String(), addr, ping.Options{Count: 1, Deadline: time.Nanosecond, Method: m}); err == nil {
			return m, true
		}
	}
	return "", false
}

// indexOf finds r's target (targets are sorted by address).
func indexOf(targets []Target, r Result) int {
	lo, hi := 0, len(targets)
	for lo < hi {
		m := (lo + hi) / 2
		if targets[m].IP.Less(r.IP) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
