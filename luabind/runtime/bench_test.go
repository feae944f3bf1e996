package runtime_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	rtm "socklab/luabind/runtime"
)

// Run with: go test -run '^$' -bench . ./luabind/runtime/
// (the Lua-side loops size themselves from b.N; startup runs the binary).

// BenchmarkStartup times `socklab -e 'print(1)'` as a whole process and
// reports its peak RSS. Target: under 15 ms and 30 MB.
func BenchmarkStartup(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "socklab")
	build := exec.Command("go", "build", "-o", bin, "socklab/cmd/socklab")
	if out, err := build.CombinedOutput(); err != nil {
		b.Skipf("cannot build socklab: %v\n%s", err, out)
	}
	var maxRSS int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(bin, "-e", "print(1)")
		if out, err := cmd.Output(); err != nil || string(out) != "1\n" {
			b.Fatalf("socklab -e 'print(1)': %q, %v", out, err)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
			maxRSS = ru.Maxrss
		}
	}
	b.ReportMetric(float64(maxRSS)/1024, "MB-maxrss")
}

func benchLua(b *testing.B, setup, loop string) {
	rt := rtm.New()
	defer rt.Close()
	rt.SetOutput(os.Stdout, os.Stderr)
	src := setup + "\nlocal N = ...\nfor i = 1, N do " + loop + " end"
	proto, err := rt.Compile(src, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu := processCPU()
	if _, err := rt.Exec(context.Background(), proto, "bench", luaNumber(b.N)); err != nil {
		b.Fatal(err)
	}
	reportCPU(b, processCPU()-cpu)
}

// processCPU is the CPU time the process has used. A Lua loop that does
// not allocate runs in one goroutine, so CPU time per op is its cost
// without the time other processes take from it: on a shared machine the
// wall-clock ns/op of a loop varies 3x between runs, its CPU time far less.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, d time.Duration) {
	b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkSpawnJoin is the cost of starting a task and waiting for it.
func BenchmarkSpawnJoin(b *testing.B) {
	benchLua(b, "local function f() return 1 end", "spawn(f):join()")
}

// BenchmarkBoundCall is the interpreter's overhead for one call of a bound
// Go function (argument checks included).
func BenchmarkBoundCall(b *testing.B) {
	benchLua(b, "local add = testmod.add", "add(i, 1)")
}

// BenchmarkLuaCall is the same call to a Lua function, for comparison.
func BenchmarkLuaCall(b *testing.B) {
	benchLua(b, "local function add(a, b) return a + b end", "add(i, 1)")
}

// BenchmarkPcall is the cost of our bug-free pcall around a trivial call.
func BenchmarkPcall(b *testing.B) {
	benchLua(b, "local function f() return 1 end", "pcall(f)")
}

// BenchmarkPcallError is pcall catching an error.
func BenchmarkPcallError(b *testing.B) {
	benchLua(b, "local function f() error('x') end", "pcall(f)")
}

// BenchmarkSleepZero is a blocking call's lock hand-off: release, wait,
// take the lock back.
func BenchmarkSleepZero(b *testing.B) {
	benchLua(b, "", "sleep(0)")
}

// BenchmarkSleepingTasks: 10,000 tasks sleeping 0.5 s (target: under 2 s).
func BenchmarkSleepingTasks(b *testing.B) {
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out, err := run(b, `local hs = {} for i = 1, 10000 do hs[i] = spawn(sleep, 0.5) end join(hs) print("ok")`)
		if err != nil || out != "ok\n" {
			b.Fatal(out, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/10k-tasks")
	}
}

func luaNumber(n int) lua.LValue { return lua.LNumber(n) }

// BenchmarkMethodCall is a method call on a userdata: __index lookup plus
// the bound call.
func BenchmarkMethodCall(b *testing.B) {
	benchLua(b, "local ch = chan(1)", "ch:len()")
}

// Three types with the same no-op method and attribute x: one looked up
// through the methods table (no attributes), one through an __index
// function (x is a Field), one through its variant's table (x is fixed, as
// a socket's family is: variants.go). The cost of the function, compared
// within one run.
func init() {
	nop := func(L *lua.LState) int { return 0 }
	rtm.Register(&rtm.Module{
		Name: "benchobj",
		Doc:  "objects for the method lookup benchmark",
		Funcs: []rtm.Function{{Name: "new", Args: "(kind)", Doc: "Makes a plain or a field object.", Fn: func(L *lua.LState) int {
			L.Push(rtm.NewUserData(L, L.CheckString(1), struct{}{}))
			return 1
		}}},
		Types: []*rtm.Type{
			{Name: "plainobj", Doc: "methods only", Methods: []rtm.Function{{Name: "nop", Args: "()", Doc: "Does nothing.", Fn: nop}}},
			{Name: "fieldobj", Doc: "methods and an attribute", Methods: []rtm.Function{{Name: "nop", Args: "()", Doc: "Does nothing.", Fn: nop}},
				Fields: []string{"x"}, Field: func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
					if key == "x" {
						return lua.LNumber(1)
					}
					return nil
				}},
			{Name: "fixedobj", Doc: "methods and a fixed attribute", Methods: []rtm.Function{{Name: "nop", Args: "()", Doc: "Does nothing.", Fn: nop}},
				Fields: []string{"x"}, FixedFields: []string{"x"}, Fixed: func(any) []lua.LValue { return []lua.LValue{lua.LNumber(1)} }},
		},
	})
}

func BenchmarkMethodLookup(b *testing.B) {
	for _, kind := range []string{"plainobj", "fieldobj", "fixedobj"} {
		b.Run(kind, func(b *testing.B) { benchLua(b, `local o = benchobj.new("`+kind+`")`, "o:nop()") })
	}
}

// BenchmarkAttributeRead is o.x through a Field function and through a
// variant's table.
func BenchmarkAttributeRead(b *testing.B) {
	for _, kind := range []string{"fieldobj", "fixedobj"} {
		b.Run(kind, func(b *testing.B) { benchLua(b, `local o = benchobj.new("`+kind+`") local x`, "x = o.x") })
	}
}
