package ipaddress

import (
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
	"socklab/luabind/runtime"
)

// Metatable names of the three value kinds. One type per kind (not per
// version) so that comparing an IPv4 with an IPv6 address reaches the
// metamethod and fails with Python's words.
const (
	addrType  = "IPAddress"
	netType   = "IPNetwork"
	ifaceType = "IPInterface"
)

// PushAddr pushes a as an ipaddress address (IPv4Address or IPv6Address;
// a 4in6 address stays IPv6, a zone becomes the scope). For other faces,
// e.g. net.interfaces().
func PushAddr(L *lua.LState, a netip.Addr) {
	L.Push(addrValue(L, ipaddr.FromNetip(a)))
}

// PushInterface pushes p as an ipaddress interface (IPv4Interface or
// IPv6Interface: the address p.Addr() in its network), so that Lua can ask
// `i.ip.is_private` or `i.network`.
func PushInterface(L *lua.LState, p netip.Prefix) {
	L.Push(ifaceValue(L, ipaddr.InterfaceOf(ipaddr.FromNetip(p.Addr()), p.Bits())))
}

// PushNetwork pushes p, host bits cleared, as an ipaddress network.
func PushNetwork(L *lua.LState, p netip.Prefix) {
	L.Push(netValue(L, ipaddr.NetworkOf(ipaddr.FromNetip(p.Addr()), p.Bits())))
}

// ToAddr returns the address a Lua value holds: an ipaddress address or
// interface (its address), or text that ip_address accepts.
func ToAddr(v lua.LValue) (netip.Addr, bool) {
	switch x := v.(type) {
	case *lua.LUserData:
		switch y := x.Value.(type) {
		case ipaddr.Addr:
			return y.Netip(), true
		case ipaddr.Interface:
			return y.IP().Netip(), true
		}
	case lua.LString:
		if a, err := ipaddr.ParseAddr(string(x)); err == nil {
			return a.Netip(), true
		}
	}
	return netip.Addr{}, false
}

func addrValue(L *lua.LState, a ipaddr.Addr) lua.LValue {
	return runtime.NewUserData(L, addrType, a)
}

// pushAddr returns a to Lua, or raises err where the engine refused it
// (past the end of its version's range, an index out of range, bad bytes).
func pushAddr(L *lua.LState, a ipaddr.Addr, err error) int {
	raiseIf(L, err)
	L.Push(addrValue(L, a))
	return 1
}

func netValue(L *lua.LState, n ipaddr.Network) lua.LValue {
	return runtime.NewUserData(L, netType, n)
}

func ifaceValue(L *lua.LState, i ipaddr.Interface) lua.LValue {
	return runtime.NewUserData(L, ifaceType, i)
}

// raise turns an engine error into a Lua error carrying Python's message.
func raise(L *lua.LState, err error) { raiseMsg(L, err.Error()) }

// raiseIf raises err, if there is one, as raise does; it does not return then.
func raiseIf(L *lua.LState, err error) {
	if err != nil {
		raise(L, err)
	}
}

// raiseMsg raises msg prefixed with the position of the calling Lua code.
func raiseMsg(L *lua.LState, msg string) { runtime.RaiseHere(L, msg) }

// luaInt reads a Lua number as Python's int, or reports why not in the
// words ip_address uses for a float.
func luaInt(n lua.LNumber) (*big.Int, bool) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return nil, false
	}
	b, _ := new(big.Float).SetFloat64(f).Int(nil)
	return b, true
}

func numberText(n lua.LNumber) string {
	return strconv.FormatFloat(float64(n), 'g', 14, 64)
}

// kindWord names an address, a network or an interface in messages
// ("network expected, got address"); "" for any other Go value.
func kindWord(v any) string {
	switch v.(type) {
	case ipaddr.Addr:
		return "address"
	case ipaddr.Network:
		return "network"
	case ipaddr.Interface:
		return "interface"
	}
	return ""
}

// checkArg reads argument n as a value of kind T.
func checkArg[T value](L *lua.LState, n int) T {
	var zero T
	return runtime.Check[T](L, n, kindWord(zero))
}

// checkSelf reads argument 1, the value a method is called on.
func checkSelf[T value](L *lua.LState) T { return checkArg[T](L, 1) }

func typeName(v lua.LValue) string {
	if ud, ok := v.(*lua.LUserData); ok {
		if word := kindWord(ud.Value); word != "" {
			return word
		}
		return "userdata"
	}
	if v == lua.LNil {
		return "no value"
	}
	return v.Type().String()
}

// checkAddr reads argument n as an address for an operation (contains,
// summarize): an address value, an interface's address, text, or an integer.
func checkAddr(L *lua.LState, n int) ipaddr.Addr {
	if _, isNum := L.Get(n).(lua.LNumber); isNum {
		return makeAddr(L, n, 0)
	}
	return checkValue(L, n, ipaddr.Interface.IP, ipaddr.ParseAddr)
}

// checkNetwork reads argument n as a network: a network value, an
// interface's network, or text (strict).
func checkNetwork(L *lua.LState, n int) ipaddr.Network {
	return checkValue(L, n, ipaddr.Interface.Network, parseStrictNetwork)
}

func parseStrictNetwork(s string) (ipaddr.Network, error) { return ipaddr.ParseNetwork(s, true) }

// checkValue reads argument n as a value of kind T: a T, what ofInterface
// takes from an interface, or text that parse accepts (its error raised).
func checkValue[T value](L *lua.LState, n int, ofInterface func(ipaddr.Interface) T, parse func(string) (T, error)) T {
	switch x := L.Get(n).(type) {
	case *lua.LUserData:
		switch y := x.Value.(type) {
		case T:
			return y
		case ipaddr.Interface:
			return ofInterface(y)
		}
	case lua.LString:
		v, err := parse(string(x))
		raiseIf(L, err)
		return v
	}
	var zero T
	L.ArgError(n, kindWord(zero)+" expected, got "+typeName(L.Get(n)))
	return zero
}

// byVersion picks what a constructor of the given version uses: v4 for 4,
// v6 for 6, either for 0 (ip_address and the like accept both).
func byVersion[F any](version int, v4, v6, either F) F {
	switch version {
	case 4:
		return v4
	case 6:
		return v6
	}
	return either
}

// makeAddr is ip_address (version 0), IPv4Address or IPv6Address of
// argument n: text, an integer, or an address value.
func makeAddr(L *lua.LState, n, version int) ipaddr.Addr {
	parse := byVersion(version, ipaddr.ParseV4, ipaddr.ParseV6, ipaddr.ParseAddr)
	var a ipaddr.Addr
	var err error
	switch x := L.Get(n).(type) {
	case lua.LString:
		a, err = parse(string(x))
	case lua.LNumber:
		i, ok := luaInt(x)
		switch {
		case !ok && version == 0:
			raiseMsg(L, fmt.Sprintf("%s does not appear to be an IPv4 or IPv6 address", numberText(x)))
		case !ok:
			L.ArgError(n, "integer expected, got "+numberText(x))
		case version == 0:
			a, err = ipaddr.AddrFromInt(i)
		default:
			a, err = ipaddr.FromInt(version, i)
		}
	case *lua.LUserData:
		switch y := x.Value.(type) {
		case ipaddr.Addr:
			a = y
		case ipaddr.Interface:
			a = y.IP()
		default:
			L.ArgError(n, "address, string or integer expected, got "+typeName(x))
		}
		if version != 0 && a.Version() != version {
			a, err = parse(a.String())
		}
	default:
		L.ArgError(n, "address string or integer expected, got "+typeName(x))
	}
	raiseIf(L, err)
	return a
}

// textArg renders argument n as the text Python would parse for a network
// or interface: strings as they are, an address or a {addr, prefix} table
// as "addr/prefix", an integer as the address it denotes.
func textArg(L *lua.LState, n, version int) string {
	switch x := L.Get(n).(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return makeAddr(L, n, version).String()
	case *lua.LUserData:
		if v, ok := valueOf(x); ok {
			return v.String()
		}
	case *lua.LTable:
		first, second := x.RawGetInt(1), x.RawGetInt(2)
		var addr string
		switch f := first.(type) {
		case lua.LString:
			addr = string(f)
		case lua.LNumber:
			L.Push(f)
			addr = makeAddr(L, L.GetTop(), version).String()
			L.Pop(1)
		case *lua.LUserData:
			if a, ok := f.Value.(ipaddr.Addr); ok {
				addr = a.String()
			}
		}
		if addr == "" && first != lua.LString("") {
			L.ArgError(n, "{address, prefix} expected")
		}
		if second == lua.LNil {
			return addr
		}
		switch s := second.(type) {
		case lua.LNumber, lua.LString:
			return addr + "/" + lua.LVAsString(s)
		}
		L.ArgError(n, "{address, prefix} expected")
	}
	L.ArgError(n, "network string expected, got "+typeName(L.Get(n)))
	return ""
}
