package ping

import (
	"context"
	"net/netip"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"socklab/internal/nstest"
)

var hopLine = regexp.MustCompile(`^\s*(\d+)\s+(.*)$`)
var ipInLine = regexp.MustCompile(`[0-9a-f:.]*[.:][0-9a-f:.]+`)

// hopAddrs reads "N  addr  t ms ..." lines into "N addr addr…" strings
// (times dropped), for traceroute's output and ours alike.
func hopAddrs(text string) []string {
	var hops []string
	for _, l := range strings.Split(text, "\n") {
		m := hopLine.FindStringSubmatch(l)
		if m == nil || strings.HasPrefix(l, "traceroute") {
			continue
		}
		rest := regexp.MustCompile(`[0-9.]+ ms`).ReplaceAllString(m[2], "")
		addrs := ipInLine.FindAllString(rest, -1)
		hops = append(hops, m[1]+" "+strings.Join(addrs, " ")+" "+strings.Repeat("*", strings.Count(rest, "*")))
	}
	return hops
}

func TestTracerouteChain(t *testing.T) {
	t.Parallel()
	if !nstest.IsChild(t) {
		nstest.Need(t, "traceroute", "traceroute")
		lab, c := chain(t)
		lab.RunTest(c, nil)
		return
	}
	for _, c := range []struct {
		host, method string
		args         []string
	}{
		{"10.2.0.1", "udp", nil},
		{"10.2.0.1", "icmp", []string{"-I"}},
		{"10.2.0.1", "tcp", []string{"-T", "-p", "80"}},
		{"fd02::1", "udp", []string{"-6"}},
		{"fd02::1", "icmp", []string{"-6", "-I"}},
	} {
		tr, err := Traceroute(context.Background(), c.host, netip.MustParseAddr(c.host), TraceOptions{Method: c.method, MaxTTL: 5, Wait: 2 * time.Second})
		if err != nil {
			t.Fatalf("%s %s: %v", c.method, c.host, err)
		}
		out, err := exec.Command("traceroute", append(append([]string{"-n", "-m", "5", "-w", "2"}, c.args...), c.host)...).CombinedOutput()
		if err != nil {
			t.Fatalf("traceroute %v: %v\n%s", c.args, err, out)
		}
		got, want := hopAddrs(tr.String()), hopAddrs(string(out))
		if strings.Join(got, "\n") != strings.Join(want, "\n") || !tr.Reached || len(tr.Hops) != 2 {
			t.Errorf("%s %s:\n--- socklab\n%s--- traceroute\n%s", c.method, c.host, tr, out)
		}
		first := "10.1.0.254"
		if c.host == "fd02::1" {
			first = "fd01::fe"
		}
		if tr.Hops[0].Probes[0].Addr.String() != first || tr.Hops[1].Probes[0].Addr.String() != c.host {
			t.Errorf("%s hops: %s", c.method, tr)
		}
	}
	// Silence: a target behind DROP gives * * * and the trace ends at max_ttl.
	tr, err := Traceroute(context.Background(), "10.8.0.3", netip.MustParseAddr("10.8.0.3"), TraceOptions{Method: "icmp", MaxTTL: 2, Queries: 2, Wait: 200 * time.Millisecond})
	if err != nil || tr.Reached || len(tr.Hops) != 2 || !strings.Contains(tr.String(), " 1  * *") {
		t.Errorf("DROP trace: %v\n%s", err, tr)
	}
}
