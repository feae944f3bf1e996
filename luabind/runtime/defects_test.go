package runtime_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/sock/socktest"
	rtm "socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// Regression tests for the runtime defects of issue 8 §2, one per defect,
// written as the Lua a user would type.

func init() {
	rtm.Register(&rtm.Module{
		Name: "memtest",
		Doc:  "heap measurements for the tests",
		Funcs: []rtm.Function{
			{Name: "heap", Args: "()", Doc: "Collects Go's garbage and returns the live heap in MB.", Fn: func(L *lua.LState) int {
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				L.Push(lua.LNumber(float64(m.HeapAlloc) / (1 << 20)))
				return 1
			}},
		},
	})
}

// Defect 3: a busy loop inside a coroutine is preempted like any other, so
// a ticking task keeps ticking, and cancel stops it.
func TestBusyCoroutineDoesNotStarveOthers(t *testing.T) {
	t.Parallel()
	e := runtimetest.New(t)
	// Starved, the main chunk would never run again: a generous deadline
	// turns that into a failure instead of a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := e.Exec(t, ctx, "test", `
		local ticks = 0
		local ticker = spawn(function() while true do ticks = ticks + 1 sleep(0.001) end end)
		local busy = spawn(function() coroutine.wrap(function() while true do end end)() end)
		while ticks < 20 do sleep(0.001) end
		busy:cancel()
		print(busy:join())
		ticker:cancel()`)
	if err != nil {
		t.Fatalf("%v (output %q)", err, e.Out.String())
	}
	if got := e.Out.String(); got != "nil\tinterrupted\n" {
		t.Errorf("got %q", got)
	}
}

// Defect 4: generators abandoned after their first value are freed while
// the task that made them lives on.
func TestAbandonedCoroutinesAreFreed(t *testing.T) { // not parallel: it measures the heap
	out := mustRun(t, `
		local function round()
			for i = 1, 20000 do
				local g = coroutine.wrap(function() coroutine.yield(1) end)
				g()
			end
			collectgarbage()
			return memtest.heap()
		end
		local first = round()
		local second = round()
		local third = round()
		print(third - first < 5 and "flat" or ("grew " .. (third - first) .. " MB"))`)
	if out != "flat\n" {
		t.Errorf("got %q", out)
	}
}

// Defect 5: a resource whose send failed (timed out, or the channel was
// closed) stays with the sender and is closed with it.
func TestFailedSendKeepsResourceWithSender(t *testing.T) {
	t.Parallel()
	e := runtimetest.New(t)
	out := mustExec(t, e.RT, `
		local hs = {}
		for i = 1, 100 do
			hs[#hs + 1] = spawn(function() local ch = chan() return ch:send(testmod.open(), 0.001) end)
			hs[#hs + 1] = spawn(function() local ch = chan() ch:close() return pcall(ch.send, ch, testmod.open()) end)
		end
		local timedout, refused = 0, 0
		for _, r in ipairs(join(hs)) do
			if r[2] == "timed out" then timedout = timedout + 1 end
			if r[1] == false then refused = refused + 1 end
		end
		print(timedout, refused)`)
	if out != "100\t100\n" {
		t.Errorf("got %q", out)
	}
	if n := openCount(e.RT).Load(); n != 0 {
		t.Errorf("%d resources left open by failed sends", n)
	}
}

// Defect 8: error messages raised from Go have no leading blank.
// Defect 17: error's level and xpcall's failing handler behave as in Lua
// 5.1 (checked against lua5.1 in TestPcallMatchesLua51 too).
func TestErrorMessagesAsLua51(t *testing.T) {
	t.Parallel()
	out := mustRun(t, `
		print(pcall(error, "x"))
		local ch = chan() ch:close()
		print(pcall(ch.send, ch, 1))
		local function f() error("m", 2) end
		print(pcall(function()
			f()
		end))
		local function g() error("three", 3) end
		local function h() g() end
		print(pcall(function()
			h()
		end))
		print(pcall(error, "zero", 0))
		print(pcall(error, {1}))
		print(xpcall(function() error("a") end, function(e) error("b") end))
		print(xpcall(function() error("a", 0) end, function(e) return "handled " .. e end))`)
	want := "false\tx\n" +
		"false\tsend on closed channel\n" +
		"false\ttest:7: m\n" +
		"false\ttest:12: three\n" +
		"false\tzero\n" +
		"false\ttable: 0x"
	if !strings.HasPrefix(out, want) {
		t.Errorf("got\n%s\nwant a start of\n%s", out, want)
	}
	if !strings.HasSuffix(out, "false\terror in error handling\nfalse\thandled a\n") {
		t.Errorf("xpcall: got\n%s", out)
	}
}

// Defect 9: join returns a task's error value itself.
func TestJoinReturnsTheErrorValue(t *testing.T) {
	t.Parallel()
	out := mustRun(t, `
		local h = spawn(function() error({code = 1}) end)
		local v, e = h:join()
		print(v, type(e), e.code)
		local r = join({spawn(function() error({code = 2}) end)})[1]
		print(r[1], type(r[2]), r[2].code)`)
	if out != "nil\ttable\t1\nnil\ttable\t2\n" {
		t.Errorf("got %q", out)
	}
}

// Defect 10: a task that fails with a message ending in "interrupted" is
// reported; only a real cancellation is silent.
func TestFailureNamedInterruptedIsReported(t *testing.T) {
	t.Parallel()
	e := runtimetest.New(t)
	if err := e.Exec(t, context.Background(), "test", `
		local h = spawn(function() error("the transfer was interrupted", 0) end)
		local c = spawn(function() sleep(100) end)
		c:cancel()
		while h:status() == "running" or c:status() ~= "failed" do sleep(0.001) end`); err != nil {
		t.Fatal(err)
	}
	socktest.Eventually(t, "the task's failure is reported", func() bool {
		return strings.Contains(e.Err.String(), "failed: the transfer was interrupted")
	})
	if strings.Count(e.Err.String(), "failed") != 1 {
		t.Errorf("stderr %q: the cancelled task must not be reported", e.Err.String())
	}
}

// Defect 11: failures collected by join are not also printed.
func TestJoinedFailuresAreNotReported(t *testing.T) {
	t.Parallel()
	e := runtimetest.New(t)
	if err := e.Exec(t, context.Background(), "test", `
		local hs = {}
		for i = 1, 500 do hs[i] = spawn(function() sleep(0.001 * (i % 7)) error("no " .. i, 0) end) end
		local failed = 0
		for _, r in ipairs(join(hs)) do if r[1] == nil then failed = failed + 1 end end
		print(failed)`); err != nil {
		t.Fatal(err)
	}
	if e.Out.String() != "500\n" {
		t.Errorf("out %q", e.Out.String())
	}
	if n := strings.Count(e.Err.String(), "failed"); n != 0 {
		t.Errorf("%d joined failures reported on stderr", n)
	}
}

// Defect 12: a resource captured by a spawned closure stays open while that
// task runs, even when the task that opened it ends first; it is closed when
// the last task that owns it ends.
func TestCapturedResourceOutlivesItsOpener(t *testing.T) {
	t.Parallel()
	e := runtimetest.New(t)
	out := mustExec(t, e.RT, `
		local result, release = chan(1), chan()
		spawn(function()
			local conn = testmod.open()           -- as srv:accept() would
			spawn(function()
				release:recv()                    -- runs on after its opener ended
				result:send(conn:closed())
			end)
		end):join()
		release:send(true)
		print(result:recv())
		-- passing it on explicitly still moves it
		local r = testmod.open()
		print(spawn(function(r) return r:closed() end, r):join())`)
	if out != "false\ttrue\nfalse\n" {
		t.Errorf("got %q", out)
	}
	socktest.Eventually(t, "every resource closed", func() bool { return openCount(e.RT).Load() == 0 })
}

// Defect 15: an argument error inside a callback is not blamed on the
// function that called the callback.
func TestCallbackArgErrorKeepsItsName(t *testing.T) {
	t.Parallel()
	out := mustRun(t, `
		print(pcall(calltest.relay, function() string.rep() end))
		print(pcall(function() calltest.relay(function() string.rep() end) end))
		print(pcall(function() coroutine.wrap(function() string.rep() end)() end))`)
	if strings.Contains(out, "'relay'") || strings.Contains(out, "'wrap'") || strings.Count(out, "bad argument #1 to rep") != 3 {
		t.Errorf("got %q", out)
	}
}

// Defect 18: a huge channel is refused with a clear error instead of
// allocating its whole buffer.
func TestHugeChannelIsRefused(t *testing.T) {
	t.Parallel()
	_, err := run(t, `chan(16777216)`)
	if msg := rtm.ErrorMessage(err); !strings.Contains(msg, "bad argument #1 to 'chan' (capacity must be between 0 and 65536)") {
		t.Errorf("got %v", err)
	}
	if out := mustRun(t, `local c = chan(65536) for i = 1, 65536 do c:send(i) end print(c:len())`); out != "65536\n" {
		t.Errorf("got %q", out)
	}
}
