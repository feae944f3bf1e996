package socket

import (
	"context"
	"io"
	"net/netip"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/internal/services"

	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

// Module-level functions: conveniences, the resolver, services, inet_*.

func luaCreateConnection(L *lua.LState) int {
	host, port, used := addrArgs(L, afInet, 1)
	timeout := DefaultTimeout()
	if L.Get(1+used) != lua.LNil {
		timeout = runtime.CheckDuration(L, 1+used)
	}
	var infos []AddrInfo
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		infos, err = GetAddrInfo(ctx, &host, port, afUnspec, unix.SOCK_STREAM, 0, 0)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	var s *Socket
	for _, ai := range infos {
		s, err = NewSocket(ai.Family, unix.SOCK_STREAM, 0)
		if err != nil {
			continue
		}
		if err = s.SetTimeout(timeout); err == nil {
			var sa unix.Sockaddr
			if sa, err = toSockaddr(ai.Addr, ai.Port, ai.Family); err == nil {
				err = runtime.Block(L, func(ctx context.Context) error { return s.Connect(ctx, sa) })
			}
		}
		if err == nil {
			pushSock(L, s)
			return 1
		}
		s.Close()
	}
	return pyerr.Fail(L, err)
}

func luaCreateServer(L *lua.LState) int {
	var host string
	var port, used int
	if L.Get(1) == lua.LNil {
		host, port, used = "", checkPort(L, L.Get(2), 2), 2
	} else {
		host, port, used = addrArgs(L, afInet, 1)
	}
	family, backlog, reusePort, dual := afInet, 128, false, false
	if L.Get(1+used) != lua.LNil {
		opts := L.CheckTable(1 + used)
		if v := opts.RawGetString("family"); v != lua.LNil {
			family = int(lua.LVAsNumber(v))
			if family != afInet && family != afInet6 {
				L.ArgError(1+used, "family must be AF_INET or AF_INET6")
			}
		}
		if v := opts.RawGetString("backlog"); v != lua.LNil {
			backlog = int(lua.LVAsNumber(v))
		}
		reusePort = lua.LVAsBool(opts.RawGetString("reuse_port"))
		dual = lua.LVAsBool(opts.RawGetString("dualstack"))
		if dual {
			family = afInet6
		}
	}
	sa, err := resolveAddr(L, family, host, port)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	s, err := NewSocket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return pyerr.Fail(L, err)
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
		err = s.Listen(backlog)
	}
	if err != nil {
		s.Close()
		return pyerr.Fail(L, err)
	}
	pushSock(L, s)
	return 1
}

func luaSetDefaultTimeout(L *lua.LState) int {
	SetDefaultTimeout(runtime.OptTimeout(L, 1))
	return 0
}

func luaGetDefaultTimeout(L *lua.LState) int { return pushTimeout(L, DefaultTimeout()) }

func luaGetHostname(L *lua.LState) int {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LString(unix.ByteSliceToString(u.Nodename[:])))
	return 1
}

// resolve runs a resolver function without the lock.
func resolve(L *lua.LState, fn func(ctx context.Context) error) error {
	return runtime.Block(L, fn)
}

func luaGetHostByName(L *lua.LState) int {
	name := L.CheckString(1)
	var ip string
	err := resolve(L, func(ctx context.Context) (err error) {
		ip, err = GetHostByName(ctx, name)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LString(ip))
	return 1
}

func stringList(L *lua.LState, ss []string) *lua.LTable {
	t := L.CreateTable(len(ss), 0)
	for _, s := range ss {
		t.Append(lua.LString(s))
	}
	return t
}

func pushHostInfo(L *lua.LState, h *HostInfo, err error) int {
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LString(h.Name))
	L.Push(stringList(L, h.Aliases))
	L.Push(stringList(L, h.Addrs))
	return 3
}

func luaGetHostByNameEx(L *lua.LState) int {
	name := L.CheckString(1)
	var h *HostInfo
	err := resolve(L, func(ctx context.Context) (err error) {
		h, err = GetHostByNameEx(ctx, name)
		return err
	})
	return pushHostInfo(L, h, err)
}

func luaGetHostByAddr(L *lua.LState) int {
	name := L.CheckString(1)
	var h *HostInfo
	err := resolve(L, func(ctx context.Context) (err error) {
		h, err = GetHostByAddr(ctx, name)
		return err
	})
	return pushHostInfo(L, h, err)
}

func luaGetFQDN(L *lua.LState) int {
	name := L.OptString(1, "")
	var out string
	resolve(L, func(ctx context.Context) error {
		out = GetFQDN(ctx, name)
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
		port = int(v)
	case lua.LString:
		port = string(v)
	default:
		L.ArgError(2, "port number, service name or nil expected, got "+typeName(v))
	}
	family, typ, proto, flags := optInt(L, 3, 0), optInt(L, 4, 0), optInt(L, 5, 0), optInt(L, 6, 0)
	var infos []AddrInfo
	err := resolve(L, func(ctx context.Context) (err error) {
		infos, err = GetAddrInfo(ctx, host, port, family, typ, proto, flags)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	out := L.CreateTable(len(infos), 0)
	for _, ai := range infos {
		e := L.CreateTable(5, 5)
		var addr lua.LValue
		if ai.Family == afInet6 {
			addr = newAddr(L, ai.Addr.WithZone("").String()+zoneSuffix(ai.Addr), ai.Port, 0, 0)
		} else {
			addr = newAddr(L, ai.Addr.String(), ai.Port)
		}
		vals := []lua.LValue{lua.LNumber(ai.Family), lua.LNumber(ai.Type), lua.LNumber(ai.Proto), lua.LString(ai.Canonname), addr}
		for i, k := range []string{"family", "type", "proto", "canonname", "addr"} {
			e.RawSetInt(i+1, vals[i])
			e.RawSetString(k, vals[i])
		}
		out.Append(e)
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
	t := L.CheckTable(1)
	hv, pv := t.RawGetInt(1), t.RawGetInt(2)
	if hv == lua.LNil {
		hv, pv = t.RawGetString("host"), t.RawGetString("port")
	}
	hs, isStr := hv.(lua.LString)
	if !isStr {
		L.ArgError(1, "address {host, port} expected")
	}
	pn, isNum := pv.(lua.LNumber)
	if !isNum {
		L.ArgError(1, "address {host, port} expected: port must be a number")
	}
	flags := L.CheckInt(2)
	var h, serv string
	err := resolve(L, func(ctx context.Context) (err error) {
		h, serv, err = GetNameInfo(ctx, string(hs), int(pn), flags)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
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
	return pyerr.Fail(L, OSError("service/proto not found"))
}

func luaGetServByPort(L *lua.LState) int {
	port := L.CheckInt(1)
	if port < 0 || port > 65535 {
		L.ArgError(1, "getservbyport: port must be 0-65535.")
	}
	if name, found := services.NameByPort(port, checkProto(L, 2)); found {
		L.Push(lua.LString(name))
		return 1
	}
	return pyerr.Fail(L, OSError("port/proto not found"))
}

func luaGetProtoByName(L *lua.LState) int {
	if n, found := services.ProtocolByName(L.CheckString(1)); found {
		L.Push(lua.LNumber(n))
		return 1
	}
	return pyerr.Fail(L, OSError("protocol not found"))
}

func luaInetAton(L *lua.LState) int {
	b, valid := InetAton(L.CheckString(1), false)
	if !valid {
		return pyerr.Fail(L, OSError("illegal IP address string passed to inet_aton"))
	}
	L.Push(lua.LString(b[:]))
	return 1
}

func luaInetNtoa(L *lua.LState) int {
	s := L.CheckString(1)
	if len(s) != 4 {
		return pyerr.Fail(L, OSError("packed IP wrong length for inet_ntoa"))
	}
	L.Push(lua.LString(InetNtop4([4]byte([]byte(s)))))
	return 1
}

func luaInetPton(L *lua.LState) int {
	family, s := L.CheckInt(1), L.CheckString(2)
	switch family {
	case afInet:
		if b, valid := InetPton4(s); valid {
			L.Push(lua.LString(b[:]))
			return 1
		}
	case afInet6:
		if b, valid := InetPton6(s); valid {
			L.Push(lua.LString(b[:]))
			return 1
		}
	default:
		return pyerr.Fail(L, unix.EAFNOSUPPORT)
	}
	return pyerr.Fail(L, OSError("illegal IP address string passed to inet_pton"))
}

func luaInetNtop(L *lua.LState) int {
	family, s := L.CheckInt(1), L.CheckString(2)
	switch family {
	case afInet:
		if len(s) == 4 {
			L.Push(lua.LString(InetNtop4([4]byte([]byte(s)))))
			return 1
		}
	case afInet6:
		if len(s) == 16 {
			L.Push(lua.LString(InetNtop6([16]byte([]byte(s)))))
			return 1
		}
	default:
		L.ArgError(1, "unknown address family "+lua.LNumber(family).String())
	}
	L.ArgError(2, "invalid length of packed IP address string")
	return 0
}

// interactive copies the socket to out and in to the socket until either
// side ends or ctx is cancelled. It polls in short slices so that it never
// leaves a read of the terminal pending when it returns.
func (s *Socket) interactive(ctx context.Context, in *os.File, out io.Writer) error {
	fd, err := s.acquire()
	if err != nil {
		return err
	}
	defer s.release()
	// What the line helpers already buffered comes first.
	s.rmu.Lock()
	if len(s.rbuf) > 0 {
		out.Write(s.rbuf)
		s.rbuf = nil
	}
	s.rmu.Unlock()
	buf := make([]byte, 32<<10)
	inFd := int(in.Fd())
	// poll(2) sleeps on a thread: with none to spare in the budget, poll
	// without sleeping and sleep in Go instead (no thread held).
	wait := 100
	if takeThread() {
		defer putThread()
	} else {
		wait = 0
	}
	for ctx.Err() == nil && !s.Closed() {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}, {Fd: int32(inFd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, wait)
		if err == unix.EINTR || n == 0 {
			if wait == 0 {
				time.Sleep(20 * time.Millisecond)
			}
			continue
		}
		if err != nil {
			return err
		}
		if fds[0].Revents != 0 {
			n, err := sysRecv(fd, buf, unix.MSG_DONTWAIT)
			if err == unix.EAGAIN || err == unix.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			out.Write(buf[:n])
		}
		if fds[1].Revents != 0 {
			n, err := unix.Read(inFd, buf)
			if err == unix.EAGAIN || err == unix.EINTR {
				continue
			}
			if err != nil || n == 0 {
				return nil // Ctrl-D
			}
			for p := buf[:n]; len(p) > 0; {
				m, err := sysSend(fd, p, 0)
				if err == unix.EINTR || err == unix.EAGAIN {
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					return err
				}
				p = p[m:]
			}
		}
	}
	if s.Closed() {
		return unix.EBADF
	}
	return nil
}
