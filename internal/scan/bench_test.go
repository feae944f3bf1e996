package scan

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"socklab/internal/scan/scantest"
)

var loopback4 = []Target{{Host: "127.0.0.1", IP: netip.MustParseAddr("127.0.0.1")}}

func allPorts() []int {
	ps := make([]int, MaxPort)
	for i := range ps {
		ps[i] = i + 1
	}
	return ps
}

// benchFullScan scans 1-65535 of 127.0.0.1 b.N times (inside the namespace).
func benchFullScan(b *testing.B, opts Options) {
	l := scantest.Listen(b, 5, 0)
	want := slices.Sorted(slices.Values(l.TCP))
	ports := allPorts()
	b.ResetTimer()
	for b.Loop() {
		rep, err := Scan(context.Background(), loopback4, ports, opts)
		if err != nil {
			b.Fatal(err)
		}
		if got := openPorts(rep); !slices.Equal(got, want) {
			b.Fatalf("open %v, want %v", got, want)
		}
	}
	b.ReportMetric(float64(b.N*len(ports))/b.Elapsed().Seconds(), "ports/s")
}

// BenchmarkFullScan times a full TCP scan of 127.0.0.1 with default options,
// in a private network namespace (root only; skipped otherwise).
func BenchmarkFullScan(b *testing.B) {
	if !scantest.Child(b, scantest.NS{}) {
		return
	}
	benchFullScan(b, Options{})
}

// BenchmarkProbeModes compares blocking connect with SO_SNDTIMEO against
// nonblocking connect + poll, at several worker counts.
func BenchmarkProbeModes(b *testing.B) {
	if !scantest.Child(b, scantest.NS{}) {
		return
	}
	for _, mode := range []struct {
		name string
		m    probeMode
	}{{"blocking", modeBlocking}, {"poll", modePoll}} {
		for _, c := range []int{8, 64, 256} {
			b.Run(fmt.Sprintf("%s/c=%d", mode.name, c), func(b *testing.B) {
				benchFullScan(b, Options{Concurrency: c, mode: mode.m})
			})
		}
	}
}

func openPorts(rep *Report) []int {
	var out []int
	for _, r := range rep.Results {
		if r.State == Open {
			out = append(out, r.Port)
		}
	}
	return out
}
