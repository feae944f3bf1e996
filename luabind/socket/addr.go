package socket

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/internal/resolver"
	"socklab/internal/sock"
	"socklab/luabind/runtime"
)

const (
	afUnspec = unix.AF_UNSPEC
	afInet   = unix.AF_INET
	afInet6  = unix.AF_INET6
	afUnix   = unix.AF_UNIX
)

// Addresses on the Lua side: a table {host, port} (IPv6: {host, port,
// flowinfo, scope_id}, as Python's tuples) whose metatable gives .host and
// .port, prints (tostring) as 127.0.0.1:5000 or [::1]:5000 and shows at the
// prompt as {"127.0.0.1", 5000} (repr.go); a Unix socket's address is its
// path string (abstract names start with "\0").

const addrMeta = "socket.address"

func installAddrMeta(L *lua.LState) {
	mt := L.NewTypeMetatable(addrMeta)
	L.SetField(mt, "__index", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		switch L.Get(2) {
		case lua.LString("host"):
			L.Push(t.RawGetInt(1))
		case lua.LString("port"):
			L.Push(t.RawGetInt(2))
		case lua.LString("flowinfo"):
			L.Push(t.RawGetInt(3))
		case lua.LString("scope_id"):
			L.Push(t.RawGetInt(4))
		default:
			L.Push(lua.LNil)
		}
		return 1
	}))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(lua.LString(hostPort(lua.LVAsString(t.RawGetInt(1)), int(lua.LVAsNumber(t.RawGetInt(2))))))
		return 1
	}))
	L.SetField(mt, "__repr", L.NewFunction(func(L *lua.LState) int { // repr.go
		L.Push(lua.LString(addrRepr(L.CheckTable(1))))
		return 1
	}))
	L.SetField(mt, "__eq", L.NewFunction(func(L *lua.LState) int {
		a, b := L.CheckTable(1), L.CheckTable(2)
		eq := true
		for i := 1; i <= 4; i++ {
			if a.RawGetInt(i) != b.RawGetInt(i) {
				eq = false
			}
		}
		L.Push(lua.LBool(eq))
		return 1
	}))
	L.SetField(mt, "__name", lua.LString("address"))
	fields := L.NewTable()
	fields.Append(lua.LString("host"))
	fields.Append(lua.LString("port"))
	L.SetField(mt, "__fields", fields) // dir(a) and a.<TAB> list them
}

func hostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}

// newAddr makes an address table.
func newAddr(L *lua.LState, host string, port int, extra ...int) *lua.LTable {
	t := L.CreateTable(2+len(extra), 0)
	t.RawSetInt(1, lua.LString(host))
	t.RawSetInt(2, lua.LNumber(port))
	for i, v := range extra {
		t.RawSetInt(3+i, lua.LNumber(v))
	}
	L.SetMetatable(t, L.GetTypeMetatable(addrMeta))
	return t
}

// addrValue converts a kernel address to its Lua form.
func addrValue(L *lua.LState, sa unix.Sockaddr) lua.LValue {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return newAddr(L, netip.AddrFrom4(a.Addr).String(), a.Port)
	case *unix.SockaddrInet6:
		return newAddr(L, ipv6Text(a), a.Port, 0, int(a.ZoneId))
	case *unix.SockaddrUnix:
		return lua.LString(sock.UnixPath(a))
	case nil:
		return lua.LNil
	}
	return lua.LString(fmt.Sprint(sa))
}

// ipv6Text is an IPv6 address as glibc's inet_ntop writes it, with its
// zone.
func ipv6Text(a *unix.SockaddrInet6) string {
	if a.ZoneId != 0 {
		return resolver.InetNtop6(a.Addr) + "%" + sock.ZoneName(a.ZoneId)
	}
	return resolver.InetNtop6(a.Addr)
}

// addrString is an address as text, for repr.
func addrString(sa unix.Sockaddr) string {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return hostPort(netip.AddrFrom4(a.Addr).String(), a.Port)
	case *unix.SockaddrInet6:
		return hostPort(ipv6Text(a), a.Port)
	case *unix.SockaddrUnix:
		return strconv.Quote(sock.UnixPath(a))
	}
	return ""
}

// portArg is a port argument: a number, or a service name ("http") that is
// looked up, as getaddrinfo does, when the address is resolved.
type portArg struct {
	num     int
	service string
}

// checkPort reads a port argument: 0–65535, a numeric string ("80") or a
// service name.
func checkPort(L *lua.LState, v lua.LValue, n int) portArg {
	num, ok := v.(lua.LNumber)
	if s, isStr := v.(lua.LString); isStr {
		p, err := strconv.Atoi(string(s))
		if err != nil {
			return portArg{service: string(s)}
		}
		num, ok = lua.LNumber(p), true
	}
	if !ok {
		L.ArgError(n, "port number or service name expected, got "+typeName(v))
	}
	if !(num >= 0 && num <= 65535) || num != lua.LNumber(int(num)) { // NaN fails the first test
		L.ArgError(n, "port must be 0-65535, got "+numText(float64(num)))
	}
	return portArg{num: int(num)}
}

// value is the port for GetAddrInfo: the number or the service name.
func (p portArg) value() any {
	if p.service != "" {
		return p.service
	}
	return p.num
}

func typeName(v lua.LValue) string {
	if v == lua.LNil {
		return "no value"
	}
	return v.Type().String()
}

// addrArgs reads an address for family starting at argument n: a Unix path,
// (host, port) or {host, port}. It returns the host, port (or path) and how
// many arguments it used. Malformed input raises a Lua error.
func addrArgs(L *lua.LState, family, n int) (host string, port portArg, used int) {
	v := L.Get(n)
	if family == afUnix {
		switch x := v.(type) {
		case lua.LString:
			if len(x) > 107 {
				L.ArgError(n, "AF_UNIX path too long")
			}
			return string(x), portArg{}, 1
		}
		L.ArgError(n, "path string expected, got "+typeName(v))
	}
	var hv, pv lua.LValue
	pn := n + 1
	if t, ok := v.(*lua.LTable); ok {
		hv, pv, pn = t.RawGetInt(1), t.RawGetInt(2), n
		if hv == lua.LNil {
			hv, pv = t.RawGetString("host"), t.RawGetString("port")
		}
		used = 1
	} else {
		hv, pv = v, L.Get(n+1)
		used = 2
	}
	hs, ok := hv.(lua.LString)
	if !ok {
		L.ArgError(n, "host string expected, got "+typeName(hv))
	}
	return string(hs), checkPort(L, pv, pn), used
}

// resolveAddr turns (host, port) into a kernel address for a socket of
// family and typ, looking names up (without the lock) when they need DNS
// and service names in the services tables ("[Errno -8] Servname not
// supported for ai_socktype" when they lack it, as getaddrinfo says).
func resolveAddr(L *lua.LState, family, typ int, host string, p portArg) (unix.Sockaddr, error) {
	if family == afUnix {
		return &unix.SockaddrUnix{Name: host}, nil
	}
	r := stateOf(L).resolver
	port := p.num
	if p.service != "" {
		var err error
		if port, err = r.ServicePort(p.service, typ); err != nil {
			return nil, err
		}
	}
	a, ok, err := r.NumericIP(host, family)
	if err != nil {
		return nil, err
	}
	if !ok {
		runtime.Block(L, func(ctx context.Context) error {
			a, err = r.SetIPAddr(ctx, host, family)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return sock.SockaddrOf(family, a, port)
}
