package scan

import (
	"context"
	"strconv"
	"testing"
	"time"

	"socklab/internal/scan/scantest"
)

// Hosts behind firewalls (DROP, REJECT, rate-limited RSTs), made with
// iptables in a private network namespace: every port must end in exactly
// its state, also under `ulimit -n 256`.

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
