package netinfo

import (
	"context"
	"math"
	"net"
	"net/netip"
	"strings"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/netinfo"
	"socklab/luabind/ipaddress"
	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

// Metatable names of the values this package returns.
const (
	ifaceListType = "net.interfaces"
	ifaceType     = "net.interface"
	addrType      = "net.ifaddr"
	routeListType = "net.routes"
	routeType     = "net.route"
	connListType  = "net.connections"
	connType      = "net.connection"
)

func init() {
	runtime.Register(&runtime.Module{
		Name:  "net",
		Doc:   "interfaces, routes and open connections (interfaces, interface, routes, route_to, connections)",
		Funcs: []runtime.Function{interfacesFunc, interfaceFunc, routesFunc, routeToFunc, connectionsFunc},
		Types: []*runtime.Type{connectionType},
		Results: map[string]lua.LGFunction{
			ifaceListType: tostringList, ifaceType: tostringIface, addrType: tostringAddr,
			routeListType: tostringList, routeType: tostringRoute,
			connListType: tostringConns,
		},
	})
}

// newResult makes a table with metatable typeName that remembers v.
func newResult(L *lua.LState, typeName string, v any) *lua.LTable {
	return runtime.NewHeld(L, typeName, v)
}

// valueOf returns what newResult remembered for the table at argument 1.
func valueOf(L *lua.LState) any { return runtime.Held(L, L.Get(1)) }

func tostringWith(L *lua.LState, f func(v any) string) int {
	L.Push(lua.LString(strings.TrimRight(f(valueOf(L)), "\n")))
	return 1
}

func tostringList(L *lua.LState) int {
	return tostringWith(L, func(v any) string {
		switch x := v.(type) {
		case []engine.Interface:
			return engine.FormatInterfaces(x)
		case []engine.Route:
			return engine.FormatRoutes(x)
		}
		return ""
	})
}
func tostringIface(L *lua.LState) int {
	return tostringWith(L, func(v any) string { x, _ := v.(engine.Interface); return x.String() })
}
func tostringAddr(L *lua.LState) int {
	return tostringWith(L, func(v any) string { x, _ := v.(engine.Addr); return strings.TrimSpace(x.String()) })
}
func tostringRoute(L *lua.LState) int {
	return tostringWith(L, func(v any) string { x, _ := v.(engine.Route); return x.String() })
}

// tostringConns prints a list of connections as netstat -nap does.
func tostringConns(L *lua.LState) int {
	list := L.CheckTable(1)
	conns := make([]engine.Conn, 0, list.Len())
	for i := 1; i <= list.Len(); i++ {
		if ud, ok := list.RawGetInt(i).(*lua.LUserData); ok {
			if c, ok := ud.Value.(*engine.Conn); ok {
				conns = append(conns, *c)
			}
		}
	}
	L.Push(lua.LString(strings.TrimRight(engine.FormatConns(conns), "\n")))
	return 1
}

// ---- interfaces ----

var interfacesFunc = runtime.Function{Name: "interfaces", Args: "()", Fn: lister(ifaceListType, engine.Interfaces, ifaceTable),
	Doc: "Returns the list of network interfaces, as `ip a` shows them (print it to see the same text). Each entry is " +
		"{index, name, flags = {\"UP\", \"LOWER_UP\", …}, up, mtu, state, link_type, mac, broadcast, qlen, link, master, addrs}; " +
		"each address is {family = \"inet\"|\"inet6\", address, prefixlen, prefix = \"10.0.0.1/24\", ip (an ipaddress interface: a.ip.is_private, a.ip.network), broadcast, peer, scope, label, flags, dynamic, valid_lft, preferred_lft} " +
		"(lifetimes in seconds, math.huge for forever)."}

// lister makes net.interfaces and net.routes: each returns what fetch
// lists, read with the Lua lock released, as a result of listType (which
// prints as the engine formats the list) holding one table per entry; a
// failure returns nil and a message.
func lister[T any](listType string, fetch func() ([]T, error), entry func(*lua.LState, T) *lua.LTable) lua.LGFunction {
	return func(L *lua.LState) int {
		var list []T
		err := runtime.Block(L, func(context.Context) (err error) {
			list, err = fetch()
			return err
		})
		if err != nil {
			return pyerr.Fail(L, err)
		}
		t := newResult(L, listType, list)
		for _, v := range list {
			t.Append(entry(L, v))
		}
		L.Push(t)
		return 1
	}
}

var interfaceFunc = runtime.Function{Name: "interface", Args: "(name)", Fn: luaInterface,
	Doc: "Returns one interface by name (see net.interfaces), or nil and a message when there is no such interface."}

func luaInterface(L *lua.LState) int {
	name := L.CheckString(1)
	var ifc engine.Interface
	err := runtime.Block(L, func(context.Context) (err error) {
		ifc, err = engine.InterfaceByName(name)
		return err
	})
	if err != nil {
		return runtime.FailMessage(L, err.Error())
	}
	L.Push(ifaceTable(L, ifc))
	return 1
}

func setString(t *lua.LTable, k, v string) {
	if v != "" {
		t.RawSetString(k, lua.LString(v))
	}
}

func setAddr(t *lua.LTable, k string, a netip.Addr) {
	if a.IsValid() {
		t.RawSetString(k, lua.LString(a.String()))
	}
}

func ifaceTable(L *lua.LState, ifc engine.Interface) *lua.LTable {
	t := newResult(L, ifaceType, ifc)
	t.RawSetString("index", lua.LNumber(ifc.Index))
	t.RawSetString("name", lua.LString(ifc.Name))
	t.RawSetString("flags", runtime.Strings(L, ifc.Flags))
	t.RawSetString("up", lua.LBool(engine.HasFlag(ifc.Flags, "UP")))
	t.RawSetString("mtu", lua.LNumber(ifc.MTU))
	t.RawSetString("state", lua.LString(ifc.State))
	t.RawSetString("link_type", lua.LString(ifc.LinkType))
	setString(t, "mac", ifc.MAC)
	setString(t, "broadcast", ifc.Broadcast)
	t.RawSetString("qlen", lua.LNumber(ifc.Qlen))
	setString(t, "link", ifc.Link)
	setString(t, "master", ifc.Master)
	addrs := L.CreateTable(len(ifc.Addrs), 0)
	for _, a := range ifc.Addrs {
		addrs.Append(addrTable(L, a))
	}
	t.RawSetString("addrs", addrs)
	return t
}

func lifetimeValue(s uint32) lua.LNumber {
	if s == engine.Forever {
		return lua.LNumber(math.MaxFloat64) // gopher-lua's math.huge
	}
	return lua.LNumber(s)
}

func addrTable(L *lua.LState, a engine.Addr) *lua.LTable {
	t := newResult(L, addrType, a)
	t.RawSetString("family", lua.LString(a.Family))
	t.RawSetString("address", lua.LString(a.Prefix.Addr().String()))
	t.RawSetString("prefixlen", lua.LNumber(a.Prefix.Bits()))
	t.RawSetString("prefix", lua.LString(a.Prefix.String()))
	t.RawSetString("ip", addressValue(L, a.Prefix))
	L.Pop(1)
	setAddr(t, "broadcast", a.Broadcast)
	if a.Peer.IsValid() {
		t.RawSetString("peer", lua.LString(a.Peer.String()))
	}
	t.RawSetString("scope", lua.LString(a.Scope))
	setString(t, "label", a.Label)
	t.RawSetString("flags", runtime.Strings(L, a.Flags))
	t.RawSetString("dynamic", lua.LBool(engine.HasFlag(a.Flags, "dynamic")))
	t.RawSetString("valid_lft", lifetimeValue(a.ValidLft))
	t.RawSetString("preferred_lft", lifetimeValue(a.PreferredLft))
	return t
}

// addressValue is an address's `ip` field: an ipaddress interface value
// (IPv4Interface or IPv6Interface), so that a.ip.is_private, a.ip.network
// and a.ip.ip work as in Python.
func addressValue(L *lua.LState, p netip.Prefix) lua.LValue {
	ipaddress.PushInterface(L, p)
	return L.Get(-1)
}

// ---- routes ----

var routesFunc = runtime.Function{Name: "routes", Args: "()", Fn: lister(routeListType, engine.Routes, routeTable),
	Doc: "Returns the main routing table, IPv4 then IPv6, as `ip route` and `ip -6 route` show it. Each entry is " +
		"{family, type, dst (\"default\" or a prefix), gateway, dev, src, metric, protocol, scope, table, flags}."}

// resolve turns a literal address or a host name into one address.
func resolve(ctx context.Context, host string) (netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return a, nil
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range addrs { // prefer IPv4, as ip route get and ping do for a name
		if a.Unmap().Is4() {
			return a.Unmap(), nil
		}
	}
	return addrs[0], nil
}

var routeToFunc = runtime.Function{Name: "route_to", Args: "(addr)", Fn: luaRouteTo,
	Doc: "Asks the kernel which route a packet to addr (an IP address or a host name) takes, like `ip route get`: " +
		"{dst, gateway, dev, src, type, table}. Returns nil and a message when there is no route or the name does not resolve."}

func luaRouteTo(L *lua.LState) int {
	host := L.CheckString(1)
	if host == "" {
		L.ArgError(1, "an IP address or host name expected, got an empty string")
	}
	var r engine.Route
	err := runtime.Block(L, func(ctx context.Context) error {
		addr, err := resolve(ctx, host)
		if err != nil {
			return err
		}
		r, err = engine.RouteTo(addr)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(routeTable(L, r))
	return 1
}

func routeTable(L *lua.LState, r engine.Route) *lua.LTable {
	t := newResult(L, routeType, r)
	t.RawSetString("family", lua.LString(r.Family))
	t.RawSetString("type", lua.LString(r.Type))
	t.RawSetString("dst", lua.LString(r.DstString()))
	setAddr(t, "gateway", r.Gateway)
	setString(t, "dev", r.Dev)
	setAddr(t, "src", r.Src)
	t.RawSetString("metric", lua.LNumber(r.Metric))
	t.RawSetString("protocol", lua.LString(r.Protocol))
	t.RawSetString("scope", lua.LString(r.Scope))
	t.RawSetString("table", lua.LString(r.Table))
	t.RawSetString("flags", runtime.Strings(L, r.Flags))
	return t
}
