package ipaddress

import (
	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

var interfaceType = newKind(ifaceType, ifaceFields, ifaceField, &runtime.Type{
	Doc: "an IPv4Interface or IPv6Interface: an address in its network (\"192.168.1.7/24\"); " +
		"i.ip, i.network, i.with_prefixlen and every address field (i.is_private…)",
	Methods: []runtime.Function{
		{Name: "int", Args: "()", Doc: "int(i): the address as a number (exact up to 2^53).",
			Fn: func(L *lua.LState) int { L.Push(intValue(checkSelf[ipaddr.Interface](L).IP())); return 1 }},
		{Name: "explain", Args: "()", Doc: "One line saying what the address is and why (see ipaddress.explain).",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkSelf[ipaddr.Interface](L).IP().Explain())); return 1 }},
		{Name: "repr", Args: "()", Doc: "repr(i): IPv4Interface('192.168.1.7/24').",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkSelf[ipaddr.Interface](L).Repr())); return 1 }},
	},
})
