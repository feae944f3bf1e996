package socket

import (
	"context"
	"strconv"
	"syscall"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/sock/socktest"
	"socklab/luabind/runtime"
)

// BenchmarkLuaEcho is bench/socket's echo client: one op is one 32-byte
// round trip made by Lua code (send, recv) through the runtime.
func BenchmarkLuaEcho(b *testing.B) {
	port := socktest.EchoServer(b)
	rt := runtime.New()
	defer rt.Close()
	proto, err := rt.Compile(`
local port, n = ...
local s = assert(socket.create_connection("127.0.0.1", tonumber(port)))
local msg = string.rep("x", 32)
for i = 1, tonumber(n) do
  s:send(msg)
  local got = #s:recv(1024)
  while got < 32 do got = got + #s:recv(1024) end
end
s:close()
`, "echo.lua")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := rt.Exec(context.Background(), proto, "echo", lua.LString(strconv.Itoa(port)), lua.LString(strconv.Itoa(b.N))); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLuaConnectClose is socket(), connect() and close() from Lua.
func BenchmarkLuaConnectClose(b *testing.B) {
	port := socktest.EchoServer(b)
	rt := runtime.New()
	defer rt.Close()
	proto, err := rt.Compile(`local port, n = ...
		for i = 1, n do local s = socket.socket() assert(s:connect("127.0.0.1", port)) s:close() end`, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := rt.Exec(context.Background(), proto, "bench", lua.LNumber(port), lua.LNumber(b.N)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSocketMethodCall is a method call with no I/O (s:fileno()) and
// an attribute read (s.family) on a socket: the cost of the lookup that
// the socket's __index table saves (runtime's variants.go).
func BenchmarkSocketMethodCall(b *testing.B) {
	for _, c := range []struct{ name, loop string }{
		{"fileno", "s:fileno()"},
		{"family", "x = s.family"},
	} {
		b.Run(c.name, func(b *testing.B) {
			rt := runtime.New()
			defer rt.Close()
			proto, err := rt.Compile(`local n = ...
				local s, x = socket.socket()
				for i = 1, n do `+c.loop+` end
				s:close()`, "bench")
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var before, after syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			if _, err := rt.Exec(context.Background(), proto, "bench", lua.LNumber(b.N)); err != nil {
				b.Fatal(err)
			}
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			// CPU time per op: what other processes on a shared machine
			// take from the loop is not counted (runtime's bench_test.go).
			cpu := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
