package scan

import (
	"context"
	"fmt"
	"time"
)

// probeUDP decides one UDP port: a datagram per try on one connected
// socket (a late reply to an earlier try still counts), 1 + retries tries
// (Options.Retries; unset, nmap's rule: one more than the highest try the
// host answered, at least two, re-read before each retry). Each try waits
// Options.Timeout or, unset, the host's adaptive timeout, learnt from the
// replies and the ICMP port unreachables that came back (the template's
// initial timeout before any), doubled for each retry up to MaxRTT (RFC
// 6298's back-off): a reply slowed by a loaded host still gets in before
// the last try ends. A non-nil error ends the scan.
func (e *engine) probeUDP(ctx context.Context, p *prober, j job, res Result, h *hostTiming) error {
	tries, selfs := 0, 0
	var short shortage
	for {
		if e.limiter != nil && !e.limiter.wait(ctx) {
			p.closeUDP()
			return nil
		}
		e.probes.Add(1)
		o, banner, rtt, err := p.probeUDP(ctx, res.IP, res.Port, tries > 0, e.retryTimeout(h, tries))
		if o == outOpen || o == outClosed {
			h.answer(tries, rtt)
		}
		if err != nil {
			p.closeUDP()
			return fmt.Errorf("scan %s port %d/udp: %w", res.IP, res.Port, err)
		}
		if o != outResource {
			short = shortage{}
		}
		switch o {
		case outOpen:
			res.State, res.Reason, res.Banner, res.RTT = Open, ReasonUDPResponse, banner, rtt
		case outClosed:
			res.State, res.Reason, res.RTT = Closed, ReasonPortUnreach, rtt
		case outFiltered:
			res.State, res.Reason, res.RTT = Filtered, unreachReason(p.lastUnreach), rtt
		case outSilent, outTimeout:
			if tries+1 < e.allowedTries(h) {
				tries++
				continue
			}
			p.closeUDP()
			res.State, res.Reason, res.RTT = OpenFiltered, ReasonNoResponse, rtt
		case outSelf:
			if selfs++; selfs >= maxSelfConnects {
				res.State, res.Reason, res.RTT = Closed, ReasonPortUnreach, rtt
				break
			}
			continue
		case outResource:
			if !e.backoff(ctx, p, res, &short) {
				return nil
			}
			continue
		case outCanceled:
			p.closeUDP()
			return nil
		default:
			p.closeUDP()
			return fmt.Errorf("scan %s port %d/udp: %w", res.IP, res.Port, p.lastErr)
		}
		e.decide(j, res, false)
		return nil
	}
}

// retryTimeout is how long try (0 = the first probe) of a silent UDP port
// waits: the host's timeout, doubled for each retry, at most MaxRTT; a
// fixed Options.Timeout stays fixed.
func (e *engine) retryTimeout(h *hostTiming, try int) time.Duration {
	t := e.timeout(h)
	if e.opts.Timeout > 0 {
		return t
	}
	return max(min(t<<min(try, 16), e.opts.Timing.MaxRTT), t)
}
