package netinfo

import (
	"context"
	"net"
	"testing"

	"socklab/luabind/runtime/runtimetest"
)

// BenchmarkLuaConnections is net.connections("tcp") from Lua while this
// process holds 2,000 TCP sockets (bench/netinfo compares with ss).
func BenchmarkLuaConnections(b *testing.B) {
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
	e := runtimetest.New(b)
	proto, err := e.RT.Compile(`local c = net.connections("tcp") assert(#c >= 2000)`, "bench")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.RT.Exec(context.Background(), proto, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
