package netinfo

import (
	"net"
	"testing"
)

// BenchmarkConnections lists TCP sockets with their owners while this
// process holds 2,000 of them (bench/netinfo compares with ss at 10,000).
func BenchmarkConnections(b *testing.B) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	for range 1000 {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		s, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Connections(Filter{Protos: []string{"tcp"}}); err != nil {
			b.Fatal(err)
		}
	}
}
