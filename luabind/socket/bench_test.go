package socket

import (
	"context"
	"net"
	"strconv"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

func echoServer(b testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 65536)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					c.Write(buf[:n])
				}
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// BenchmarkLuaEcho is bench/socket's echo client: one op is one 32-byte
// round trip made by Lua code (send, recv) through the runtime.
func BenchmarkLuaEcho(b *testing.B) {
	port := echoServer(b)
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
	port := echoServer(b)
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
