package runtime

import (
	"errors"
	"fmt"

	lua "github.com/yuin/gopher-lua"
)

// The project's error convention, in one place:
//
//   - misuse of an API (wrong type, port outside 0–65535, unknown family)
//     raises a Lua error: L.ArgError / L.RaiseError;
//   - a failure of the operation itself (refused, timeout, unknown host)
//     goes through Fail / FailMessage: it returns nil and a message when the
//     calling code receives the message, and is raised at the caller's line
//     when the call site drops it (see dropped.go). The words are the
//     module's own (package pyerr has Python's); the runtime only decides
//     how the failure reaches Lua.

// Fail pushes nil and err's message and returns 2, for
// `return runtime.Fail(L, err)` in a bound function.
func Fail(L *lua.LState, err error) int { return FailMessage(L, err.Error()) }

// FailMessage pushes nil and msg and returns 2, or raises msg as an error
// at the caller's line when the caller would drop it (dropped.go).
func FailMessage(L *lua.LState, msg string) int {
	if !messageReceived(L) {
		raiseDropped(L, msg)
	}
	L.Push(lua.LNil)
	L.Push(lua.LString(msg))
	return 2
}

// ErrTimeout is what a timed-out operation fails with ("timed out").
var ErrTimeout = errors.New("timed out")

// isInterrupted reports a real cancellation only: a task whose own error
// message happens to end in "interrupted" failed, and is reported as such.
// (The VM's cancellation error is replaced by ErrInterrupted when a task
// ends, and pcall checks the task's context itself.)
func isInterrupted(err error) bool { return errors.Is(err, ErrInterrupted) }

// interruptedError replaces whatever error a cancelled task died of with the
// plain "interrupted".
func interruptedError(err error) error {
	if err != nil && errors.Is(err, ErrInterrupted) {
		return err
	}
	return fmt.Errorf("%w", ErrInterrupted)
}

// errorMessage is the Lua error value of err as text, without a traceback.
func errorMessage(err error) string {
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) {
		switch obj := apiErr.Object.(type) {
		case nil:
			return apiErr.Error()
		case lua.LString:
			return string(obj)
		default:
			return obj.String()
		}
	}
	return err.Error()
}

// ErrorMessage is errorMessage for callers outside the package: the Lua
// error value of err as text, with no traceback.
func ErrorMessage(err error) string { return errorMessage(err) }

// Traceback returns the Lua stack traceback of err, if any.
func Traceback(err error) string {
	var apiErr *lua.ApiError
	if errors.As(err, &apiErr) {
		return apiErr.StackTrace
	}
	return ""
}

// IsInterrupted reports whether err is a task cancellation (Ctrl-C).
func IsInterrupted(err error) bool { return isInterrupted(err) }
