package scan

import (
	"context"
)

// discoveryPorts are the ports host discovery connects to (nmap's TCP
// ping for unprivileged scans): an answer from either, open or closed,
// means the host is up.
var discoveryPorts = []int{80, 443}

// discover probes each target's discoveryPorts (one retry, the template's
// initial timeout) and marks hosts up or down; it returns the targets that
// are up, in order. ICMP echo is not used: connect probes need no
// privileges and see through hosts that drop pings.
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
	rep := &Report{}
	err := scanHosts(ctx, targets, discoveryPorts, &d, rep)
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
		if why, ok := reason[i]; ok {
			hosts[i].State, hosts[i].Reason = HostUp, why
			up = append(up, targets[i])
		} else if err == nil {
			hosts[i].State, hosts[i].Reason = HostDown, ReasonNoResponse
		}
	}
	return up, rep.Probes, err
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
