package netinfo

import (
	"context"
	"fmt"
	"math"
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
	// One userdata per entry, pointing into the engine's slice: its fields
	// are made when read. A table per entry cost 18 map inserts and as many
	// allocations (gopher-lua keeps a key list beside each table's map),
	// which with 10,000 sockets was most of net.connections' time.
	t := L.CreateTable(len(list), 0)
	meta := L.GetTypeMetatable(connType)
	for i := range list {
		ud := L.NewUserData()
		ud.Value = &list[i]
		ud.Metatable = meta
		t.Append(ud)
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

// connectionType is one entry of net.connections(): read-only fields made
// from the engine's Conn when read.
var connectionType = &runtime.Type{
	Name: connType,
	Doc: "an open socket from net.connections(): c.proto, c.state, c.local_ip, c.local_port, c.remote_ip, c.remote_port, c.pid, c.program…; " +
		"prints as a line of netstat -nap",
	Fields: []string{"proto", "netid", "family", "state", "recv_q", "send_q", "local_ip", "local_port", "remote_ip", "remote_port",
		"local", "remote", "path", "peer_inode", "uid", "inode", "pid", "fd", "program"},
	Field: connField,
	Tostring: func(ud *lua.LUserData) string {
		if c, ok := ud.Value.(*engine.Conn); ok {
			return c.String()
		}
		return "?"
	},
}

// connField is one field of an entry; nil for a field the socket lacks
// (path of a TCP socket, local_ip of a UNIX one, fd when unknown).
func connField(_ *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	c, ok := ud.Value.(*engine.Conn)
	if !ok {
		return nil
	}
	inet := c.Family != "unix"
	switch key {
	case "proto":
		return lua.LString(c.Proto())
	case "netid":
		return lua.LString(c.Netid)
	case "family":
		return lua.LString(c.Family)
	case "state":
		return lua.LString(c.State)
	case "recv_q":
		return lua.LNumber(c.RecvQ)
	case "send_q":
		return lua.LNumber(c.SendQ)
	case "inode":
		return lua.LNumber(c.Inode)
	case "pid":
		return lua.LNumber(c.PID)
	case "program":
		if c.Program == "" {
			return lua.LString("-")
		}
		return lua.LString(c.Program)
	case "fd":
		if c.FD >= 0 {
			return lua.LNumber(c.FD)
		}
	case "path":
		if !inet && c.Path != "" {
			return lua.LString(c.Path)
		}
	case "peer_inode":
		if !inet && c.Peer != 0 {
			return lua.LNumber(c.Peer)
		}
	}
	if !inet {
		return nil
	}
	switch key {
	case "local_ip":
		return lua.LString(c.Local.Addr().String())
	case "local_port":
		return lua.LNumber(c.Local.Port())
	case "remote_ip":
		return lua.LString(c.Remote.Addr().String())
	case "remote_port":
		return lua.LNumber(c.Remote.Port())
	case "local":
		return lua.LString(c.Local.String())
	case "remote":
		return lua.LString(c.Remote.String())
	case "uid":
		return lua.LNumber(c.UID)
	}
	return nil
}
