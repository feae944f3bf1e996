package netinfo

import (
	"context"
	"testing"

	"socklab/internal/netinfo/netinfotest"
	"socklab/luabind/runtime/runtimetest"
)

// BenchmarkLuaConnections is net.connections("tcp") from Lua while this
// process holds 2,000 TCP sockets (bench/netinfo compares with ss).
func BenchmarkLuaConnections(b *testing.B) {
	netinfotest.HoldTCP(b, 1000)
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
