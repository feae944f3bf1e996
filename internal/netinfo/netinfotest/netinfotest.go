// Package netinfotest holds what the netinfo engine's and the net Lua
// module's tests and benchmarks share: a process holding many TCP sockets,
// so that a listing has something to list.
package netinfotest

import (
	"net"
	"testing"
)

// HoldTCP opens pairs loopback TCP connections (both ends, 2*pairs sockets
// plus one listener) held until tb ends.
func HoldTCP(tb testing.TB, pairs int) {
	tb.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	for range pairs {
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		s, err := ln.Accept()
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
	}
}
