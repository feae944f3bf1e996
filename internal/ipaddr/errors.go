package ipaddr

import "fmt"

// Kind is the Python exception class a failure would raise.
type Kind string

// The exception classes of Python's ipaddress module that callers see.
const (
	ValueError        Kind = "ValueError"
	AddressValueError Kind = "AddressValueError" // a ValueError
	NetmaskValueError Kind = "NetmaskValueError" // a ValueError
	TypeError         Kind = "TypeError"
	IndexError        Kind = "IndexError"
)

// Error is a failure worded as Python's ipaddress words it.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func errf(kind Kind, format string, args ...any) *Error {
	return &Error{kind, fmt.Sprintf(format, args...)}
}

// isAddrOrMask reports whether err is one that ip_address, ip_network and
// ip_interface swallow before trying the other version.
func isAddrOrMask(err error) bool {
	e, ok := err.(*Error)
	return ok && (e.Kind == AddressValueError || e.Kind == NetmaskValueError)
}
