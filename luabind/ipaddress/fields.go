package ipaddress

import (
	"slices"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/ipaddr"
)

// The attributes (Python's properties) of the three kinds: each list, in
// the order help shows it, above the function that answers it.

// registryFields are the is_* properties, which say what kind of range an
// address or a network lies in (private, global, loopback…); both kinds
// have them, in this order.
var registryFields = []string{
	"is_private", "is_global", "is_loopback", "is_link_local", "is_multicast",
	"is_reserved", "is_unspecified", "is_site_local",
}

// addrOrNet is an address or a network.
type addrOrNet interface {
	value
	Version() int
	MaxPrefixlen() int
	Exploded() string
	ReversePointer() string
	IsPrivate() bool
	IsGlobal() bool
	IsLoopback() bool
	IsLinkLocal() bool
	IsMulticast() bool
	IsReserved() bool
	IsUnspecified() bool
	IsSiteLocal() bool
}

// sharedField answers the attributes addresses and networks both have:
// version, max_prefixlen, compressed (str()), exploded, reverse_pointer and the
// registryFields; nil for other keys, and for is_site_local, which only
// IPv6 has. Generic rather than taking an interface value, so that reading
// a field allocates nothing.
func sharedField[T addrOrNet](v T, key string) lua.LValue {
	switch key {
	case "version":
		return lua.LNumber(v.Version())
	case "max_prefixlen":
		return lua.LNumber(v.MaxPrefixlen())
	case "compressed":
		return lua.LString(v.String())
	case "exploded":
		return lua.LString(v.Exploded())
	case "reverse_pointer":
		return lua.LString(v.ReversePointer())
	case "is_private":
		return lua.LBool(v.IsPrivate())
	case "is_global":
		return lua.LBool(v.IsGlobal())
	case "is_loopback":
		return lua.LBool(v.IsLoopback())
	case "is_link_local":
		return lua.LBool(v.IsLinkLocal())
	case "is_multicast":
		return lua.LBool(v.IsMulticast())
	case "is_reserved":
		return lua.LBool(v.IsReserved())
	case "is_unspecified":
		return lua.LBool(v.IsUnspecified())
	case "is_site_local":
		if v.Version() == 6 {
			return lua.LBool(v.IsSiteLocal())
		}
	}
	return nil
}

// prefixed is a network or an interface: both write themselves with a
// prefix length, a netmask or a hostmask.
type prefixed interface {
	WithPrefixlen() string
	WithNetmask() string
	WithHostmask() string
}

// prefixField answers with_prefixlen, with_netmask and with_hostmask, which
// networks and interfaces both have; nil for other keys.
func prefixField[T prefixed](v T, key string) lua.LValue {
	var s string
	switch key {
	case "with_prefixlen":
		s = v.WithPrefixlen()
	case "with_netmask":
		s = v.WithNetmask()
	case "with_hostmask":
		s = v.WithHostmask()
	default:
		return nil
	}
	return lua.LString(s)
}

var addrFields = slices.Concat(
	[]string{"version", "max_prefixlen", "compressed", "exploded", "packed", "reverse_pointer"},
	registryFields,
	[]string{"ipv4_mapped", "sixtofour", "teredo", "scope_id"},
)

// addrField answers the attributes an address and an interface share.
func addrField(L *lua.LState, a ipaddr.Addr, key string) lua.LValue {
	switch key {
	case "packed":
		return lua.LString(a.Packed())
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
	return sharedField(a, key)
}

var ifaceFields = append([]string{
	"ip", "network", "with_prefixlen", "with_netmask", "with_hostmask", "netmask", "hostmask",
}, addrFields...)

// ifaceField answers an interface's attributes: its own, then every
// attribute of its address.
func ifaceField(L *lua.LState, i ipaddr.Interface, key string) lua.LValue {
	switch key {
	case "ip":
		return addrValue(L, ipaddr.FromNetip(i.IP().Netip().WithZone("")))
	case "network":
		return netValue(L, i.Network())
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
	if v := prefixField(i, key); v != nil {
		return v
	}
	return addrField(L, i.IP(), key)
}

var netFields = slices.Concat(
	[]string{
		"version", "max_prefixlen", "network_address", "broadcast_address", "netmask", "hostmask",
		"prefixlen", "with_prefixlen", "with_netmask", "with_hostmask", "num_addresses",
		"compressed", "exploded", "reverse_pointer",
	},
	registryFields,
)

// netField answers a network's attributes.
func netField(L *lua.LState, n ipaddr.Network, key string) lua.LValue {
	switch key {
	case "network_address":
		return addrValue(L, n.NetworkAddress())
	case "broadcast_address":
		return addrValue(L, n.BroadcastAddress())
	case "netmask":
		return addrValue(L, n.Netmask())
	case "hostmask":
		return addrValue(L, n.Hostmask())
	case "prefixlen":
		return lua.LNumber(n.Prefixlen())
	case "num_addresses":
		f, _ := n.NumAddresses().Float64()
		return lua.LNumber(f)
	}
	if v := prefixField(n, key); v != nil {
		return v
	}
	return sharedField(n, key)
}
