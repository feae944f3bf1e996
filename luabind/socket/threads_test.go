package socket

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"socklab/internal/sock"
	"socklab/internal/sock/socktest"
	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// More tasks than Go has threads (10,000) block at once in recvfrom, accept
// and recv, then are all cancelled: the process survives, the calls beyond
// the thread budget wait in the netpoller, and every descriptor is returned.
//
// Not parallel: it counts the process's threads and descriptors.
func TestManyBlockedTasks(t *testing.T) {
	fds := socktest.FdCount()
	// A budget of a quarter of the tasks: most of them wait in the
	// netpoller, as beyond Go's thread limit.
	budget := sock.NewBudget(min(sock.DefaultBudget.Max(), manyTasks/4))
	n := manyTasks
	nr := n / 4       // recv on TCP connections (2 fds each)
	na := n / 4       // accept, on 16 shared listeners
	nu := n - nr - na // recvfrom on UDP sockets
	rt := env{threads: budget}.newRuntime()
	defer rt.Close()
	var out runtimetest.Buffer
	rt.SetOutput(&out, &out)
	proto, err := rt.Compile(fmt.Sprintf(`
local nu, na, nr = %d, %d, %d
local ready, hs = 0, {}
local srv = assert(socket.create_server("127.0.0.1", 0, {backlog = 4096}))
local port = srv:getsockname().port
local ls = {}
for i = 1, 16 do ls[i] = assert(socket.create_server("127.0.0.1", 0)) end
-- The UDP sockets are connected to a peer that never sends: a datagram
-- another test sends to a port it believes closed cannot reach them.
local peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(peer:bind("127.0.0.1", 0))
local peeraddr = peer:getsockname()
for i = 1, nu do
  hs[#hs+1] = spawn(function()
    local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    assert(u:bind("127.0.0.1", 0))
    assert(u:connect(peeraddr))
    ready = ready + 1
    return u:recvfrom(100)
  end)
end
for i = 1, na do
  hs[#hs+1] = spawn(function() ready = ready + 1 return ls[i %% 16 + 1]:accept() end)
end
for i = 1, nr do
  hs[#hs+1] = spawn(function()
    local c = assert(socket.create_connection("127.0.0.1", port))
    ready = ready + 1
    return c:recv(10)
  end)
end
local conns = {}
for i = 1, nr do conns[i] = assert(srv:accept()) end
while ready < #hs do sleep(0.02) end
sleep(0.2) -- (to let the last ones block: the checks hold either way)
print("blocked", #tasks())
for _, h in ipairs(hs) do h:cancel() end
local okc = 0
for _, r in ipairs(join(hs)) do
  if r[1] == nil and r[2] == "interrupted" then okc = okc + 1 else print(r[1], r[2]) end
end
for _, c in ipairs(conns) do c:close() end
for _, l in ipairs(ls) do l:close() end
srv:close() peer:close()
print("cancelled", okc)
`, nu, na, nr), "many.lua")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := rt.Exec(ctx, proto, "many")
		done <- err
	}()
	threads := -1
	for threads < 0 {
		select {
		case err := <-done:
			t.Fatalf("ended early: %v\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if strings.Contains(out.String(), "blocked") {
			threads = socktest.ThreadCount()
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("lua error: %v\n%s", runtime.ErrorMessage(err), out.String())
	}
	want := fmt.Sprintf("blocked\t%d\ncancelled\t%d\n", n, n)
	if out.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	t.Logf("%d tasks blocked with %d threads (budget %d); %v in all", n, threads, budget.Max(), time.Since(start))
	if threads > budget.Max()+500 {
		t.Errorf("%d threads for %d blocked tasks", threads, n)
	}
	socktest.WaitFds(t, fds)
	if b := budget.InUse(); b != 0 {
		t.Errorf("%d thread slots still taken", b)
	}
}

// The Lua-level behaviour tests again, with every socket in poll mode (no
// thread budget at all), and with a budget of one, where a socket can move
// to the netpoller while another task is blocked on it.
func TestPollMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    func(env, *testing.T)
	}{
		{"EchoBasics", env.testEchoBasics},
		{"MisuseAndFailures", env.testMisuseAndFailures},
		{"LineHelpersAndModule", env.testLineHelpersAndModule},
		{"CancelBlockedCalls", env.testCancelBlockedCalls},
		{"InterruptForeground", env.testInterruptForeground},
		{"CloseWhileBlocked", env.testCloseWhileBlocked},
		{"ConcurrentEcho", env.testConcurrentEcho},
		{"NoLeaks", env.testNoLeaks},
		{"SharedSocket", env.testSharedSocket},
		{"SlowConnect", env.testSlowConnect},
		{"AcceptedSocketTimeout", env.testAcceptedSocketTimeout},
	}
	for _, budget := range []int{0, 1} {
		for _, tc := range tests {
			t.Run(fmt.Sprintf("budget%d/%s", budget, tc.name), func(t *testing.T) {
				t.Parallel()
				tc.f(env{threads: sock.NewBudget(budget)}, t)
			})
		}
	}
}

// Several tasks wait on one socket in the same direction: cancelling one
// (queued or waiting) leaves the others waiting, a timeout applies to each,
// data reaches a waiter, the socket stays usable, and Close wakes them all.
func (e env) testSharedSocket(t *testing.T) {
	out := e.runLua(t, `
local srv = socket.create_server("127.0.0.1", 0)
local port = srv:getsockname().port
local accepted = chan(4)
local acc = {}
for i = 1, 4 do acc[i] = spawn(function() local c = srv:accept() accepted:send(i) return c end) end
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u:bind("127.0.0.1", 0)
local uaddr = u:getsockname()
local received = chan(3)
local rs = {}
for i = 1, 3 do rs[i] = spawn(function() local d = u:recvfrom(100) received:send(i) return d end) end
sleep(0.1) -- (usually all waiting by now; the results hold either way)
acc[1]:cancel() acc[3]:cancel()
print(acc[1]:join()) print(acc[3]:join())
local c = socket.create_connection("127.0.0.1", port)
local i = accepted:recv(30)
print("accepted", i == 2 or i == 4)
rs[2]:cancel() print(rs[2]:join())
local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:sendto("hello", "127.0.0.1", uaddr.port)
local r = received:recv(30)
print("received", (r == 1 or r == 3) and rs[r]:join())
for i = 1, 3 do rs[i]:cancel() local v, err = rs[i]:join() end
u:settimeout(0.1)
local t0 = now()
local t1 = spawn(function() return u:recvfrom(100) end)
local t2 = spawn(function() return u:recvfrom(100) end)
print(t1:join()) print(t2:join())
print(now() - t0 >= 0.09)
u:settimeout(nil)
s:sendto("again", "127.0.0.1", uaddr.port)
print(u:recvfrom(100) == "again")
local w = {}
for i = 1, 3 do w[i] = spawn(function() return u:recvfrom(100) end) end
sleep(0.1) -- (usually all waiting by now; a closed socket gives EBADF either way)
u:close()
for i = 1, 3 do print(w[i]:join()) end
for _, i in ipairs({2, 4}) do acc[i]:cancel() local v, err = acc[i]:join() end
c:close() s:close() srv:close()
`)
	want := `nil	interrupted
nil	interrupted
accepted	true
nil	interrupted
received	hello
nil	timed out
nil	timed out
true
true
nil	[Errno 9] Bad file descriptor
nil	[Errno 9] Bad file descriptor
nil	[Errno 9] Bad file descriptor
`
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}

// A connect to a peer that does not answer (a listener whose queue is full
// drops SYNs) times out, or is interrupted, and sending into a full buffer
// is interrupted; the sockets stay usable.
func (e env) testSlowConnect(t *testing.T) {
	out := e.runLua(t, `
local srv = socket.socket()
srv:bind("127.0.0.1", 0) srv:listen(0)
local port = srv:getsockname().port
local fill = {}
for i = 1, 2 do fill[i] = socket.socket() fill[i]:settimeout(0.2) local ok, err = fill[i]:connect("127.0.0.1", port) end
local c = socket.socket()
c:settimeout(0.2)
local t0 = now()
print(c:connect("127.0.0.1", port))
print(now() - t0 >= 0.15)
local c2 = socket.socket()
local t = spawn(function() return c2:connect("127.0.0.1", port) end)
sleep(0.2)
t:cancel()
print(t:join())
-- a full send buffer
local l = socket.create_server("127.0.0.1", 0)
local a = socket.create_connection("127.0.0.1", l:getsockname().port)
local b = l:accept()
local big = string.rep("x", 1048576)
local snd = spawn(function() while true do assert(a:sendall(big)) end end)
local first = b:recv(10) -- (the sender runs: wait for its data, not for a time)
sleep(0.3) -- (the buffer is usually full by now; cancelling works either way)
snd:cancel()
print(snd:join())
print(#first == 10 and #b:recv(10) == 10)
for i = 1, 2 do fill[i]:close() end
a:close() b:close() l:close() c:close() c2:close() srv:close()
`)
	want := `nil	timed out
true
nil	interrupted
nil	interrupted
true
`
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestSharedSocket(t *testing.T) { t.Parallel(); env{}.testSharedSocket(t) }
func TestSlowConnect(t *testing.T)  { t.Parallel(); env{}.testSlowConnect(t) }
