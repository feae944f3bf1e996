package ipaddress

import (
	"fmt"
	"math/big"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

var addrFields = []string{
	"version", "max_prefixlen", "compressed", "exploded", "packed", "reverse_pointer",
	"is_private", "is_global", "is_loopback", "is_link_local", "is_multicast",
	"is_reserved", "is_unspecified", "is_site_local", "ipv4_mapped", "sixtofour",
	"teredo", "scope_id",
}

func checkAddrSelf(L *lua.LState) ipaddr.Addr {
	return runtime.Check[ipaddr.Addr](L, 1, "address")
}

// addrField answers the attributes an address and an interface share.
func addrField(L *lua.LState, a ipaddr.Addr, key string) lua.LValue {
	v6 := a.Version() == 6
	switch key {
	case "version":
		return lua.LNumber(a.Version())
	case "max_prefixlen":
		return lua.LNumber(a.MaxPrefixlen())
	case "compressed":
		return lua.LString(a.Compressed())
	case "exploded":
		return lua.LString(a.Exploded())
	case "packed":
		return lua.LString(a.Packed())
	case "reverse_pointer":
		return lua.LString(a.ReversePointer())
	case "is_private":
		return lua.LBool(a.IsPrivate())
	case "is_global":
		return lua.LBool(a.IsGlobal())
	case "is_loopback":
		return lua.LBool(a.IsLoopback())
	case "is_link_local":
		return lua.LBool(a.IsLinkLocal())
	case "is_multicast":
		return lua.LBool(a.IsMulticast())
	case "is_reserved":
		return lua.LBool(a.IsReserved())
	case "is_unspecified":
		return lua.LBool(a.IsUnspecified())
	case "is_site_local":
		if v6 {
			return lua.LBool(a.IsSiteLocal())
		}
	case "ipv4_mapped":
		if m, ok := a.IPv4Mapped(); ok {
			return addrValue(L, m)
		}
		return lua.LNil
	case "sixtofour":
		if m, ok := a.SixToFour(); ok {
			return addrValue(L, m)
		}
		return lua.LNil
	case "teredo":
		if s, c, ok := a.Teredo(); ok {
			t := L.CreateTable(2, 0)
			t.Append(addrValue(L, s))
			t.Append(addrValue(L, c))
			return t
		}
		return lua.LNil
	case "scope_id":
		if z := a.ScopeID(); z != "" {
			return lua.LString(z)
		}
		return lua.LNil
	}
	return nil
}

func addrIndex(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	a, ok := ud.Value.(ipaddr.Addr)
	if !ok {
		return nil
	}
	return addrField(L, a, key)
}

// intValue is int(x) as a Lua number: exact up to 2^53.
func intValue(a ipaddr.Addr) lua.LValue { return lua.LNumber(a.Float()) }

// arith is addr + n or addr - n (sign -1), n on either side of +.
func arith(sign int64) lua.LGFunction {
	return func(L *lua.LState) int {
		var a ipaddr.Addr
		var num lua.LNumber
		ok := false
		if ud, isUD := L.Get(1).(*lua.LUserData); isUD {
			a, ok = ud.Value.(ipaddr.Addr)
			num, _ = L.Get(2).(lua.LNumber)
			if _, isNum := L.Get(2).(lua.LNumber); !isNum {
				ok = false
			}
		} else if ud, isUD := L.Get(2).(*lua.LUserData); isUD && sign > 0 {
			a, ok = ud.Value.(ipaddr.Addr)
			num, _ = L.Get(1).(lua.LNumber)
			if _, isNum := L.Get(1).(lua.LNumber); !isNum {
				ok = false
			}
		}
		op := "+"
		if sign < 0 {
			op = "-"
		}
		if !ok {
			raiseMsg(L, fmt.Sprintf("unsupported operand type(s) for %s: '%s' and '%s'", op, typeName(L.Get(1)), typeName(L.Get(2))))
		}
		n, isInt := luaInt(num)
		if !isInt {
			raiseMsg(L, fmt.Sprintf("unsupported operand type(s) for %s: 'address' and 'float'", op))
		}
		r, err := a.Add(n.Mul(n, big.NewInt(sign)))
		if err != nil {
			raise(L, err)
		}
		L.Push(addrValue(L, r))
		return 1
	}
}

var addressType = &runtime.Type{
	Name: addrType,
	Doc: "an IPv4Address or IPv6Address: fields as in Python (a.is_private, a.version, a.packed…); " +
		"a + n, a - n, comparisons, `..` and tostring give str(a), the REPL shows repr(a)",
	Fields:   addrFields,
	Field:    addrIndex,
	Tostring: reprOf,
	Methods: []runtime.Function{
		{Name: "int", Args: "()", Doc: "int(a): the address as a number (exact up to 2^53; use a.packed for all 128 bits).",
			Fn: func(L *lua.LState) int { L.Push(intValue(checkAddrSelf(L))); return 1 }},
		{Name: "explain", Args: "()", Doc: "One line saying what the address is and why: version, private or global, and the registry range that decides it.",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkAddrSelf(L).Explain())); return 1 }},
		{Name: "within", Args: "(network)", Doc: "True if the address is in network (Python's `a in net`); network may be a string.",
			Fn: func(L *lua.LState) int {
				a := checkAddrSelf(L)
				L.Push(lua.LBool(checkNetwork(L, 2).Contains(a)))
				return 1
			}},
		{Name: "repr", Args: "()", Doc: "repr(a): IPv4Address('192.168.0.104').",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkAddrSelf(L).Repr())); return 1 }},
	},
	Meta: valueMeta[ipaddr.Addr]("address", map[string]lua.LGFunction{
		"__add": arith(1),
		"__sub": arith(-1),
	}),
}
