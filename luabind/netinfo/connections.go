package netinfo

import (
	"cmp"
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

var connectionsFunc = runtime.Function{Name: "connections", Args: "([filter])", Fn: luaConnections,
	Doc: "Lists open sockets like `ss -tuxanp`, printed like `netstat -nap`. Each entry is a read-only value (dir(c) lists its fields) with {proto (tcp, tcp6, udp, udp6, unix), netid (ss's: tcp, udp, u_str, u_dgr, u_seq), " +
		"family, state (ss's names: LISTEN, ESTAB, UNCONN, TIME-WAIT, …), recv_q, send_q, local_ip, local_port, remote_ip, remote_port, local, remote, path (UNIX), peer_inode, " +
		"uid, inode, pid, fd, program} (pid 0 and program \"-\" when the owner cannot be read: other users' processes need root). " +
		"filter: a protocol string (\"tcp\", \"udp\", \"unix\") or a table {proto = \"tcp\" or {\"tcp\", \"udp\"}, family = \"inet\"|\"inet6\", state = \"LISTEN\", port = N, pid = N, pids = false}."}

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
	uds := runtime.NewUserDatas(L, connType, len(list))
	for i := range list {
		uds[i].Value = &list[i]
		t.Append(&uds[i])
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

// connGetters make each field of an entry from its Conn; nil for a field
// the socket lacks (path of a TCP socket, local_ip of a UNIX one, fd when
// unknown).
var connGetters = map[string]func(c *engine.Conn) lua.LValue{
	"proto":       func(c *engine.Conn) lua.LValue { return lua.LString(c.Proto()) },
	"netid":       func(c *engine.Conn) lua.LValue { return lua.LString(c.Netid) },
	"family":      func(c *engine.Conn) lua.LValue { return lua.LString(c.Family) },
	"state":       func(c *engine.Conn) lua.LValue { return lua.LString(c.State) },
	"recv_q":      func(c *engine.Conn) lua.LValue { return lua.LNumber(c.RecvQ) },
	"send_q":      func(c *engine.Conn) lua.LValue { return lua.LNumber(c.SendQ) },
	"inode":       func(c *engine.Conn) lua.LValue { return lua.LNumber(c.Inode) },
	"pid":         func(c *engine.Conn) lua.LValue { return lua.LNumber(c.PID) },
	"program":     func(c *engine.Conn) lua.LValue { return lua.LString(cmp.Or(c.Program, "-")) },
	"fd":          func(c *engine.Conn) lua.LValue { return numberIf(c.FD >= 0, c.FD) },
	"path":        func(c *engine.Conn) lua.LValue { return stringIf(c.Family == "unix" && c.Path != "", c.Path) },
	"peer_inode":  func(c *engine.Conn) lua.LValue { return numberIf(c.Family == "unix" && c.Peer != 0, int(c.Peer)) },
	"local_ip":    func(c *engine.Conn) lua.LValue { return inetOnly(c, c.Local.Addr().String) },
	"remote_ip":   func(c *engine.Conn) lua.LValue { return inetOnly(c, c.Remote.Addr().String) },
	"local":       func(c *engine.Conn) lua.LValue { return inetOnly(c, c.Local.String) },
	"remote":      func(c *engine.Conn) lua.LValue { return inetOnly(c, c.Remote.String) },
	"local_port":  func(c *engine.Conn) lua.LValue { return numberIf(c.Family != "unix", int(c.Local.Port())) },
	"remote_port": func(c *engine.Conn) lua.LValue { return numberIf(c.Family != "unix", int(c.Remote.Port())) },
	"uid":         func(c *engine.Conn) lua.LValue { return numberIf(c.Family != "unix", c.UID) },
}

func connField(_ *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	c, ok := ud.Value.(*engine.Conn)
	get := connGetters[key]
	if !ok || get == nil {
		return nil
	}
	return get(c)
}

func numberIf(ok bool, n int) lua.LValue {
	if !ok {
		return nil
	}
	return lua.LNumber(n)
}

func stringIf(ok bool, s string) lua.LValue {
	if !ok {
		return nil
	}
	return lua.LString(s)
}

// inetOnly is an address field: nil for a UNIX socket.
func inetOnly(c *engine.Conn, text func() string) lua.LValue {
	return stringIf(c.Family != "unix", text())
}
