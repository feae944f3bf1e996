package runtime

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// A failure nobody receives is raised, never dropped. A bound function
// reports a failure with Fail / FailMessage; when the code that called it
// keeps fewer than two results (a call used as a statement, `c = f()`, a call
// inside an expression or a condition), the message would be lost and the
// next line would fail far from the cause (`attempt to index a nil value`).
// So the failure is raised there, at the caller's line, in the module's words:
// "tcp.lua:7: [Errno 111] Connection refused". Code that asks for the message
// (`local c, err = f()`, `print(f())`, `return f()` whose own caller asks,
// `assert(f())`, `pcall(f)`) gets nil, message as before.
//
// Functions that are not socklab's (a user's `return nil, "x"`) are not
// touched: the rule lives in FailMessage, which only bound functions call.

// raiseDropped raises msg as a Lua error positioned at the nearest Lua
// caller.
func raiseDropped(L *lua.LState, msg string) {
	L.RaiseError("%s", msg)
}

// joinAllDropped raises the first failure among a join's entries when the
// caller of join keeps none of its results: `join({a, b})` as a statement
// must not hide that a task failed.
func joinAllDropped(L *lua.LState, failures []string) {
	if len(failures) == 0 {
		return
	}
	if n, ok := ResultsKept(L); ok && n == 0 {
		msg := failures[0]
		if len(failures) > 1 {
			msg += fmt.Sprintf(" (and %d more failed tasks)", len(failures)-1)
		}
		raiseDropped(L, msg)
	}
}

// A task that was cancelled (h:cancel(), Ctrl-C) is not reported this way:
// its "interrupted" is what the person asked for.

// taskFailure words a task's failure for whoever joins it.
func taskFailure(t *Task, err error) string {
	return fmt.Sprintf("task %d (%s) failed: %s", t.id, t.name, errorMessage(err))
}
