package ipaddress

import (
	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

// netAt is net[i] for a number key (0-based, negative from the end, as in
// Python); other unknown keys are nil.
func netAt(L *lua.LState) int {
	n := checkSelf[ipaddr.Network](L)
	num, ok := L.Get(2).(lua.LNumber)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	i, isInt := luaInt(num)
	if !isInt {
		raiseMsg(L, "network indices must be integers, not float")
	}
	a, err := n.At(i)
	return pushAddr(L, a, err)
}

// prefixArgs reads Python's (prefixlen_diff=1, new_prefix=None) from a
// number or an options table at argument 2.
func prefixArgs(L *lua.LState) (diff, newPrefix int) {
	diff, newPrefix = 1, -1
	if L.Get(2) == lua.LNil {
		return diff, newPrefix
	}
	switch x := L.Get(2).(type) {
	case lua.LNumber:
		diff = checkSmallInt(L, 2, x)
	case *lua.LTable:
		if v, ok := x.RawGetString("prefixlen_diff").(lua.LNumber); ok {
			diff = checkSmallInt(L, 2, v)
		}
		if v, ok := x.RawGetString("new_prefix").(lua.LNumber); ok {
			newPrefix = checkSmallInt(L, 2, v)
			if newPrefix < 0 {
				L.ArgError(2, "new_prefix must be 0 or more")
			}
		}
	default:
		L.ArgError(2, "prefixlen_diff number or {new_prefix = n} expected, got "+typeName(x))
	}
	return diff, newPrefix
}

// resizeMethod is subnets or supernet: resize applied to this network
// with Python's (prefixlen_diff, new_prefix) from argument 2, its result
// pushed.
func resizeMethod[R any](resize func(n ipaddr.Network, diff, newPrefix int, diffGiven bool) (R, error), push func(*lua.LState, R) int) lua.LGFunction {
	return func(L *lua.LState) int {
		n := checkSelf[ipaddr.Network](L)
		diff, newPrefix := prefixArgs(L)
		r, err := resize(n, diff, newPrefix, true)
		raiseIf(L, err)
		return push(L, r)
	}
}

func checkSmallInt(L *lua.LState, n int, v lua.LNumber) int {
	i, ok := luaInt(v)
	if !ok || !i.IsInt64() || i.Int64() > 1024 || i.Int64() < -1024 {
		L.ArgError(n, "prefix length expected, got "+numberText(v))
	}
	return int(i.Int64())
}

// pushIter returns a Lua iterator function over it, for `for x in …`:
// one value made per call, so a /8 or an IPv6 /64 is never materialised.
func pushIter(L *lua.LState, it *ipaddr.Iter) int {
	addrs := it.Yields() == "address"
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if addrs {
			if a, ok := it.NextAddr(); ok {
				L.Push(addrValue(L, a))
				return 1
			}
		} else if n, ok := it.NextNetwork(); ok {
			L.Push(netValue(L, n))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	return 1
}

func pushNet(L *lua.LState, n ipaddr.Network) int {
	L.Push(netValue(L, n))
	return 1
}

func pushNetList(L *lua.LState, ns []ipaddr.Network, err error) int {
	raiseIf(L, err)
	t := L.CreateTable(len(ns), 0)
	for _, n := range ns {
		t.Append(netValue(L, n))
	}
	L.Push(t)
	return 1
}

// netRelation is a method asking how this network stands to argument 2,
// another network (Python raises TypeError across versions).
func netRelation(relation func(n, other ipaddr.Network) (bool, error)) lua.LGFunction {
	return func(L *lua.LState) int {
		n := checkSelf[ipaddr.Network](L)
		ok, err := relation(n, checkNetwork(L, 2))
		raiseIf(L, err)
		L.Push(lua.LBool(ok))
		return 1
	}
}

var networkType = newKind(netType, netFields, netField, &runtime.Type{
	Doc: "an IPv4Network or IPv6Network: fields as in Python (n.network_address, n.prefixlen, n.num_addresses…); " +
		"n[0] and n[-1] index as in Python, #n is num_addresses, for a in n:hosts() iterates lazily",
	Methods: []runtime.Function{
		{Name: "hosts", Args: "()", Doc: "An iterator over the usable hosts (not the network and broadcast address of an IPv4 network, not the Subnet-Router anycast address of an IPv6 one; all of a /31, /32, /127, /128). Lazy: `for h in net:hosts() do … end`.",
			Fn: func(L *lua.LState) int { return pushIter(L, checkSelf[ipaddr.Network](L).Hosts()) }},
		{Name: "addresses", Args: "()", Doc: "An iterator over every address of the network, as Python's `for a in net`. Lazy.",
			Fn: func(L *lua.LState) int { return pushIter(L, checkSelf[ipaddr.Network](L).Addresses()) }},
		{Name: "subnets", Args: "([prefixlen_diff | {new_prefix = n}])", Doc: "An iterator over the subnets one prefix longer (or prefixlen_diff longer, or of length new_prefix). Lazy: an IPv6 /64 split into /128s is never listed.",
			Fn: resizeMethod(ipaddr.Network.Subnets, pushIter)},
		{Name: "supernet", Args: "([prefixlen_diff | {new_prefix = n}])", Doc: "The network one prefix shorter (or prefixlen_diff shorter, or of length new_prefix) that contains this one.",
			Fn: resizeMethod(ipaddr.Network.Supernet, pushNet)},
		{Name: "subnet_of", Args: "(other)", Doc: "True if this network lies inside other.",
			Fn: netRelation(ipaddr.Network.SubnetOf)},
		{Name: "supernet_of", Args: "(other)", Doc: "True if other lies inside this network.",
			Fn: netRelation(ipaddr.Network.SupernetOf)},
		{Name: "overlaps", Args: "(other)", Doc: "True if the two networks share an address.",
			Fn: func(L *lua.LState) int {
				n := checkSelf[ipaddr.Network](L)
				L.Push(lua.LBool(n.Overlaps(checkNetwork(L, 2))))
				return 1
			}},
		{Name: "contains", Args: "(address)", Doc: "True if address (an address, interface or string) is in the network: Python's `a in net`.",
			Fn: func(L *lua.LState) int {
				n := checkSelf[ipaddr.Network](L)
				L.Push(lua.LBool(n.Contains(checkAddr(L, 2))))
				return 1
			}},
		{Name: "address_exclude", Args: "(other)", Doc: "The list of networks left when other (a subnet) is removed, in Python's order.",
			Fn: func(L *lua.LState) int {
				n := checkSelf[ipaddr.Network](L)
				ns, err := n.AddressExclude(checkNetwork(L, 2))
				return pushNetList(L, ns, err)
			}},
		{Name: "compare_networks", Args: "(other)", Doc: "-1, 0 or 1: the order of the two networks (network address, then netmask).",
			Fn: func(L *lua.LState) int { L.Push(lua.LNumber(compareArgs[ipaddr.Network](L))); return 1 }},
		{Name: "repr", Args: "()", Doc: "repr(n): IPv4Network('10.0.0.0/8').",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkSelf[ipaddr.Network](L).Repr())); return 1 }},
	},
	Meta: map[string]lua.LGFunction{
		"__index": netAt,
		"__len": func(L *lua.LState) int {
			f, _ := checkSelf[ipaddr.Network](L).NumAddresses().Float64()
			L.Push(lua.LNumber(f))
			return 1
		},
	},
})
