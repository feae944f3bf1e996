// Package pyerr words failures as Python's socket module does, for the
// Python-style faces (socket, net, and the modules that follow them):
// "[Errno 111] Connection refused", "timed out",
// "[Errno -2] Name or service not known". The runtime decides how a failure
// reaches Lua (returned as nil, message or raised); this package only chooses
// the words. A LuaSocket-style face would have a package of its own words.
package pyerr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// Fail reports a failure under the error convention with Python's words for
// err, for `return pyerr.Fail(L, err)` in a bound function.
func Fail(L *lua.LState, err error) int {
	return runtime.FailMessage(L, Message(err))
}

// Errno returns the errno behind err, or 0 if there is none.
func Errno(err error) syscall.Errno {
	var en syscall.Errno
	if errors.As(err, &en) {
		return en
	}
	return 0
}

// Message renders err as Python's socket module would print it.
func Message(err error) string {
	var dnsErr *net.DNSError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, runtime.ErrInterrupted), errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return NoName.Error()
		}
		if dnsErr.IsTimeout || dnsErr.IsTemporary {
			return Again.Error()
		}
		return NoName.Error()
	case errors.Is(err, runtime.ErrTimeout), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
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
	NoName     = &GAIError{-2, "Name or service not known"}
	Again      = &GAIError{-3, "Temporary failure in name resolution"}
	NoData     = &GAIError{-5, "No address associated with hostname"}
	Family     = &GAIError{-6, "ai_family not supported"}
	SockType   = &GAIError{-7, "ai_socktype not supported"}
	Service    = &GAIError{-8, "Servname not supported for ai_socktype"}
	AddrFamily = &GAIError{-9, "Address family for hostname not supported"}
)
