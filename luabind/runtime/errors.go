package runtime

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// The project's error convention, in one place:
//
//   - misuse of an API (wrong type, port outside 0–65535, unknown family)
//     raises a Lua error: L.ArgError / L.RaiseError;
//   - a network failure (refused, timeout, unknown host) returns nil and a
//     message in the words Python's socket module uses: Fail(L, err).

// Fail pushes nil and the Python-style message for err and returns 2, for
// `return runtime.Fail(L, err)` in a bound function.
func Fail(L *lua.LState, err error) int {
	L.Push(lua.LNil)
	L.Push(lua.LString(PyMessage(err)))
	return 2
}

// ErrTimeout is what a timed-out operation fails with ("timed out").
var ErrTimeout = errors.New("timed out")

// Errno returns the errno behind err, or 0 if there is none.
func Errno(err error) syscall.Errno {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return 0
}

// PyMessage renders err as Python's socket module would print it:
// "[Errno 111] Connection refused", "timed out",
// "[Errno -2] Name or service not known".
func PyMessage(err error) string {
	var dnsErr *net.DNSError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrInterrupted), errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "[Errno -2] Name or service not known"
		}
		if dnsErr.IsTimeout || dnsErr.IsTemporary {
			return "[Errno -3] Temporary failure in name resolution"
		}
		return "[Errno -2] Name or service not known"
	case errors.Is(err, ErrTimeout), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrClosed):
		return ErrnoMessage(syscall.EBADF)
	}
	if en := Errno(err); en != 0 {
		return ErrnoMessage(en)
	}
	var gaiErr *GAIError
	if errors.As(err, &gaiErr) {
		return gaiErr.Error()
	}
	return err.Error()
}

// ErrnoMessage is "[Errno N] Strerror" with glibc's wording, as Python
// prints OSError.
func ErrnoMessage(en syscall.Errno) string {
	return fmt.Sprintf("[Errno %d] %s", int(en), Strerror(en))
}

// Strerror is glibc's strerror(en). Go's table is glibc's text in lower
// case; glibc capitalises the first word.
func Strerror(en syscall.Errno) string {
	s := en.Error()
	if s == "" || strings.HasPrefix(s, "errno ") {
		return "Unknown error " + fmt.Sprint(int(en))
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// GAIError is a getaddrinfo failure: Python's socket.gaierror.
type GAIError struct {
	Code int    // EAI_* value, negative as in glibc
	Text string // gai_strerror text
}

func (e *GAIError) Error() string { return fmt.Sprintf("[Errno %d] %s", e.Code, e.Text) }

// Common getaddrinfo failures, worded as glibc's gai_strerror.
var (
	ErrNoName     = &GAIError{-2, "Name or service not known"}
	ErrAgain      = &GAIError{-3, "Temporary failure in name resolution"}
	ErrNoData     = &GAIError{-5, "No address associated with hostname"}
	ErrFamily     = &GAIError{-6, "ai_family not supported"}
	ErrSockType   = &GAIError{-7, "ai_socktype not supported"}
	ErrService    = &GAIError{-8, "Servname not supported for ai_socktype"}
	ErrAddrFamily = &GAIError{-9, "Address family for hostname not supported"}
)

func isInterrupted(err error) bool {
	if errors.Is(err, ErrInterrupted) {
		return true
	}
	var apiErr *lua.ApiError
	return errors.As(err, &apiErr) && strings.HasSuffix(errorMessage(err), ErrInterrupted.Error())
}

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
