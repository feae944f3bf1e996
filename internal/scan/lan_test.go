package scan

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"socklab/internal/nstest"
	"socklab/internal/scan/scantest"
)

// TestNetnsLAN scans a /24 on a bridge the test makes: the scanner c
// (10.79.0.1), host a (.10, one listener), host b (.20, nothing listens),
// host f (.30, one listener, every other SYN dropped: only ICMP echo finds
// it), and 252 addresses nobody holds. Exactly those four hosts are up;
// the others are reported down, with no port results (not as filtered
// ports); each up host's ports have exactly their states. Without ICMP,
// host f is down. Also under ulimit -n 256. SOCKLAB_SCAN_REPEAT repeats
// the scans (bench/scan/repeat.sh: 20 of 20).
func TestNetnsLAN(t *testing.T) {
	t.Parallel()
	for _, ulimit := range []int{0, 256} {
		t.Run("ulimit"+strconv.Itoa(ulimit), func(t *testing.T) {
			t.Parallel() // each its own lab, mostly waiting out discovery timeouts
			if nstest.IsChild(t) {
				lanChild(t)
				return
			}
			nstest.Need(t, "iptables", "iptables")
			lab := nstest.New(t)
			c := lab.Add("c")
			lab.Sh(c, "ip link add br0 type bridge; ip addr add 10.79.0.1/24 dev br0; ip link set br0 up")
			ns := map[string]string{}
			for i, h := range []string{"a", "b", "f"} {
				ns[h] = lab.Add(h)
				lab.Link(c, "to"+h, ns[h], "eth0")
				lab.Sh(c, "ip link set to"+h+" master br0")
				lab.Sh(ns[h], fmt.Sprintf("ip addr add 10.79.0.%d/24 dev eth0", 10*(i+1)))
			}
			l := scantest.Listen(t, 0, 0)
			pa := l.ListenTCPIn(t, ns["a"], "10.79.0.10:0")
			pf := l.ListenTCPIn(t, ns["f"], "10.79.0.30:0")
			lab.Sh(ns["f"], fmt.Sprintf("iptables -A INPUT -p tcp --syn --dport %d -j ACCEPT; iptables -A INPUT -p tcp --syn -j DROP", pf))
			var wrap []string
			if ulimit > 0 {
				wrap = []string{"bash", "-c", "ulimit -n " + strconv.Itoa(ulimit) + `; exec "$@"`, "bash"}
			}
			lab.RunTest(c, wrap, fmt.Sprintf("SOCKLAB_LAN_PORTS=%d,%d", pa, pf))
		})
	}
}

func lanChild(t *testing.T) {
	var pa, pf int
	if _, err := fmt.Sscanf(os.Getenv("SOCKLAB_LAN_PORTS"), "%d,%d", &pa, &pf); err != nil {
		t.Fatalf("SOCKLAB_LAN_PORTS: %v", err)
	}
	targets, err := ParseTargets([]string{"10.79.0.0/24"})
	if err != nil || len(targets) != 256 {
		t.Fatalf("targets: %d, %v", len(targets), err)
	}
	ports := []int{pa, pf}
	for p := 1; p <= 40; p++ {
		ports = append(ports, p)
	}
	ports = append(ports, 80, 443)
	slices.Sort(ports)
	ports = slices.Compact(ports)
	a, b, f := netip.MustParseAddr("10.79.0.10"), netip.MustParseAddr("10.79.0.20"), netip.MustParseAddr("10.79.0.30")
	self := netip.MustParseAddr("10.79.0.1")
	// want gives every port of every up host its state.
	want := func(ip netip.Addr, port int) State {
		switch {
		case ip == a && port == pa, ip == f && port == pf:
			return Open
		case ip == f:
			return Filtered
		}
		return Closed
	}
	for i := range scantest.Repeats(1) {
		for _, icmp := range []bool{true, false} {
			rep, err := Scan(context.Background(), targets, ports, Options{noICMP: !icmp})
			if err != nil {
				t.Fatal(err)
			}
			up := map[netip.Addr]bool{self: true, a: true, b: true, f: icmp}
			var bad []string
			for _, h := range rep.HostList {
				switch {
				case up[h.IP] && h.State != HostUp, !up[h.IP] && (h.State != HostDown || h.Reason != ReasonNoResponse):
					bad = append(bad, fmt.Sprintf("host %s %s (%s)", h.IP, h.State, h.Reason))
				case h.IP == f && icmp && h.Reason != ReasonEchoReply:
					bad = append(bad, fmt.Sprintf("host f up by %s, want echo-reply", h.Reason))
				}
			}
			n := 0
			for _, r := range rep.Results {
				if !up[r.IP] {
					bad = append(bad, fmt.Sprintf("down host %s has port %d %s", r.IP, r.Port, r.State))
				} else if w := want(r.IP, r.Port); r.State != w {
					bad = append(bad, fmt.Sprintf("%s port %d %s (%s), want %s", r.IP, r.Port, r.State, r.Reason, w))
				}
				n++
			}
			upCount := 0
			for _, u := range up {
				if u {
					upCount++
				}
			}
			if n != upCount*len(ports) {
				bad = append(bad, fmt.Sprintf("%d results, want %d", n, upCount*len(ports)))
			}
			if len(bad) > 0 {
				t.Fatalf("run %d, icmp %v:\n%s", i, icmp, strings.Join(bad[:min(len(bad), 20)], "\n"))
			}
			t.Logf("run %d, icmp %v: %v, %d probes, %d backoffs", i, icmp, rep.Elapsed.Round(time.Millisecond), rep.Probes, rep.Backoffs)
		}
	}
}
