package socket

import (
	"context"
	"fmt"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// maxBytesPerTask bounds what a waiting task costs: 21 KB measured, with or
// without the race detector; 123 KB before the fix.
const maxBytesPerTask = 48 << 10

// liveBytes is what a collection leaves in use: the live heap and every
// goroutine and thread stack.
func liveBytes() uint64 {
	goruntime.GC()
	goruntime.GC() // the second one frees what the first one's sweep found
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// Defect 19: a task waiting in recvexactly on a connection of its own (the
// 10,000 echo clients of bench/memory) costs its goroutine stack, its Lua
// thread, its socket and its share of the OS threads (the server side's
// sockets are counted too): about 21 KB. It cost 123 KB: a 64 KiB
// read-ahead buffer held while it waited, a 4 KiB Lua registry and a
// 48 KiB OS thread each. The bound is generous (a loaded machine, the race
// detector's bigger stacks); bench/memory/run.sh measures the real figure.
//
// Not parallel: it measures the whole process's memory.
func TestMemoryPerWaitingTask(t *testing.T) {
	const n = 1000
	rt := env{}.newRuntime() // the default thread budget is part of the cost
	defer rt.Close()
	rt.Do(func(L *lua.LState) {
		L.SetGlobal("live_bytes", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LNumber(liveBytes()))
			return 1
		}))
	})
	var buf runtimetest.Buffer
	rt.SetOutput(&buf, &buf)
	proto, err := rt.Compile(fmt.Sprintf(`
local n = %d
local srv = assert(socket.create_server({"127.0.0.1", 0}, {backlog = n}))
local port = srv:getsockname().port
local before = live_bytes()
local hs = {}
for i = 1, n do
  hs[i] = spawn(function()
    local c = socket.create_connection({"127.0.0.1", port})
    local msg = string.format("%%016d", i)
    c:sendall(msg)
    return c:recvexactly(16) == msg
  end)
end
local conns, msgs = {}, {}
for i = 1, n do
  conns[i] = srv:accept()
  msgs[i] = conns[i]:recvexactly(16) -- its client is about to wait
end
local per_task = (live_bytes() - before) / n
for i = 1, n do conns[i]:sendall(msgs[i]) end
local intact = 0
for _, r in ipairs(join(hs)) do
  if r[1] then intact = intact + 1 end
end
print(intact, math.floor(per_task))
`, n), "memory.lua")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // against hangs only
	defer cancel()
	_, err = rt.Exec(ctx, proto, "memory")
	out := buf.String()
	if err != nil {
		t.Fatalf("%v\n%s", runtime.ErrorMessage(err), out)
	}
	var intact, perTask int
	if _, err := fmt.Sscan(strings.TrimSpace(out), &intact, &perTask); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	t.Logf("%d bytes per waiting task", perTask)
	if intact != n {
		t.Errorf("%d of %d replies intact", intact, n)
	}
	if perTask > maxBytesPerTask {
		t.Errorf("a waiting task costs %d bytes, want at most %d", perTask, maxBytesPerTask)
	}
}
