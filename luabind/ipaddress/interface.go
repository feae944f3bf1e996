package ipaddress

import (
	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

var ifaceFields = append([]string{
	"ip", "network", "with_prefixlen", "with_netmask", "with_hostmask", "netmask", "hostmask",
}, addrFields...)

func checkIfaceSelf(L *lua.LState) ipaddr.Interface {
	return runtime.Check[ipaddr.Interface](L, 1, "interface")
}

func ifaceIndex(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	i, ok := ud.Value.(ipaddr.Interface)
	if !ok {
		return nil
	}
	switch key {
	case "ip":
		return addrValue(L, ipaddr.FromNetip(i.IP().Netip().WithZone("")))
	case "network":
		return netValue(L, i.Network())
	case "with_prefixlen":
		return lua.LString(i.WithPrefixlen())
	case "with_netmask":
		return lua.LString(i.WithNetmask())
	case "with_hostmask":
		return lua.LString(i.WithHostmask())
	case "netmask":
		return addrValue(L, i.Network().Netmask())
	case "hostmask":
		return addrValue(L, i.Network().Hostmask())
	case "compressed":
		return lua.LString(i.String())
	case "exploded":
		return lua.LString(i.Exploded())
	case "reverse_pointer":
		return lua.LString(i.ReversePointer())
	case "is_loopback":
		return lua.LBool(i.IsLoopback())
	case "is_unspecified":
		return lua.LBool(i.IsUnspecified())
	}
	return addrField(L, i.IP(), key)
}

var interfaceType = &runtime.Type{
	Name: ifaceType,
	Doc: "an IPv4Interface or IPv6Interface: an address in its network (\"192.168.1.7/24\"); " +
		"i.ip, i.network, i.with_prefixlen and every address field (i.is_private…)",
	Fields:   ifaceFields,
	Field:    ifaceIndex,
	Tostring: reprOf,
	Methods: []runtime.Function{
		{Name: "int", Args: "()", Doc: "int(i): the address as a number (exact up to 2^53).",
			Fn: func(L *lua.LState) int { L.Push(intValue(checkIfaceSelf(L).IP())); return 1 }},
		{Name: "explain", Args: "()", Doc: "One line saying what the address is and why (see ipaddress.explain).",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkIfaceSelf(L).IP().Explain())); return 1 }},
		{Name: "repr", Args: "()", Doc: "repr(i): IPv4Interface('192.168.1.7/24').",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkIfaceSelf(L).Repr())); return 1 }},
	},
	Meta: valueMeta[ipaddr.Interface]("interface", nil),
}
