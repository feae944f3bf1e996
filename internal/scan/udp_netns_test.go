package scan

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"socklab/internal/scan/scantest"
)

// TestNetnsUDP: UDP scans of 127.0.0.1 in a private network namespace whose
// ICMP rate limits are lifted (every closed port answers port unreachable),
// with four echo listeners. The cases run one after the other: each
// expects exactly its own silent port.
func TestNetnsUDP(t *testing.T) {
	t.Parallel()
	if !scantest.Child(t, scantest.NS{Setup: []string{
		"echo 0 > /proc/sys/net/ipv4/icmp_ratemask",
		"echo 0 > /proc/sys/net/ipv4/icmp_ratelimit",
	}}) {
		return
	}
	l := scantest.Listen(t, 0, 4)
	t.Run("adaptive", func(t *testing.T) { checkUDPAdaptive(t, l.UDP[0]) })
	t.Run("full", func(t *testing.T) { checkUDPFull(t, l) })
}

// silentUDP binds a UDP socket on addr that never answers, until the
// (sub)test ends, and returns its port.
func silentUDP(t *testing.T, addr string) int {
	silent, err := net.ListenPacket("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	return silent.LocalAddr().(*net.UDPAddr).Port
}

// checkUDPFull: a full UDP scan finds exactly the echo listeners open
// (with their reply as banner) and every other port closed; a silent UDP
// port is open|filtered, never open.
func checkUDPFull(t *testing.T, l *scantest.Listeners) {
	// The silent port is low, so it is probed first: the timeouts it must
	// wait out overlap the rest of the scan instead of ending it.
	silentPort := silentUDP(t, "127.0.0.1:9")
	// A loaded machine may starve the echo goroutines: the timeout and the
	// retries are generous (they cost time only on the one silent port).
	rep, err := Scan(context.Background(), loopback4, allPorts(), Options{UDP: true, Timeout: 2 * time.Second, Retries: 2, Banner: true})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(slices.Values(l.UDP))
	var open []int
	for _, r := range rep.Results {
		switch {
		case r.State == Open:
			open = append(open, r.Port)
			if !strings.HasPrefix(r.Banner, "echo:") {
				t.Errorf("port %d banner %q", r.Port, r.Banner)
			}
		case r.Port == silentPort:
			if r.State != OpenFiltered {
				t.Errorf("silent UDP port %s, want open|filtered", r.State)
			}
		case r.State != Closed:
			t.Errorf("UDP port %d %s", r.Port, r.State)
		}
	}
	if !slices.Equal(open, want) {
		t.Fatalf("open %v, want %v", open, want)
	}
	t.Logf("full UDP scan: %v, %d probes", rep.Elapsed.Round(time.Millisecond), rep.Probes)
}

// checkUDPAdaptive: a UDP scan of ports 1-300, the echo listener and a
// silent port, with the default timing, learns the host's round trips
// from the ICMP port unreachables and the replies: its timeout ends below
// the template's initial one (so the silent port, probed last, costs that,
// not a fixed second), and the states stay exact: the echo listener open,
// the silent one open|filtered, every other port closed.
//
// The kernel answers the closed ports in microseconds, so the timeout
// settles at MinRTT (100 ms), while the echo goroutine of this test
// process may wait far longer for a CPU on a loaded machine: three
// retries, each waiting twice the one before (100+200+400+800 ms), are
// the budget such a reply must meet.
func checkUDPAdaptive(t *testing.T, echo int) {
	silentPort := silentUDP(t, "127.0.0.1:0")
	ports := append(allPorts()[:300], echo, silentPort)
	rep, err := Scan(context.Background(), loopback4, ports, Options{UDP: true, Retries: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		want := Closed
		switch r.Port {
		case echo:
			want = Open
		case silentPort:
			want = OpenFiltered
		}
		if r.State != want {
			t.Errorf("UDP port %d %s (%s), want %s", r.Port, r.State, r.Reason, want)
		}
	}
	h := rep.HostList[0]
	if h.SRTT <= 0 || h.Timeout >= Templates[DefaultTemplate].InitialRTT {
		t.Errorf("timing did not adapt: srtt %v, final timeout %v", h.SRTT, h.Timeout)
	}
	t.Logf("%v, %d probes, srtt %v, timeout %v", rep.Elapsed.Round(time.Millisecond), rep.Probes, h.SRTT, h.Timeout)
}
