package socket

import (
	"context"
	"net/netip"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/internal/resolver"
	"socklab/internal/services"
	"socklab/internal/sock"
	"socklab/luabind/runtime"
)

// Module-level functions: conveniences, the resolver, services, inet_*.

func luaCreateConnection(L *lua.LState) int {
	host, port, used := addrArgs(L, afInet, 1)
	st := stateOf(L)
	timeout := st.timeout()
	if L.Get(1+used) != lua.LNil {
		timeout = runtime.CheckDuration(L, 1+used)
	}
	var infos []resolver.AddrInfo
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		infos, err = st.resolver.GetAddrInfo(ctx, &host, port.value(), afUnspec, unix.SOCK_STREAM, 0, 0)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	var s *sock.Socket
	for _, ai := range infos {
		s, err = sock.NewSocket(ai.Family, unix.SOCK_STREAM, 0, timeout, st.threads)
		if err != nil {
			continue
		}
		var sa unix.Sockaddr
		if sa, err = sock.SockaddrOf(ai.Family, ai.Addr, ai.Port); err == nil {
			err = runtime.Block(L, func(ctx context.Context) error { return s.Connect(ctx, sa) })
		}
		if err == nil {
			pushSock(L, s)
			return 1
		}
		s.Close()
	}
	return fail(L, err)
}

func luaCreateServer(L *lua.LState) int {
	var host string
	var port portArg
	var used int
	if L.Get(1) == lua.LNil {
		host, port, used = "", checkPort(L, L.Get(2), 2), 2
	} else {
		host, port, used = addrArgs(L, afInet, 1)
	}
	family, backlog, reusePort, dual := afInet, 128, false, false
	if L.Get(1+used) != lua.LNil {
		opts := L.CheckTable(1 + used)
		if v := opts.RawGetString("family"); v != lua.LNil {
			var isInt bool
			family, isInt = numberIn(v, afInet, afInet6)
			if !isInt || (family != afInet && family != afInet6) {
				L.ArgError(1+used, "family must be AF_INET or AF_INET6")
			}
		}
		if v := opts.RawGetString("backlog"); v != lua.LNil {
			var isInt bool
			if backlog, isInt = numberIn(v, cIntMin, cIntMax); !isInt {
				L.ArgError(1+used, "backlog must be a number of connections")
			}
		}
		reusePort = lua.LVAsBool(opts.RawGetString("reuse_port"))
		dual = lua.LVAsBool(opts.RawGetString("dualstack"))
		if dual {
			family = afInet6
		}
	}
	sa, err := resolveAddr(L, family, unix.SOCK_STREAM, host, port)
	if err != nil {
		return fail(L, err)
	}
	s, err := stateOf(L).newSocket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return fail(L, err)
	}
	err = s.SetsockoptInt(unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err == nil && reusePort {
		err = s.SetsockoptInt(unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	}
	if err == nil && family == afInet6 {
		v6only := 1
		if dual {
			v6only = 0
		}
		err = s.SetsockoptInt(unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only)
	}
	if err == nil {
		err = s.Bind(sa)
	}
	if err == nil {
		err = s.Listen(max(backlog, 0))
	}
	if err != nil {
		s.Close()
		return fail(L, err)
	}
	pushSock(L, s)
	return 1
}

func luaSetDefaultTimeout(L *lua.LState) int {
	stateOf(L).defaultTimeout.Store(int64(runtime.OptTimeout(L, 1)))
	return 0
}

func luaGetDefaultTimeout(L *lua.LState) int { return pushTimeout(L, stateOf(L).timeout()) }

func luaGetHostname(L *lua.LState) int {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(unix.ByteSliceToString(u.Nodename[:])))
	return 1
}

// resolve runs a resolver function without the lock.
func resolve(L *lua.LState, fn func(ctx context.Context) error) error {
	return runtime.Block(L, fn)
}

// lookupFn is a resolver function of one name (gethostbyname and
// friends): lookup of argument 1 runs without the lock, then push answers
// with its result or error.
func lookupFn[R any](lookup func(r *resolver.Resolver, ctx context.Context, name string) (R, error), push func(L *lua.LState, answer R, err error) int) lua.LGFunction {
	return func(L *lua.LState) int {
		r := stateOf(L).resolver
		name := L.CheckString(1)
		var answer R
		err := resolve(L, func(ctx context.Context) (err error) {
			answer, err = lookup(r, ctx, name)
			return err
		})
		return push(L, answer, err)
	}
}

func pushHostAddr(L *lua.LState, ip string, err error) int {
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(ip))
	return 1
}

func pushHostInfo(L *lua.LState, h *resolver.HostInfo, err error) int {
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(h.Name))
	L.Push(runtime.Strings(L, h.Aliases))
	L.Push(runtime.Strings(L, h.Addrs))
	return 3
}

func luaGetFQDN(L *lua.LState) int {
	r := stateOf(L).resolver
	name := L.OptString(1, "")
	var out string
	resolve(L, func(ctx context.Context) error {
		out = r.GetFQDN(ctx, name)
		return nil
	})
	L.Push(lua.LString(out))
	return 1
}

func luaGetAddrInfo(L *lua.LState) int {
	var host *string
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LString:
		h := string(v)
		host = &h
	default:
		L.ArgError(1, "host string or nil expected, got "+typeName(v))
	}
	var port any
	switch v := L.Get(2).(type) {
	case *lua.LNilType:
	case lua.LNumber:
		if port = cInt(L, 2, "port"); port.(int) < 0 { // as glibc, which reads the port as text
			return fail(L, resolver.ErrService)
		}
	case lua.LString:
		port = string(v)
	default:
		L.ArgError(2, "port number, service name or nil expected, got "+typeName(v))
	}
	family, typ := optCInt(L, 3, "family", 0), optCInt(L, 4, "type", 0)
	proto, flags := optCInt(L, 5, "proto", 0), optCInt(L, 6, "flags", 0)
	var infos []resolver.AddrInfo
	r := stateOf(L).resolver
	err := resolve(L, func(ctx context.Context) (err error) {
		infos, err = r.GetAddrInfo(ctx, host, port, family, typ, proto, flags)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	out := L.CreateTable(len(infos), 0)
	for _, ai := range infos {
		out.Append(newAddrInfo(L, ai))
	}
	L.Push(out)
	return 1
}

func zoneSuffix(a netip.Addr) string {
	if z := a.Zone(); z != "" {
		return "%" + z
	}
	return ""
}

func luaGetNameInfo(L *lua.LState) int {
	r := stateOf(L).resolver
	t := L.CheckTable(1)
	hv, pv := t.RawGetInt(1), t.RawGetInt(2)
	if hv == lua.LNil {
		hv, pv = t.RawGetString("host"), t.RawGetString("port")
	}
	hs, isStr := hv.(lua.LString)
	if !isStr {
		L.ArgError(1, "address {host, port} expected")
	}
	pn, isNum := numberIn(pv, cIntMin, cIntMax)
	if !isNum {
		L.ArgError(1, "address {host, port} expected: port must be a number")
	}
	flags := cInt(L, 2, "flags")
	var h, serv string
	err := resolve(L, func(ctx context.Context) (err error) {
		h, serv, err = r.GetNameInfo(ctx, string(hs), pn, flags)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(h))
	L.Push(lua.LString(serv))
	return 2
}

func checkProto(L *lua.LState, n int) string {
	if L.Get(n) == lua.LNil {
		return ""
	}
	return L.CheckString(n)
}

func luaGetServByName(L *lua.LState) int {
	name, proto := L.CheckString(1), checkProto(L, 2)
	if port, found := services.PortByName(name, proto); found {
		L.Push(lua.LNumber(port))
		return 1
	}
	return fail(L, OSError("service/proto not found"))
}

func luaGetServByPort(L *lua.LState) int {
	f := L.CheckNumber(1)
	if !(f >= 0 && f <= 65535) {
		L.ArgError(1, "getservbyport: port must be 0-65535, got "+numText(float64(f)))
	}
	port := int(f)
	if name, found := services.NameByPort(port, checkProto(L, 2)); found {
		L.Push(lua.LString(name))
		return 1
	}
	return fail(L, OSError("port/proto not found"))
}

func luaGetProtoByName(L *lua.LState) int {
	if n, found := services.ProtocolByName(L.CheckString(1)); found {
		L.Push(lua.LNumber(n))
		return 1
	}
	return fail(L, OSError("protocol not found"))
}

func luaInetAton(L *lua.LState) int {
	b, valid := resolver.InetAton(L.CheckString(1), false)
	if !valid {
		return fail(L, OSError("illegal IP address string passed to inet_aton"))
	}
	L.Push(lua.LString(b[:]))
	return 1
}

func luaInetNtoa(L *lua.LState) int {
	s := L.CheckString(1)
	if len(s) != 4 {
		return fail(L, OSError("packed IP wrong length for inet_ntoa"))
	}
	L.Push(lua.LString(resolver.InetNtop4([4]byte([]byte(s)))))
	return 1
}

func luaInetPton(L *lua.LState) int {
	family, s := cInt(L, 1, "family"), L.CheckString(2)
	switch family {
	case afInet:
		if b, valid := resolver.InetPton4(s); valid {
			L.Push(lua.LString(b[:]))
			return 1
		}
	case afInet6:
		if b, valid := resolver.InetPton6(s); valid {
			L.Push(lua.LString(b[:]))
			return 1
		}
	default:
		return fail(L, unix.EAFNOSUPPORT)
	}
	return fail(L, OSError("illegal IP address string passed to inet_pton"))
}

func luaInetNtop(L *lua.LState) int {
	family, s := cInt(L, 1, "family"), L.CheckString(2)
	switch family {
	case afInet:
		if len(s) == 4 {
			L.Push(lua.LString(resolver.InetNtop4([4]byte([]byte(s)))))
			return 1
		}
	case afInet6:
		if len(s) == 16 {
			L.Push(lua.LString(resolver.InetNtop6([16]byte([]byte(s)))))
			return 1
		}
	default:
		L.ArgError(1, "unknown address family "+lua.LNumber(family).String())
	}
	L.ArgError(2, "invalid length of packed IP address string")
	return 0
}
