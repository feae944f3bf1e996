package runtime_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	lua "github.com/yuin/gopher-lua"

	rtm "socklab/luabind/runtime"
)

// started is closed by calltest.started(), so a test can wait for a Lua
// handler to be running before it cancels it.
var (
	startedMu sync.Mutex
	started   = map[*rtm.Runtime]chan struct{}{}
)

func startedChan(rt *rtm.Runtime) chan struct{} {
	startedMu.Lock()
	defer startedMu.Unlock()
	c, ok := started[rt]
	if !ok {
		c = make(chan struct{})
		started[rt] = c
	}
	return c
}

func resetStarted(rt *rtm.Runtime) {
	startedMu.Lock()
	defer startedMu.Unlock()
	delete(started, rt)
}

func init() {
	rtm.Register(&rtm.Module{
		Name: "calltest",
		Doc:  "helpers for the call tests",
		Funcs: []rtm.Function{
			{Name: "call", Args: "(f, ...)", Doc: "Calls f through runtime.Call: true and its results, or false and the error value.", Fn: func(L *lua.LState) int {
				args := make([]lua.LValue, 0, L.GetTop())
				for i := 2; i <= L.GetTop(); i++ {
					args = append(args, L.Get(i))
				}
				results, err := rtm.Call(L, L.Get(1), args...)
				if err != nil {
					L.Push(lua.LFalse)
					L.Push(rtm.ErrorValue(err))
					return 2
				}
				L.Push(lua.LTrue)
				for _, v := range results {
					L.Push(v)
				}
				return len(results) + 1
			}},
			{Name: "relay", Args: "(f)", Doc: "Calls f through runtime.Call and raises its error with a prefix, as net.scan does for on_result.", Fn: func(L *lua.LState) int {
				if _, err := rtm.Call(L, L.CheckFunction(1)); err != nil {
					L.RaiseError("calltest.relay: %s", rtm.ErrorMessage(err))
				}
				return 0
			}},
			{Name: "serve", Args: "(handler, n)", Doc: "Calls handler(i) for i = 1..n from n Go goroutines (runtime.CallOn) while this task blocks; returns the list of first results or error messages.", Fn: func(L *lua.LState) int {
				fn := L.CheckFunction(1)
				n := L.CheckInt(2)
				rt, task := rtm.Of(L), rtm.CurrentTask(L)
				out := make([]string, n)
				rtm.Block(L, func(ctx context.Context) error {
					var wg sync.WaitGroup
					for i := range n {
						wg.Add(1)
						go func() {
							defer wg.Done()
							res, err := rt.CallOn(ctx, task, fn, lua.LNumber(i+1))
							switch {
							case err != nil:
								out[i] = "error: " + rtm.ErrorMessage(err)
							case len(res) > 0:
								if s, ok := res[0].(lua.LString); ok {
									out[i] = string(s)
								}
							}
						}()
					}
					wg.Wait()
					return nil
				})
				tbl := L.NewTable()
				for _, s := range out {
					tbl.Append(lua.LString(s))
				}
				L.Push(tbl)
				return 1
			}},
			{Name: "started", Args: "()", Doc: "Tells the Go test that the handler runs.", Fn: func(L *lua.LState) int {
				c := startedChan(rtm.Of(L))
				select {
				case <-c:
				default:
					close(c)
				}
				return 0
			}},
		},
	})
}

// Handlers called from Go goroutines run while the serving task is blocked,
// one at a time, each with its blocking calls and coroutines intact.
func TestCallOnWhileTaskBlocks(t *testing.T) {
	t.Parallel()
	out := mustRun(t, `
		local ticker = spawn(function()
			-- a coroutine that blocks keeps its identity while handlers run
			local co co = coroutine.create(function()
				for i = 1, 20 do sleep(0.001) assert(coroutine.running() == co) end
				return "co ok"
			end)
			return select(2, coroutine.resume(co))
		end)
		local got = calltest.serve(function(i)
			local inner = coroutine.wrap(function() sleep(0.001) coroutine.yield(i * 2) end)
			return tostring(inner())
		end, 30)
		local ok = 0
		for i, v in ipairs(got) do if v == tostring(i * 2) then ok = ok + 1 else print(i, v) end end
		print(ok, ticker:join())`)
	if out != "30\tco ok\n" {
		t.Errorf("got %q", out)
	}
}

func TestCallOnCancellation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	results := mustExecResults(t, e, `return function() calltest.started() sleep(100) end, spawn(function() sleep(100) end)`)
	fn := results[0].(*lua.LFunction)
	server := results[1].(*lua.LUserData).Value.(*rtm.Task)

	t.Run("the context is cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := e.CallOn(ctx, server, fn); done <- err }()
		<-startedChan(e)
		cancel()
		if err := <-done; !rtm.IsInterrupted(err) {
			t.Errorf("err = %v, want interrupted", err)
		}
	})
	t.Run("the serving task is cancelled", func(t *testing.T) {
		done := make(chan error, 1)
		go func() { _, err := e.CallOn(context.Background(), server, fn); done <- err }()
		resetStarted(e)
		<-startedChan(e)
		server.Cancel()
		if err := <-done; !rtm.IsInterrupted(err) {
			t.Errorf("err = %v, want interrupted", err)
		}
		// A task that has been cancelled takes no more calls.
		if _, err := e.CallOn(context.Background(), server, fn); !rtm.IsInterrupted(err) {
			t.Errorf("after cancel: err = %v, want interrupted", err)
		}
	})
}

// What a handler opens is closed when it returns, unless it returns it: then
// the task it runs on owns it.
func TestCallOnResources(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	results := mustExecResults(t, e, `return function(keep) local r = testmod.open() if keep then return r end end`)
	fn := results[0].(*lua.LFunction)
	if _, err := e.CallOn(context.Background(), nil, fn, lua.LFalse); err != nil {
		t.Fatal(err)
	}
	if n := openCount(e).Load(); n != 0 {
		t.Errorf("%d resources open after a handler that dropped its own", n)
	}
	kept, err := e.CallOn(context.Background(), nil, fn, lua.LTrue)
	if err != nil || len(kept) != 1 {
		t.Fatal(kept, err)
	}
	if n := openCount(e).Load(); n != 1 {
		t.Errorf("%d resources open, want the returned one", n)
	}
	e.Close()
	if n := openCount(e).Load(); n != 0 {
		t.Errorf("%d resources open after Close", n)
	}
}

// Call returns the error value itself (a table stays a table), and the
// caller's locals survive an error (gopher-lua's upvalue bug).
func TestCallFromBoundFunction(t *testing.T) {
	t.Parallel()
	out := mustRun(t, `
		local n = 0
		local function f() n = n + 1 error({code = n}) end
		local ok, e = calltest.call(f)
		local ok2, e2 = calltest.call(f)
		print(ok, e.code, ok2, e2.code, n)
		print(calltest.call(function(a, b) sleep(0.001) return a + b, "x" end, 2, 3))
		print(calltest.call(42))`)
	want := "false\t1\tfalse\t2\t2\ntrue\t5\tx\nfalse\tattempt to call a number value\n"
	if out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// CallLocked, from Go code that holds the lock, lets blocking calls inside
// the function release it, and its context interrupts them.
func TestCallLockedBlocking(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	results := mustExecResults(t, e, `return function(d) sleep(d) return "slept" end`)
	fn := results[0].(*lua.LFunction)
	spawned := mustExecResults(t, e, `return spawn(function() sleep(0.01) return "other ran" end)`)
	other := spawned[0].(*lua.LUserData).Value.(*rtm.Task)
	var got []lua.LValue
	var err error
	e.Do(func(L *lua.LState) { got, err = e.CallLocked(context.Background(), nil, fn, lua.LNumber(0.05)) })
	if err != nil || len(got) != 1 || got[0].String() != "slept" {
		t.Errorf("got %v, %v", got, err)
	}
	<-other.Done() // it ran while the lock was let go
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.Do(func(L *lua.LState) { _, err = e.CallLocked(ctx, nil, fn, lua.LNumber(100)) })
	if !rtm.IsInterrupted(err) {
		t.Errorf("err = %v, want interrupted", err)
	}
}

func newEnv(t *testing.T) *rtm.Runtime {
	t.Helper()
	rt := rtm.New()
	t.Cleanup(rt.Close)
	return rt
}

func mustExecResults(t *testing.T, rt *rtm.Runtime, src string) []lua.LValue {
	t.Helper()
	proto, err := rt.Compile(src, "test")
	if err != nil {
		t.Fatal(err)
	}
	results, err := rt.Exec(context.Background(), proto, "test")
	if err != nil {
		t.Fatal(fmt.Sprint(src, ": ", err))
	}
	return results
}
