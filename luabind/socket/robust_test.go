package socket

import (
	"context"
	"fmt"
	"os"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"socklab/luabind/runtime"
)

func fdCount() int {
	ents, _ := os.ReadDir("/proc/self/fd")
	return len(ents)
}

// A TCP connect to itself must not look like success.
func TestSelfConnect(t *testing.T) {
	out := runLua(t, `
local probe = socket.socket(); probe:bind("127.0.0.1", 0)
local port = probe:getsockname().port; probe:close()
local s = socket.socket()
s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
assert(s:bind("127.0.0.1", port))
print(s:connect_ex("127.0.0.1", port))
print(s:connect("127.0.0.1", port))
print(s:getpeername())
s:close()
`)
	if out != "111\nnil\t[Errno 111] Connection refused\nnil\t[Errno 107] Transport endpoint is not connected\n" {
		t.Fatalf("got:\n%s", out)
	}
	// The engine alone, with an unbound socket, across the ephemeral range:
	// whatever port the kernel picks, no connect to a closed port succeeds.
	ctx := context.Background()
	for i := 0; i < 2000; i++ {
		s, _ := NewSocket(unix.AF_INET, unix.SOCK_STREAM, 0)
		// A self-connect needs source port == target port; bind to the
		// target first to force one every time.
		port := 40000 + i
		s.SetsockoptInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if err := s.Bind(&unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port}); err != nil {
			s.Close()
			continue
		}
		err := s.Connect(ctx, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
		s.Close()
		if err != unix.ECONNREFUSED {
			t.Fatalf("port %d: connect gave %v", port, err)
		}
	}
}

// 10,000 open/close cycles (and failures, and sockets left to their task)
// leave no descriptor and no goroutine behind.
func TestNoLeaks(t *testing.T) {
	goruntime.GC()
	fds, gs := fdCount(), goruntime.NumGoroutine()
	out := runLua(t, `
local l = socket.socket(); l:bind("127.0.0.1", 0); local closed = l:getsockname().port; l:close()
for i = 1, 10000 do
  local s = socket.socket(i % 2 == 0 and socket.AF_INET or socket.AF_INET6, i % 3 == 0 and socket.SOCK_DGRAM or socket.SOCK_STREAM)
  if i % 100 == 0 then local ok, err = s:connect(s.family == socket.AF_INET and "127.0.0.1" or "::1", closed) end
  s:close()
  s:close()
end
local tasks = {}
for i = 1, 200 do
  tasks[i] = spawn(function() local s = socket.socket(); s:bind("127.0.0.1", 0); if i % 2 == 0 then error("boom") end end)
end
local results = join(tasks)
local srv = socket.create_server("127.0.0.1", 0)
local t = spawn(function() return srv:accept() end)
sleep(0.05); t:cancel(); t:join()
print("ok")
`)
	if !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("got %q", out)
	}
	time.Sleep(200 * time.Millisecond)
	if n := fdCount(); n > fds {
		t.Errorf("fds: %d before, %d after", fds, n)
	}
	if n := goruntime.NumGoroutine(); n > gs+2 {
		t.Errorf("goroutines: %d before, %d after", gs, n)
	}
}

// A blocked accept, recv and recvfrom end promptly when their task is
// cancelled; the task's own sockets are closed, while a socket it merely
// used (the listener, owned by the main chunk) stays open and usable.
func TestCancelBlockedCalls(t *testing.T) {
	fds := fdCount()
	out := runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local srv2 = socket.create_server("127.0.0.1", 0)
local port2 = srv2:getsockname().port
local a = spawn(function() return srv:accept() end)
local r = spawn(function() local conn = assert(socket.create_connection("127.0.0.1", port2)); return conn:recv(10) end)
local u = spawn(function() local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u:bind("127.0.0.1", 0); return u:recvfrom(10) end)
sleep(0.2)
local t0 = now()
a:cancel(); r:cancel(); u:cancel()
print(a:join()) print(r:join()) print(u:join())
print(now() - t0 < 0.5)
local c = socket.create_connection("127.0.0.1", srv:getsockname().port)
local conn = srv:accept()
print(conn ~= nil)
c:close() conn:close() srv:close() srv2:close()
`)
	if out != "nil\tinterrupted\nnil\tinterrupted\nnil\tinterrupted\ntrue\ntrue\n" {
		t.Fatalf("got:\n%s", out)
	}
	time.Sleep(50 * time.Millisecond)
	if n := fdCount(); n > fds {
		t.Errorf("fds: %d before, %d after", fds, n)
	}
}

// Ctrl-C (the Exec context) interrupts a blocked recv at top level too.
func TestInterruptForeground(t *testing.T) {
	start := time.Now()
	_, err := tryLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local c = socket.create_connection("127.0.0.1", srv:getsockname().port)
c:recv(10)`, 300*time.Millisecond)
	if err == nil || !runtime.IsInterrupted(err) || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
}

// Closing a socket another task is blocked on wakes that task with EBADF.
func TestCloseWhileBlocked(t *testing.T) {
	out := runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local t = spawn(function() return srv:accept() end)
sleep(0.1)
srv:close()
print(t:join())
`)
	if out != "nil\t[Errno 9] Bad file descriptor\n" {
		t.Fatalf("got %q", out)
	}
}

// A Lua echo server, one task per client, and many concurrent Lua clients:
// no byte lost or reordered.
func TestConcurrentEcho(t *testing.T) {
	start := time.Now()
	out := runLua(t, fmt.Sprintf(`
local clients, messages = %d, %d
local srv = assert(socket.create_server("127.0.0.1", 0, {backlog = 4096}))
local port = srv:getsockname().port
local server = spawn(function()
  for i = 1, clients do
    local conn = assert(srv:accept())
    spawn(function(conn)
      while true do
        local line = conn:recvline()
        if not line or line == "" then break end
        assert(conn:sendall(line))
      end
      conn:close()
    end, conn)
  end
end)
local tasks = {}
for c = 1, clients do
  tasks[c] = spawn(function()
    local s = assert(socket.create_connection("127.0.0.1", port))
    for m = 1, messages do
      local msg = "client " .. c .. " message " .. m .. " " .. string.rep("x", (c * m) %% 200) .. "\n"
      assert(s:sendall(msg))
      local back = assert(s:recvexactly(#msg))
      if back ~= msg then error("mismatch " .. c .. " " .. m) end
    end
    s:close()
    return true
  end)
end
local okc = 0
for _, r in ipairs(join(tasks)) do if r[1] == true then okc = okc + 1 else print(r[2]) end end
server:join()
print(okc)
`, concClients, concMessages))
	if out != fmt.Sprintf("%d\n", concClients) {
		t.Fatalf("got:\n%s", out)
	}
	t.Logf("%d clients × %d messages in %v", concClients, concMessages, time.Since(start))
}
