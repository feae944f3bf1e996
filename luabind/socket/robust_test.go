package socket

import (
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"socklab/internal/sock/socktest"
	"socklab/luabind/runtime"
)

// A TCP connect to itself must not look like success (the engine's own
// test tries the whole ephemeral range).
func TestSelfConnect(t *testing.T) {
	t.Parallel()
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
}

// 10,000 open/close cycles (and failures, and sockets left to their task)
// leave no descriptor behind.
func (e env) testNoLeaks(t *testing.T) {
	out := e.runLua(t, `
-- l holds the port on IPv4 and IPv6 (bound, never listening): connects to it are refused
local l = socket.socket(socket.AF_INET6); l:bind("::", 0); local closed = l:getsockname().port
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
}

// Not parallel: it counts the process's descriptors and goroutines.
func TestNoLeaks(t *testing.T) {
	goruntime.GC()
	fds, gs := socktest.FdCount(), goruntime.NumGoroutine()
	env{}.testNoLeaks(t)
	socktest.WaitFds(t, fds)
	socktest.Eventually(t, fmt.Sprintf("goroutines back to %d", gs+2), func() bool { return goruntime.NumGoroutine() <= gs+2 })
}

// A blocked accept, recv and recvfrom end when their task is cancelled;
// the task's own sockets are closed, while a socket it merely used (the
// listener, owned by the main chunk) stays open and usable.
func (e env) testCancelBlockedCalls(t *testing.T) {
	out := e.runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local srv2 = socket.create_server("127.0.0.1", 0)
local port2 = srv2:getsockname().port
local a = spawn(function() return srv:accept() end)
local r = spawn(function() local conn = assert(socket.create_connection("127.0.0.1", port2)); return conn:recv(10) end)
local u = spawn(function() local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u:bind("127.0.0.1", 0); return u:recvfrom(10) end)
sleep(0.2) -- (the calls are usually blocked by now; cancelling works either way)
a:cancel(); r:cancel(); u:cancel()
print(a:join()) print(r:join()) print(u:join())
local c = socket.create_connection("127.0.0.1", srv:getsockname().port)
local conn = srv:accept()
print(conn ~= nil)
c:close() conn:close() srv:close() srv2:close()
`)
	if out != "nil\tinterrupted\nnil\tinterrupted\nnil\tinterrupted\ntrue\n" {
		t.Fatalf("got:\n%s", out)
	}
}

// Not parallel: it counts the process's descriptors.
func TestCancelBlockedCalls(t *testing.T) {
	fds := socktest.FdCount()
	env{}.testCancelBlockedCalls(t)
	socktest.WaitFds(t, fds)
}

// Ctrl-C (the Exec context) interrupts a blocked recv at top level too.
func (e env) testInterruptForeground(t *testing.T) {
	r := e.startLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local c = socket.create_connection("127.0.0.1", srv:getsockname().port)
print("receiving")
c:recv(10)`)
	r.waitOutput(t, "receiving")
	r.cancel()
	if err := r.wait(t); err == nil || !runtime.IsInterrupted(err) {
		t.Fatalf("err %v", err)
	}
}

// Closing a socket another task is blocked on wakes that task with EBADF.
func (e env) testCloseWhileBlocked(t *testing.T) {
	out := e.runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local t = spawn(function() return srv:accept() end)
sleep(0.1) -- (usually blocked by now; a closed socket gives EBADF either way)
srv:close()
print(t:join())
`)
	if out != "nil\t[Errno 9] Bad file descriptor\n" {
		t.Fatalf("got %q", out)
	}
}

// A Lua echo server, one task per client, and many concurrent Lua clients:
// no byte lost or reordered.
func (e env) testConcurrentEcho(t *testing.T) {
	start := time.Now()
	clients, messages := concClients, concMessages
	if e.threads != nil { // the poll-mode runs, side by side: smaller
		clients, messages = clients/5, messages/5
	}
	out := e.runLua(t, fmt.Sprintf(`
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
`, clients, messages))
	if out != fmt.Sprintf("%d\n", clients) {
		t.Fatalf("got:\n%s", out)
	}
	t.Logf("%d clients × %d messages in %v", clients, messages, time.Since(start))
}

func TestInterruptForeground(t *testing.T) { t.Parallel(); env{}.testInterruptForeground(t) }
func TestCloseWhileBlocked(t *testing.T)   { t.Parallel(); env{}.testCloseWhileBlocked(t) }
func TestConcurrentEcho(t *testing.T)      { t.Parallel(); env{}.testConcurrentEcho(t) }
