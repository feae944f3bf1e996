package socket

import (
	"errors"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/resolver"
	"socklab/internal/sock"
	"socklab/luabind/pyerr"
)

// fail reports a failure of an engine under the error convention, worded
// as Python's socket module words it.
func fail(L *lua.LState, err error) int { return pyerr.Fail(L, pythonError(err)) }

// pythonError gives engine errors the form pyerr words as Python does:
// getaddrinfo failures become gaierror, gethostbyname failures herror.
func pythonError(err error) error {
	var ai *resolver.AddrInfoError
	var he *resolver.HostError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ai):
		return &pyerr.GAIError{Code: ai.Code, Text: ai.Text}
	case errors.As(err, &he):
		return herror{he}
	case errors.Is(err, sock.ErrAddrFamily):
		return pyerr.AddrFamily
	case errors.Is(err, sock.ErrUnknownZone):
		return pyerr.NoName
	}
	return err
}

// herror is Python's socket.herror: "[Errno 1] Unknown host".
type herror struct{ *resolver.HostError }

func (e herror) Error() string { return fmt.Sprintf("[Errno %d] %s", e.Code, e.Text) }

// OSError is a plain Python OSError with a message and no errno.
type OSError string

func (e OSError) Error() string { return string(e) }

// errClosedEarly is what recvuntil/recvexactly fail with when the stream
// ends first.
var errClosedEarly = OSError("connection closed")
