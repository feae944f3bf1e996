// Package ipaddress is Python's ipaddress module for Lua: addresses,
// networks and interfaces with Python's names, answers and error messages,
// on the plain-Go engine socklab/internal/ipaddr. It only checks and
// converts arguments; the semantics live in the engine.
//
// Other faces hand out ipaddress values with PushAddr, PushInterface and
// PushNetwork (net.interfaces() does, so that `a.ip.is_private` works).
package ipaddress

import (
	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

func init() {
	runtime.Register(&runtime.Module{
		Name:  "ipaddress",
		Doc:   "Python's ipaddress: ip_address, ip_network, ip_interface, explain",
		Funcs: funcs,
		Types: []*runtime.Type{addressType, networkType, interfaceType},
	})
}

func strictArg(L *lua.LState, n int) bool {
	if L.Get(n) == lua.LNil {
		return true
	}
	return lua.LVAsBool(L.Get(n))
}

func networkCtor(version int) lua.LGFunction {
	parse := byVersion(version, ipaddr.ParseNetworkV4, ipaddr.ParseNetworkV6, ipaddr.ParseNetwork)
	return func(L *lua.LState) int {
		n, err := parse(textArg(L, 1, version), strictArg(L, 2))
		raiseIf(L, err)
		L.Push(netValue(L, n))
		return 1
	}
}

func interfaceCtor(version int) lua.LGFunction {
	parse := byVersion(version, ipaddr.ParseInterfaceV4, ipaddr.ParseInterfaceV6, ipaddr.ParseInterface)
	return func(L *lua.LState) int {
		i, err := parse(textArg(L, 1, version))
		raiseIf(L, err)
		L.Push(ifaceValue(L, i))
		return 1
	}
}

func addressCtor(version int) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(addrValue(L, makeAddr(L, 1, version)))
		return 1
	}
}

func luaCollapse(L *lua.LState) int {
	list := L.CheckTable(1)
	var items []ipaddr.Item
	for i := 1; i <= list.Len(); i++ {
		switch x := list.RawGetInt(i).(type) {
		case *lua.LUserData:
			switch y := x.Value.(type) {
			case ipaddr.Addr:
				items = append(items, ipaddr.Item{Addr: y})
				continue
			case ipaddr.Network:
				items = append(items, ipaddr.Item{Network: y, IsNet: true})
				continue
			case ipaddr.Interface:
				items = append(items, ipaddr.Item{Addr: y.IP()})
				continue
			}
		case lua.LString:
			s := string(x)
			if a, err := ipaddr.ParseAddr(s); err == nil {
				items = append(items, ipaddr.Item{Addr: a})
				continue
			}
			n, err := ipaddr.ParseNetwork(s, true)
			raiseIf(L, err)
			items = append(items, ipaddr.Item{Network: n, IsNet: true})
			continue
		}
		L.ArgError(1, "list of addresses and networks expected, item "+lua.LNumber(i).String()+" is "+typeName(list.RawGetInt(i)))
	}
	ns, err := ipaddr.CollapseAddresses(items)
	return pushNetList(L, ns, err)
}

func luaSummarize(L *lua.LState) int {
	for n := 1; n <= 2; n++ {
		if ud, ok := L.Get(n).(*lua.LUserData); ok {
			if _, isNet := ud.Value.(ipaddr.Network); isNet {
				raiseMsg(L, "first and last must be IP addresses, not networks")
			}
		}
	}
	first, last := checkAddr(L, 1), checkAddr(L, 2)
	ns, err := ipaddr.SummarizeRange(first, last)
	return pushNetList(L, ns, err)
}

func luaExplain(L *lua.LState) int {
	switch x := L.Get(1).(type) {
	case *lua.LUserData:
		switch y := x.Value.(type) {
		case ipaddr.Network:
			L.Push(lua.LString(explainNetwork(y)))
			return 1
		case ipaddr.Interface:
			L.Push(lua.LString(y.IP().Explain() + "; its network is " + y.Network().String()))
			return 1
		}
	case lua.LString:
		if _, err := ipaddr.ParseAddr(string(x)); err != nil {
			if n, err := ipaddr.ParseNetwork(string(x), false); err == nil {
				L.Push(lua.LString(explainNetwork(n)))
				return 1
			}
		}
	}
	L.Push(lua.LString(checkAddr(L, 1).Explain()))
	return 1
}

func explainNetwork(n ipaddr.Network) string {
	kind := "global"
	switch {
	case n.IsPrivate():
		kind = "private"
	case !n.IsGlobal():
		kind = "neither private nor global"
	}
	return n.String() + " is an IPv" + lua.LNumber(n.Version()).String() + " network of " +
		n.NumAddresses().String() + " addresses, " + kind + "; its first address: " + n.NetworkAddress().Explain()
}

func luaFromPacked(L *lua.LState) int {
	a, err := ipaddr.FromPacked(0, L.CheckString(1))
	return pushAddr(L, a, err)
}

var funcs = []runtime.Function{
	{Name: "ip_address", Args: "(text_or_int)", Doc: "An IPv4Address or IPv6Address from text (\"192.168.0.104\", \"fe80::1%eth0\") or an integer, as Python's ip_address. Malformed text raises Python's error: '300.1.1.1' does not appear to be an IPv4 or IPv6 address.", Fn: addressCtor(0)},
	{Name: "ip_network", Args: "(text[, strict])", Doc: "An IPv4Network or IPv6Network from \"10.0.0.0/8\", \"10.0.0.0/255.0.0.0\" or \"10.0.0.0/0.255.255.255\" (or an address, an integer, {addr, prefix}). strict (default true) rejects host bits: 10.0.0.1/8 has host bits set.", Fn: networkCtor(0)},
	{Name: "ip_interface", Args: "(text)", Doc: "An IPv4Interface or IPv6Interface: an address with its network, \"192.168.1.7/24\".", Fn: interfaceCtor(0)},
	{Name: "IPv4Address", Args: "(text_or_int)", Doc: "An IPv4Address; errors name the exact problem, as Python's: Octet 256 (> 255) not permitted in '1.2.3.256'.", Fn: addressCtor(4)},
	{Name: "IPv6Address", Args: "(text_or_int)", Doc: "An IPv6Address (with an optional %scope).", Fn: addressCtor(6)},
	{Name: "IPv4Network", Args: "(text[, strict])", Doc: "An IPv4Network; see ip_network.", Fn: networkCtor(4)},
	{Name: "IPv6Network", Args: "(text[, strict])", Doc: "An IPv6Network; see ip_network.", Fn: networkCtor(6)},
	{Name: "IPv4Interface", Args: "(text)", Doc: "An IPv4Interface; see ip_interface.", Fn: interfaceCtor(4)},
	{Name: "IPv6Interface", Args: "(text)", Doc: "An IPv6Interface; see ip_interface.", Fn: interfaceCtor(6)},
	{Name: "collapse_addresses", Args: "(list)", Doc: "The fewest networks covering the addresses and networks of list (values or strings), in order.", Fn: luaCollapse},
	{Name: "summarize_address_range", Args: "(first, last)", Doc: "The list of networks that cover first..last exactly.", Fn: luaSummarize},
	{Name: "explain", Args: "(x)", Doc: "One line for learners: what the address (or network, or interface) x is and why: IPv4 or IPv6, private or global, and the registry range that decides it (RFC 1918 private-use, RFC 6598 shared, loopback, link-local, documentation…).", Fn: luaExplain},
	{Name: "from_packed", Args: "(bytes)", Doc: "The address of 4 or 16 packed bytes (Python's ip_address(b'...')); a Lua string is text otherwise.", Fn: luaFromPacked},
}
