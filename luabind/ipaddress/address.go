package ipaddress

import (
	"fmt"
	"math/big"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

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
		return pushAddr(L, r, err)
	}
}

var addressType = newKind(addrType, addrFields, addrField, &runtime.Type{
	Doc: "an IPv4Address or IPv6Address: fields as in Python (a.is_private, a.version, a.packed…); " +
		"a + n, a - n, comparisons, `..` and tostring give str(a), the REPL shows repr(a)",
	Methods: []runtime.Function{
		{Name: "int", Args: "()", Doc: "int(a): the address as a number (exact up to 2^53; use a.packed for all 128 bits).",
			Fn: func(L *lua.LState) int { L.Push(intValue(checkSelf[ipaddr.Addr](L))); return 1 }},
		{Name: "explain", Args: "()", Doc: "One line saying what the address is and why: version, private or global, and the registry range that decides it.",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkSelf[ipaddr.Addr](L).Explain())); return 1 }},
		{Name: "within", Args: "(network)", Doc: "True if the address is in network (Python's `a in net`); network may be a string.",
			Fn: func(L *lua.LState) int {
				a := checkSelf[ipaddr.Addr](L)
				L.Push(lua.LBool(checkNetwork(L, 2).Contains(a)))
				return 1
			}},
		{Name: "repr", Args: "()", Doc: "repr(a): IPv4Address('192.168.0.104').",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkSelf[ipaddr.Addr](L).Repr())); return 1 }},
	},
	Meta: map[string]lua.LGFunction{
		"__add": arith(1),
		"__sub": arith(-1),
	},
})
