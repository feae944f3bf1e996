package ipaddr

import (
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"

	"socklab/internal/pyrepr"
)

// Addr is an IPv4Address or an IPv6Address (with an optional scope, as
// "fe80::1%eth0"). An IPv4-mapped IPv6 address stays IPv6, as in Python.
type Addr struct {
	ip netip.Addr
}

// FromNetip converts a netip.Addr, keeping its version (a 4in6 address
// stays IPv6) and zone.
func FromNetip(ip netip.Addr) Addr { return Addr{ip} }

// Netip returns the address as a netip.Addr.
func (a Addr) Netip() netip.Addr { return a.ip }

// IsValid reports whether a holds an address (the zero Addr does not).
func (a Addr) IsValid() bool { return a.ip.IsValid() }

// Version is 4 or 6.
func (a Addr) Version() int {
	if a.ip.Is4() {
		return 4
	}
	return 6
}

// MaxPrefixlen is 32 or 128.
func (a Addr) MaxPrefixlen() int { return maxPrefix(a.Version()) }

func maxPrefix(version int) int {
	if version == 4 {
		return 32
	}
	return 128
}

// ScopeID is the IPv6 scope ("eth0"), or "" if none.
func (a Addr) ScopeID() string { return a.ip.Zone() }

func (a Addr) u128() u128 {
	if a.ip.Is4() {
		b := a.ip.As4()
		return u128{0, uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])}
	}
	b := a.ip.As16()
	var v u128
	for i := 0; i < 8; i++ {
		v.hi = v.hi<<8 | uint64(b[i])
		v.lo = v.lo<<8 | uint64(b[8+i])
	}
	return v
}

func fromU128(version int, v u128, zone string) Addr {
	if version == 4 {
		x := uint32(v.lo)
		return Addr{netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})}
	}
	var b [16]byte
	for i := 0; i < 8; i++ {
		b[7-i] = byte(v.hi >> (8 * i))
		b[15-i] = byte(v.lo >> (8 * i))
	}
	ip := netip.AddrFrom16(b)
	if zone != "" {
		ip = ip.WithZone(zone)
	}
	return Addr{ip}
}

// Int is int(addr).
func (a Addr) Int() *big.Int { return a.u128().big() }

// Float is int(addr) as a float64 (exact up to 2^53).
func (a Addr) Float() float64 { return a.u128().float() }

// ParseV4 is IPv4Address(text).
func ParseV4(s string) (Addr, error) {
	if strings.Contains(s, "/") {
		return Addr{}, errf(AddressValueError, "Unexpected '/' in %s", pyrepr.Str(s))
	}
	if v, ok := parseV4Fast(s); ok {
		return Addr{netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})}, nil
	}
	v, err := parseV4(s)
	if err != nil {
		return Addr{}, err
	}
	return fromU128(4, u128{0, uint64(v)}, ""), nil
}

// ParseV6 is IPv6Address(text).
func ParseV6(s string) (Addr, error) {
	if strings.Contains(s, "/") {
		return Addr{}, errf(AddressValueError, "Unexpected '/' in %s", pyrepr.Str(s))
	}
	text, scope, err := splitScope(s)
	if err != nil {
		return Addr{}, err
	}
	v, err := parseV6(text)
	if err != nil {
		return Addr{}, err
	}
	return fromU128(6, v, scope), nil
}

// ParseAddr is ip_address(text): IPv4 first, then IPv6. Text with a ':'
// can only be IPv6 and text without one only IPv4, so one parser is tried
// (the other's error message would be thrown away anyway).
func ParseAddr(s string) (Addr, error) {
	if strings.IndexByte(s, ':') < 0 {
		if a, err := ParseV4(s); err == nil {
			return a, nil
		}
	} else if a, err := ParseV6(s); err == nil {
		return a, nil
	}
	return Addr{}, errf(ValueError, "%s does not appear to be an IPv4 or IPv6 address", pyrepr.Str(s))
}

// FromInt is IPv4Address(n) (version 4) or IPv6Address(n) (version 6).
func FromInt(version int, n *big.Int) (Addr, error) {
	max := maxPrefix(version)
	if n.Sign() < 0 {
		return Addr{}, errf(AddressValueError, "%s (< 0) is not permitted as an IPv%d address", n, version)
	}
	if n.BitLen() > max {
		return Addr{}, errf(AddressValueError, "%s (>= 2**%d) is not permitted as an IPv%d address", n, max, version)
	}
	v, _ := fromBig(n)
	return fromU128(version, v, ""), nil
}

// AddrFromInt is ip_address(n): IPv4 when n < 2^32, else IPv6.
func AddrFromInt(n *big.Int) (Addr, error) {
	if a, err := FromInt(4, n); err == nil {
		return a, nil
	}
	if a, err := FromInt(6, n); err == nil {
		return a, nil
	}
	return Addr{}, errf(ValueError, "%s does not appear to be an IPv4 or IPv6 address", n)
}

// FromPacked is IPv4Address(b) or IPv6Address(b) for bytes b; version 0
// chooses by length as ip_address does.
func FromPacked(version int, b string) (Addr, error) {
	switch {
	case version == 4 && len(b) == 4, version == 0 && len(b) == 4:
		return Addr{netip.AddrFrom4([4]byte([]byte(b)))}, nil
	case version == 6 && len(b) == 16, version == 0 && len(b) == 16:
		return Addr{netip.AddrFrom16([16]byte([]byte(b)))}, nil
	case version == 0:
		return Addr{}, errf(ValueError, "%s does not appear to be an IPv4 or IPv6 address", pyrepr.Bytes(b))
	}
	return Addr{}, errf(AddressValueError, "%s (len %d != %d) is not permitted as an IPv%d address",
		pyrepr.Bytes(b), len(b), maxPrefix(version)/8, version)
}

// String is str(addr): dotted quad, or compressed IPv6 with "%scope".
func (a Addr) String() string { return a.format(compressV6) }

// format writes an IPv4 address as a dotted quad, an IPv6 one by v6 and
// then its "%scope".
func (a Addr) format(v6 func(u128) string) string {
	if a.ip.Is4() {
		return a.ip.String()
	}
	s := v6(a.u128())
	if z := a.ip.Zone(); z != "" {
		s += "%" + z
	}
	return s
}

// Repr is repr(addr): IPv4Address('1.2.3.4').
func (a Addr) Repr() string {
	return fmt.Sprintf("IPv%dAddress(%s)", a.Version(), pyrepr.Str(a.String()))
}

// Compressed is str(addr).
func (a Addr) Compressed() string { return a.String() }

// Exploded is the long form: every hextet four digits. Python 3.11 raises
// for a scoped address here (a bug); socklab keeps the scope instead.
func (a Addr) Exploded() string { return a.format(explodeV6) }

func hextets(v u128) [8]uint16 {
	var h [8]uint16
	for i := 0; i < 4; i++ {
		h[i] = uint16(v.hi >> (48 - 16*i))
		h[4+i] = uint16(v.lo >> (48 - 16*i))
	}
	return h
}

func explodeV6(v u128) string {
	h := hextets(v)
	parts := make([]string, 8)
	for i, x := range h {
		parts[i] = fmt.Sprintf("%04x", x)
	}
	return strings.Join(parts, ":")
}

// compressV6 drops leading zeros and replaces the first longest run of two
// or more zero hextets with "::" (Python never embeds dotted IPv4 here).
func compressV6(v u128) string {
	h := hextets(v)
	best, bestLen := -1, 1
	for i := 0; i < 8; {
		if h[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && h[j] == 0 {
			j++
		}
		if j-i > bestLen {
			best, bestLen = i, j-i
		}
		i = j
	}
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if i == best {
			b.WriteString("::")
			i += bestLen - 1
			continue
		}
		if i > 0 && i != best+bestLen {
			b.WriteByte(':')
		}
		b.WriteString(strconv.FormatUint(uint64(h[i]), 16))
	}
	return b.String()
}

// Packed is the address in network byte order (4 or 16 bytes).
func (a Addr) Packed() string {
	if a.ip.Is4() {
		b := a.ip.As4()
		return string(b[:])
	}
	b := a.ip.As16()
	return string(b[:])
}

// ReversePointer is the name of the PTR record: "4.3.2.1.in-addr.arpa".
func (a Addr) ReversePointer() string {
	if a.ip.Is4() {
		b := a.ip.As4()
		return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa", b[3], b[2], b[1], b[0])
	}
	hex := strings.ReplaceAll(explodeV6(a.u128()), ":", "")
	out := make([]byte, 0, 2*len(hex)+9)
	for i := len(hex) - 1; i >= 0; i-- {
		out = append(out, hex[i], '.')
	}
	return string(out) + "ip6.arpa"
}

// Add is addr + n (n may be negative; the scope is dropped), failing as Python does when the
// result leaves the address space.
func (a Addr) Add(n *big.Int) (Addr, error) {
	sum := new(big.Int).Add(a.Int(), n)
	b, err := FromInt(a.Version(), sum)
	if err != nil {
		return Addr{}, err
	}
	return b, nil
}

// Compare orders two addresses of one version: -1, 0 or 1. Addresses of
// different versions fail with Python's TypeError.
func (a Addr) Compare(b Addr) (int, error) {
	if a.Version() != b.Version() {
		return 0, errf(TypeError, "%s and %s are not of the same version", a, b)
	}
	if c := a.u128().cmp(b.u128()); c != 0 {
		return c, nil
	}
	return strings.Compare(a.ip.Zone(), b.ip.Zone()), nil
}

// Equal is addr == other in Python: same version, value and scope.
func (a Addr) Equal(b Addr) bool { return a.ip == b.ip }

// IPv4Mapped returns the IPv4 address inside ::ffff:a.b.c.d.
func (a Addr) IPv4Mapped() (Addr, bool) {
	if a.ip.Is4() || !a.ip.Is4In6() {
		return Addr{}, false
	}
	return Addr{a.ip.Unmap().WithZone("")}, true
}

// SixToFour returns the IPv4 address inside a 2002::/16 address.
func (a Addr) SixToFour() (Addr, bool) {
	v := a.u128()
	if a.ip.Is4() || v.hi>>48 != 0x2002 {
		return Addr{}, false
	}
	return fromU128(4, u128{0, (v.hi >> 16) & 0xffffffff}, ""), true
}

// Teredo returns the (server, client) IPv4 addresses of a 2001::/32
// Teredo address.
func (a Addr) Teredo() (server, client Addr, ok bool) {
	v := a.u128()
	if a.ip.Is4() || v.hi>>32 != 0x20010000 {
		return Addr{}, Addr{}, false
	}
	return fromU128(4, u128{0, v.hi & 0xffffffff}, ""), fromU128(4, u128{0, ^v.lo & 0xffffffff}, ""), true
}
