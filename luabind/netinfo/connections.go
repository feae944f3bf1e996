package netinfo

import (
	"context"
	"fmt"
	"math"
	"net/netip"
	"strings"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/netinfo"
	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

// ---- connections ----

func luaConnections(L *lua.LState) int {
	f := checkFilter(L, 1)
	var list []engine.Conn
	err := runtime.Block(L, func(context.Context) (err error) {
		list, err = engine.Connections(f)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	t := L.CreateTable(len(list), 0)
	entryMeta := L.GetTypeMetatable(connType)
	words := interner{}
	for _, c := range list {
		t.Append(connTable(L, c, entryMeta, words))
	}
	L.SetMetatable(t, L.GetTypeMetatable(connListType))
	L.Push(t)
	return 1
}

// checkFilter reads net.connections' filter argument; a wrong word raises
// an error naming it.
func checkFilter(L *lua.LState, n int) engine.Filter {
	var f engine.Filter
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return f
	case lua.LString:
		f.Protos = []string{string(v)}
	case *lua.LTable:
		v.ForEach(func(k, val lua.LValue) {
			key, ok := k.(lua.LString)
			if !ok {
				L.ArgError(n, fmt.Sprintf("filter keys are proto, family, state, port, pid, pids; got a %s key", k.Type()))
			}
			switch key {
			case "proto":
				switch p := val.(type) {
				case lua.LString:
					f.Protos = []string{string(p)}
				case *lua.LTable:
					for i := 1; i <= p.Len(); i++ {
						f.Protos = append(f.Protos, lua.LVAsString(p.RawGetInt(i)))
					}
				default:
					L.ArgError(n, "filter.proto: a string or a list of strings expected, got "+val.Type().String())
				}
			case "family":
				f.Family = lua.LVAsString(val)
			case "state":
				f.State = strings.ToUpper(lua.LVAsString(val))
			case "port":
				f.Port = filterNumber(L, n, "port", val)
				if f.Port < 1 || f.Port > 65535 {
					L.ArgError(n, fmt.Sprintf("filter.port must be 1-65535, got %d", f.Port))
				}
			case "pid":
				f.PID = filterNumber(L, n, "pid", val)
				if f.PID < 1 {
					L.ArgError(n, fmt.Sprintf("filter.pid must be a positive process id, got %d", f.PID))
				}
			case "pids":
				f.NoPIDs = !lua.LVAsBool(val)
			default:
				L.ArgError(n, fmt.Sprintf("unknown filter key %q (expected proto, family, state, port, pid, pids)", string(key)))
			}
		})
	default:
		L.ArgError(n, "filter expected: \"tcp\", \"udp\", \"unix\" or a table, got "+v.Type().String())
	}
	for i, p := range f.Protos {
		f.Protos[i] = strings.ToLower(p)
	}
	if err := f.Check(); err != nil {
		L.ArgError(n, err.Error())
	}
	return f
}

func filterNumber(L *lua.LState, n int, key string, v lua.LValue) int {
	num, ok := v.(lua.LNumber)
	if !ok || float64(num) != math.Trunc(float64(num)) {
		L.ArgError(n, fmt.Sprintf("filter.%s: an integer expected, got %s", key, v.Type()))
	}
	return int(num)
}

// interner shares the Lua strings that repeat across thousands of
// entries (addresses, states, programs) instead of converting each again.
type interner map[string]lua.LValue

func (in interner) str(s string) lua.LValue {
	if v, ok := in[s]; ok {
		return v
	}
	v := lua.LString(s)
	in[s] = v
	return v
}

func (in interner) addr(a netip.Addr) lua.LValue {
	if a.Is4() { // the common case: no allocation for the lookup key
		b := a.As4()
		key := string(b[:])
		if v, ok := in[key]; ok {
			return v
		}
		v := lua.LString(a.String())
		in[key] = v
		return v
	}
	return in.str(a.String())
}

func connTable(L *lua.LState, c engine.Conn, meta lua.LValue, in interner) *lua.LTable {
	t := L.CreateTable(0, 18)
	L.SetMetatable(t, meta)
	t.RawSetString("proto", in.str(c.Proto()))
	t.RawSetString("netid", in.str(c.Netid))
	t.RawSetString("family", in.str(c.Family))
	t.RawSetString("state", in.str(c.State))
	t.RawSetString("recv_q", lua.LNumber(c.RecvQ))
	t.RawSetString("send_q", lua.LNumber(c.SendQ))
	if c.Family == "unix" {
		setString(t, "path", c.Path)
		if c.Peer != 0 {
			t.RawSetString("peer_inode", lua.LNumber(c.Peer))
		}
	} else {
		t.RawSetString("local_ip", in.addr(c.Local.Addr()))
		t.RawSetString("local_port", lua.LNumber(c.Local.Port()))
		t.RawSetString("remote_ip", in.addr(c.Remote.Addr()))
		t.RawSetString("remote_port", lua.LNumber(c.Remote.Port()))
		t.RawSetString("local", lua.LString(c.Local.String()))
		t.RawSetString("remote", lua.LString(c.Remote.String()))
		t.RawSetString("uid", lua.LNumber(c.UID))
	}
	t.RawSetString("inode", lua.LNumber(c.Inode))
	t.RawSetString("pid", lua.LNumber(c.PID))
	if c.FD >= 0 {
		t.RawSetString("fd", lua.LNumber(c.FD))
	}
	prog := c.Program
	if prog == "" {
		prog = "-"
	}
	t.RawSetString("program", in.str(prog))
	return t
}
