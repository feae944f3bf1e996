package netinfo

import (
	"testing"

	"socklab/internal/netinfo/netinfotest"
)

// BenchmarkConnections lists TCP sockets with their owners while this
// process holds 2,000 of them (bench/netinfo compares with ss at 10,000).
func BenchmarkConnections(b *testing.B) {
	netinfotest.HoldTCP(b, 1000)
	for b.Loop() {
		if _, err := Connections(Filter{Protos: []string{"tcp"}}); err != nil {
			b.Fatal(err)
		}
	}
}
