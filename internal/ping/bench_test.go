package ping

import (
	"context"
	"net/netip"
	"testing"
)

// BenchmarkFloodLoopback floods 127.0.0.1 (b.N echoes, interval 0) on the
// fastest socket this process may open. bench/ping compares it with iputils.
func BenchmarkFloodLoopback(b *testing.B) {
	r, err := Ping(context.Background(), "127.0.0.1", netip.MustParseAddr("127.0.0.1"), Options{Count: b.N})
	if err != nil {
		b.Fatal(err)
	}
	if r.Received != b.N {
		b.Fatalf("%d of %d received", r.Received, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "echoes/s")
}
