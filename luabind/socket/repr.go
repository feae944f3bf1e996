package socket

import (
	"fmt"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/internal/resolver"
	"socklab/luabind/runtime"
)

// How addresses, getaddrinfo entries and constants print at the prompt and
// in pp(). Their values stay plain Lua values (an address is {host, port},
// a family is the number 2); metatables only change how they are shown:
//
//   - __repr, which the REPL and pp() show, is a Lua constructor that can be
//     typed back: {"127.0.0.1", 80}, and for an entry
//     {AF_INET, SOCK_STREAM, IPPROTO_TCP, "", {"127.0.0.1", 80}} (Python's
//     tuple, with socket's constant names);
//   - __tostring, which print and tostring use, stays 127.0.0.1:80 for an
//     address; an entry prints as its repr;
//   - valueNames lets the REPL show s.family or e.family as 2 (AF_INET).

// valueNames names the numbers of a socket's or an entry's family, type
// and proto fields. Protocol 0 ("the default for the type") has no name.
var valueNames = runtime.Names{
	"family": {unix.AF_INET: "AF_INET", unix.AF_INET6: "AF_INET6", unix.AF_UNIX: "AF_UNIX", unix.AF_UNSPEC: "AF_UNSPEC"},
	"type":   {unix.SOCK_STREAM: "SOCK_STREAM", unix.SOCK_DGRAM: "SOCK_DGRAM", unix.SOCK_RAW: "SOCK_RAW", unix.SOCK_SEQPACKET: "SOCK_SEQPACKET"},
	"proto": {unix.IPPROTO_TCP: "IPPROTO_TCP", unix.IPPROTO_UDP: "IPPROTO_UDP", unix.IPPROTO_ICMP: "IPPROTO_ICMP",
		unix.IPPROTO_ICMPV6: "IPPROTO_ICMPV6", unix.IPPROTO_RAW: "IPPROTO_RAW"},
}

// valueName is a field's value by its constant name, else the number.
func valueName(field string, v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		if name, ok := valueNames[field][int(n)]; ok && lua.LNumber(int(n)) == n {
			return name
		}
	}
	return luaLiteral(v)
}

func familyName(f int) string { return valueName("family", lua.LNumber(f)) }

func typeNameOf(t int) string { return valueName("type", lua.LNumber(t)) }

// luaLiteral writes a string or number as Lua source.
func luaLiteral(v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		return strconv.Quote(string(s))
	}
	if t, ok := v.(*lua.LTable); ok {
		if mt, ok := t.Metatable.(*lua.LTable); ok && mt.RawGetString("__name") == lua.LString("address") {
			return addrRepr(t)
		}
	}
	return v.String()
}

// addrRepr is an address as a constructor: {"127.0.0.1", 80}, IPv6
// {"::1", 80, 0, 0}.
func addrRepr(t *lua.LTable) string {
	parts := make([]string, 0, 4)
	for i := 1; i <= 4; i++ {
		v := t.RawGetInt(i)
		if v == lua.LNil {
			break
		}
		parts = append(parts, luaLiteral(v))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

const addrInfoMeta = "socket.addrinfo"

// installAddrInfoMeta makes the metatable of getaddrinfo's entries.
func installAddrInfoMeta(L *lua.LState) {
	mt := L.NewTypeMetatable(addrInfoMeta)
	repr := L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(lua.LString(fmt.Sprintf("{%s, %s, %s, %s, %s}", valueName("family", t.RawGetInt(1)),
			valueName("type", t.RawGetInt(2)), valueName("proto", t.RawGetInt(3)),
			luaLiteral(t.RawGetInt(4)), luaLiteral(t.RawGetInt(5)))))
		return 1
	})
	L.SetField(mt, "__repr", repr)
	L.SetField(mt, "__tostring", repr)
	L.SetField(mt, "__name", lua.LString("addrinfo"))
	runtime.SetNames(L, mt, valueNames)
}

// newAddrInfo is one getaddrinfo entry: {family, type, proto, canonname,
// addr}, also readable as e.family … e.addr.
func newAddrInfo(L *lua.LState, ai resolver.AddrInfo) *lua.LTable {
	var addr lua.LValue
	if ai.Family == afInet6 {
		addr = newAddr(L, ai.Addr.WithZone("").String()+zoneSuffix(ai.Addr), ai.Port, 0, 0)
	} else {
		addr = newAddr(L, ai.Addr.String(), ai.Port)
	}
	e := L.CreateTable(5, 5)
	vals := []lua.LValue{lua.LNumber(ai.Family), lua.LNumber(ai.Type), lua.LNumber(ai.Proto), lua.LString(ai.Canonname), addr}
	for i, k := range []string{"family", "type", "proto", "canonname", "addr"} {
		e.RawSetInt(i+1, vals[i])
		e.RawSetString(k, vals[i])
	}
	L.SetMetatable(e, L.GetTypeMetatable(addrInfoMeta))
	return e
}
