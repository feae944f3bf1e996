package ipaddr

import (
	"fmt"

	"socklab/internal/pyrepr"
)

// Interface is an IPv4Interface or IPv6Interface: an address together with
// the network it sits in ("192.168.1.7/24"). It answers every address
// question about its address.
type Interface struct {
	ip     Addr
	prefix int
}

// InterfaceOf pairs a with a prefix length (0..max).
func InterfaceOf(a Addr, prefix int) Interface { return Interface{a, prefix} }

func parseInterfaceV(version int, s string) (Interface, error) {
	a, prefix, err := parseAddrPrefixV(version, s)
	if err != nil {
		return Interface{}, err
	}
	return Interface{a, prefix}, nil
}

// ParseInterfaceV4 is IPv4Interface(s).
func ParseInterfaceV4(s string) (Interface, error) { return parseInterfaceV(4, s) }

// ParseInterfaceV6 is IPv6Interface(s).
func ParseInterfaceV6(s string) (Interface, error) { return parseInterfaceV(6, s) }

// ParseInterface is ip_interface(s).
func ParseInterface(s string) (Interface, error) {
	i, err := parseInterfaceV(4, s)
	if err == nil || !isAddrOrMask(err) {
		return i, err
	}
	i, err = parseInterfaceV(6, s)
	if err == nil || !isAddrOrMask(err) {
		return i, err
	}
	return Interface{}, errf(ValueError, "%s does not appear to be an IPv4 or IPv6 interface", pyrepr.Str(s))
}

// IP is the address (with its scope).
func (i Interface) IP() Addr { return i.ip }

// Network is the network the address sits in, host bits cleared.
func (i Interface) Network() Network { return NetworkOf(i.ip, i.prefix) }

// Prefixlen is the prefix length.
func (i Interface) Prefixlen() int { return i.prefix }

// String is "192.168.1.7/24" (with "%scope" for a scoped IPv6 address).
func (i Interface) String() string { return fmt.Sprintf("%s/%d", i.ip, i.prefix) }

// Repr is IPv4Interface('192.168.1.7/24').
func (i Interface) Repr() string {
	return fmt.Sprintf("IPv%dInterface(%s)", i.ip.Version(), pyrepr.Str(i.String()))
}

func (i Interface) bare() string { return fromU128(i.ip.Version(), i.ip.u128(), "").String() }

// WithPrefixlen is "192.168.1.7/24".
func (i Interface) WithPrefixlen() string { return fmt.Sprintf("%s/%d", i.bare(), i.prefix) }

// WithNetmask is "192.168.1.7/255.255.255.0".
func (i Interface) WithNetmask() string { return fmt.Sprintf("%s/%s", i.bare(), i.Network().Netmask()) }

// WithHostmask is "192.168.1.7/0.0.0.255".
func (i Interface) WithHostmask() string {
	return fmt.Sprintf("%s/%s", i.bare(), i.Network().Hostmask())
}

// Equal is interface == other: same address and network.
func (i Interface) Equal(o Interface) bool { return i.ip.Equal(o.ip) && i.Network().Equal(o.Network()) }

// Compare orders by network, then address.
func (i Interface) Compare(o Interface) (int, error) {
	if i.ip.Version() != o.ip.Version() {
		return 0, errf(TypeError, "%s and %s are not of the same version", i.ip, o.ip)
	}
	if c, _ := i.Network().Compare(o.Network()); c != 0 {
		return c, nil
	}
	return i.ip.Compare(o.ip)
}

// IsLoopback is the address's, but for IPv6 the network must be ::1/128.
func (i Interface) IsLoopback() bool {
	if i.ip.Version() == 6 {
		return i.ip.IsLoopback() && i.Network().IsLoopback()
	}
	return i.ip.IsLoopback()
}

// IsUnspecified is the address's, but for IPv6 the network must be ::/128,
// and an IPv4 interface is never unspecified (Python compares it with the
// address 0.0.0.0, which an interface never equals).
func (i Interface) IsUnspecified() bool {
	if i.ip.Version() == 6 {
		return i.ip.IsUnspecified() && i.Network().IsUnspecified()
	}
	return false
}

// Exploded is the long form of str(interface).
func (i Interface) Exploded() string {
	return fmt.Sprintf("%s/%d", i.ip.Exploded(), i.prefix)
}

// ReversePointer is Python's reverse_pointer of str(interface).
func (i Interface) ReversePointer() string {
	if i.ip.Version() == 6 {
		return reverseText(6, i.Exploded())
	}
	return reverseText(4, i.String())
}
