package runtime

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

var startTime = time.Now()

// installBuiltins sets the globals every socklab state has: tasks, channels,
// sleep, help, and the replacements for print, io.write, pcall, xpcall and
// os.exit.
func (rt *Runtime) installBuiltins() {
	rt.load(builtins)
	rt.installLibraryOverrides()
	rt.installCoroutines()
}

// builtins is the module of socklab's globals. Each is declared above its
// implementation; the module and its types are shared by every runtime.
var builtins = &Module{
	Name:  "",
	Doc:   "socklab's globals",
	Funcs: []Function{spawnFunc, sleepFunc, joinFunc, tasksFunc, chanFunc, nowFunc, helpFunc, printFunc, pcallFunc, errorFunc, xpcallFunc},
	Types: []*Type{taskType, chanType},
}

// The builtins are named once, as registered modules are.
func init() { prepare(builtins) }

// installLibraryOverrides replaces io.write and os.exit in Lua's own
// library tables.
func (rt *Runtime) installLibraryOverrides() {
	L := rt.L
	io := L.GetGlobal("io").(*lua.LTable)
	rt.bindInto(io, "io", Function{Name: "write", Args: "(...)", Doc: "Writes strings and numbers to the output without separators or newline.", Fn: rt.ioWrite})
	osTbl := L.GetGlobal("os").(*lua.LTable)
	rt.bindInto(osTbl, "os", Function{Name: "exit", Args: "([code])", Doc: "Closes every socket and exits socklab with code (0 by default; true means 0, false 1).", Fn: rt.osExit})
}

// bindInto adds a documented function to an existing library table.
func (rt *Runtime) bindInto(tbl *lua.LTable, module string, f Function) {
	fp := &f
	fp.module = module
	rt.L.SetField(tbl, f.Name, rt.bind(fp))
}

var printFunc = Function{Name: "print", Args: "(...)", Doc: "Prints its arguments, tab-separated. As Lua's print; output of background tasks lands above the prompt.", Fn: luaPrint}

func luaPrint(L *lua.LState) int {
	rt := Of(L)
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(L.ToStringMeta(L.Get(i)).String())
	}
	b.WriteByte('\n')
	rt.Stdout().Write([]byte(b.String()))
	return 0
}

func (rt *Runtime) ioWrite(L *lua.LState) int {
	var b strings.Builder
	for i := 1; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			b.WriteString(string(v))
		case lua.LNumber:
			b.WriteString(v.String())
		default:
			L.ArgError(i, "string expected, got "+v.Type().String())
		}
	}
	rt.Stdout().Write([]byte(b.String()))
	L.Push(L.GetField(L.GetGlobal("io"), "stdout"))
	return 1
}

func (rt *Runtime) osExit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case lua.LBool:
		if !v {
			code = 1
		}
	case lua.LNumber:
		code = int(v)
	case *lua.LNilType:
	default:
		L.ArgError(1, "number expected, got "+v.Type().String())
	}
	rt.Exit(code)
	return 0
}

// Exit closes every resource of every task and then exits through the exit
// hook (os.Exit by default). It does not wait for tasks: the caller may hold
// the lock they need to finish.
func (rt *Runtime) Exit(code int) {
	rt.stop()
	rt.ledger.closeAll()
	if rt.exitHook != nil {
		rt.exitHook(code)
		return
	}
	os.Exit(code)
}

var nowFunc = Function{Name: "now", Args: "()", Doc: "Monotonic seconds, for timing. Fractional seconds since socklab started: subtract two readings.", Fn: luaNow}

func luaNow(L *lua.LState) int {
	L.Push(lua.LNumber(time.Since(startTime).Seconds()))
	return 1
}

var sleepFunc = Function{Name: "sleep", Args: "(seconds)", Doc: "Pauses the current task. seconds may be fractional; other tasks keep running and Ctrl-C interrupts it.", Fn: luaSleep}

func luaSleep(L *lua.LState) int {
	d := CheckDuration(L, 1)
	Block(L, func(ctx context.Context) error {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-ctx.Done():
		}
		return nil
	})
	return 0
}

// CheckDuration reads argument n as a non-negative number of seconds.
func CheckDuration(L *lua.LState, n int) time.Duration {
	s := float64(L.CheckNumber(n))
	if s < 0 || s != s || s > 1e9 {
		L.ArgError(n, "seconds must be between 0 and 1e9")
	}
	return time.Duration(s * float64(time.Second))
}

// OptTimeout reads an optional timeout in seconds; nil or absent gives -1
// (no limit).
func OptTimeout(L *lua.LState, n int) time.Duration {
	if L.Get(n) == lua.LNil {
		return -1
	}
	return CheckDuration(L, n)
}

var taskType = &Type{
	Name:    "task",
	Doc:     "a concurrent task started by spawn()",
	Methods: []Function{taskJoinMethod, taskCancelMethod, taskStatusMethod},
	Fields:  []string{"id", "name"},
	Field: func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
		t := ud.Value.(*Task)
		switch key {
		case "id":
			return lua.LNumber(t.id)
		case "name":
			return lua.LString(t.name)
		}
		return nil
	},
	Tostring: func(ud *lua.LUserData) string { return ud.Value.(*Task).String() },
}

func checkTask(L *lua.LState, n int) *Task { return Check[*Task](L, n, "task") }

var spawnFunc = Function{Name: "spawn", Args: "(fn, ...)", Doc: "Starts fn(...) as a concurrent task. Returns its handle. Blocking calls in a task block only that task. Sockets passed as arguments move to the task; sockets fn captures in locals are shared with it.", Fn: luaSpawn}

func luaSpawn(L *lua.LState) int {
	fn := L.CheckFunction(1)
	args := make([]lua.LValue, 0, L.GetTop()-1)
	for i := 2; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	t := Spawn(L, fn, args)
	L.Push(NewUserData(L, "task", t))
	return 1
}

var taskJoinMethod = Function{Name: "join", Args: "([timeout])", Doc: "Waits for the task and returns its results, or nil and the error it raised, or nil, \"timed out\".", Fn: taskJoin}

func taskJoin(L *lua.LState) int {
	t := checkTask(L, 1)
	if !t.Wait(L, OptTimeout(L, 2)) {
		return Fail(L, ErrTimeout)
	}
	if _, err := t.Result(); err != nil && !isInterrupted(err) && !messageReceived(L) {
		raiseDropped(L, taskFailure(t, err))
	}
	return pushResults(L, t)
}

// pushResults pushes what a finished task returned (adopting any socket it
// hands back), or nil and its error.
func pushResults(L *lua.LState, t *Task) int {
	results, err := t.Result()
	if err != nil {
		L.Push(lua.LNil)
		L.Push(errorValue(err)) // the value raised, as pcall returns it: a table stays a table
		return 2
	}
	for _, v := range results {
		Adopt(L, v)
		L.Push(v)
	}
	return len(results)
}

var taskCancelMethod = Function{Name: "cancel", Args: "()", Doc: "Interrupts the task: its blocking call returns, it raises \"interrupted\" and its sockets are closed.", Fn: taskCancel}

func taskCancel(L *lua.LState) int {
	checkTask(L, 1).Cancel()
	return 0
}

var taskStatusMethod = Function{Name: "status", Args: "()", Doc: "Returns \"running\", \"done\", \"failed\" or \"cancelling\".", Fn: taskStatus}

func taskStatus(L *lua.LState) int {
	t := checkTask(L, 1)
	s := t.String()
	L.Push(lua.LString(strings.Fields(s)[2]))
	return 1
}

var joinFunc = Function{Name: "join", Args: "(tasks[, timeout])", Doc: "Waits for a list of tasks. Returns a list of their result lists ({nil, err} for a task that failed or did not finish in time).", Fn: luaJoinAll}

func luaJoinAll(L *lua.LState) int {
	list := L.CheckTable(1)
	timeout := OptTimeout(L, 2)
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	tasks := make([]*Task, list.Len())
	for i := range tasks {
		t, ok := list.RawGetInt(i + 1).(*lua.LUserData)
		task, isTask := (*Task)(nil), false
		if ok {
			task, isTask = t.Value.(*Task)
		}
		if !isTask {
			L.ArgError(1, fmt.Sprintf("list of tasks expected, item %d is a %s", i+1, list.RawGetInt(i+1).Type()))
		}
		tasks[i] = task
	}
	// Every task is awaited from now on: one that fails while we wait for
	// an earlier one is collected here, not reported as unjoined.
	for _, task := range tasks {
		task.joiners.Add(1)
	}
	defer func() {
		for _, task := range tasks {
			task.joiners.Add(-1)
		}
	}()
	out := L.NewTable()
	var failures []string
	for _, task := range tasks {
		left := time.Duration(-1)
		if timeout >= 0 {
			left = max(time.Until(deadline), 0)
		}
		entry := L.NewTable()
		if !task.Wait(L, left) {
			entry.Append(lua.LNil)
			entry.Append(lua.LString("timed out"))
		} else {
			if _, err := task.Result(); err != nil && !isInterrupted(err) {
				failures = append(failures, taskFailure(task, err))
			}
			top := L.GetTop()
			n := pushResults(L, task)
			for j := 1; j <= n; j++ {
				entry.RawSetInt(j, L.Get(top+j))
			}
			L.SetTop(top)
		}
		out.Append(entry)
	}
	joinAllDropped(L, failures)
	L.Push(out)
	return 1
}

var tasksFunc = Function{Name: "tasks", Args: "()", Doc: "Lists the running background tasks.", Fn: luaTasks}

func luaTasks(L *lua.LState) int {
	out := L.NewTable()
	for _, t := range Of(L).Tasks() {
		out.Append(NewUserData(L, "task", t))
	}
	L.Push(out)
	return 1
}
