package ipaddr

import (
	"fmt"
	"strings"
)

// The special-purpose address registries (IANA, RFC 6890 and successors)
// as Python 3.13 and Debian's 3.11.2 use them: the ranges that make an
// address private, the exceptions inside them, and the fixed ranges behind
// is_loopback, is_multicast and friends. Each range carries a name for
// explain().

// special is one registry entry, with its bounds precomputed for the hot
// path (is_private of a million addresses).
type special struct {
	net         Network
	what        string // what the range is, for explain()
	rfc         string
	first, last u128
}

func (s *special) contains(a Addr) bool {
	if a.Version() != s.net.Version() {
		return false
	}
	v := a.u128()
	return v.cmp(s.first) >= 0 && v.cmp(s.last) <= 0
}

func mustNet(s string) Network {
	n, err := ParseNetwork(s, true)
	if err != nil {
		panic(fmt.Sprintf("ipaddr: bad built-in network %q: %v", s, err))
	}
	return n
}

// A role is the part a range plays in Python's predicates.
type role int

const (
	privateRange     role = iota // is_private, unless an exception holds the address too
	privateException             // carved out of a private range
	sharedRange                  // neither private nor global
	multicastRange
)

// registry lists the special-purpose ranges: each one's role, network,
// what it is (for explain()) and the RFC that defines it; IPv4 then IPv6,
// each role's ranges in Python's order.
var registry = []struct {
	role           role
	net, what, rfc string
}{
	{privateRange, "0.0.0.0/8", "\"this network\"", "RFC 791"},
	{privateRange, "10.0.0.0/8", "private-use", "RFC 1918"},
	{privateRange, "127.0.0.0/8", "loopback", "RFC 1122"},
	{privateRange, "169.254.0.0/16", "link-local", "RFC 3927"},
	{privateRange, "172.16.0.0/12", "private-use", "RFC 1918"},
	{privateRange, "192.0.0.0/24", "IETF protocol assignments", "RFC 6890"},
	{privateRange, "192.0.0.170/31", "NAT64/DNS64 discovery", "RFC 7050"},
	{privateRange, "192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737"},
	{privateRange, "192.168.0.0/16", "private-use", "RFC 1918"},
	{privateRange, "198.18.0.0/15", "benchmarking", "RFC 2544"},
	{privateRange, "198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737"},
	{privateRange, "203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737"},
	{privateRange, "240.0.0.0/4", "reserved for future use", "RFC 1112"},
	{privateRange, "255.255.255.255/32", "limited broadcast", "RFC 919"},
	{privateException, "192.0.0.9/32", "Port Control Protocol anycast", "RFC 7723"},
	{privateException, "192.0.0.10/32", "Traversal Using Relays around NAT anycast", "RFC 8155"},
	{sharedRange, "100.64.0.0/10", "shared address space (carrier-grade NAT)", "RFC 6598"},
	{multicastRange, "224.0.0.0/4", "multicast", "RFC 5771"},
	{privateRange, "::1/128", "loopback", "RFC 4291"},
	{privateRange, "::/128", "unspecified", "RFC 4291"},
	{privateRange, "::ffff:0:0/96", "IPv4-mapped", "RFC 4291"},
	{privateRange, "64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215"},
	{privateRange, "100::/64", "discard-only", "RFC 6666"},
	{privateRange, "2001::/23", "IETF protocol assignments", "RFC 2928"},
	{privateRange, "2001:db8::/32", "documentation", "RFC 3849"},
	{privateRange, "2002::/16", "6to4", "RFC 3056"},
	{privateRange, "fc00::/7", "unique-local", "RFC 4193"},
	{privateRange, "fe80::/10", "link-local", "RFC 4291"},
	{privateException, "2001:1::1/128", "Port Control Protocol anycast", "RFC 7723"},
	{privateException, "2001:1::2/128", "Traversal Using Relays around NAT anycast", "RFC 8155"},
	{privateException, "2001:3::/32", "AMT", "RFC 7450"},
	{privateException, "2001:4:112::/48", "AS112-v6", "RFC 7535"},
	{privateException, "2001:20::/28", "ORCHIDv2", "RFC 7343"},
	{privateException, "2001:30::/28", "drone remote ID (DRIP)", "RFC 9374"},
	{multicastRange, "ff00::/8", "multicast", "RFC 4291"},
}

// specials are the ranges of one version that play role, in the
// registry's order.
func specials(r role, version int) []special {
	var out []special
	for _, e := range registry {
		if e.role != r || strings.Contains(e.net, ":") != (version == 6) {
			continue // parse only the rows kept: this runs at every start-up
		}
		n := mustNet(e.net)
		out = append(out, special{n, e.what, e.rfc, n.addr.u128(), n.BroadcastAddress().u128()})
	}
	return out
}

var (
	private4           = specials(privateRange, 4)
	privateExceptions4 = specials(privateException, 4)
	shared4            = specials(sharedRange, 4)
	multicast4         = specials(multicastRange, 4)
	loopback4          = mustNet("127.0.0.0/8")
	linkLocal4         = mustNet("169.254.0.0/16")
	reserved4          = mustNet("240.0.0.0/4")

	private6           = specials(privateRange, 6)
	privateExceptions6 = specials(privateException, 6)
	multicast6         = specials(multicastRange, 6)
	linkLocal6         = mustNet("fe80::/10")
	siteLocal6         = mustNet("fec0::/10")
	reserved6          = []Network{
		mustNet("::/8"), mustNet("100::/8"), mustNet("200::/7"), mustNet("400::/6"),
		mustNet("800::/5"), mustNet("1000::/4"), mustNet("4000::/3"), mustNet("6000::/3"),
		mustNet("8000::/3"), mustNet("a000::/3"), mustNet("c000::/3"), mustNet("e000::/4"),
		mustNet("f000::/5"), mustNet("f800::/6"), mustNet("fe00::/9"),
	}
)

// find returns the first entry containing a, or nil.
func find(list []special, a Addr) *special {
	for i := range list {
		if list[i].contains(a) {
			return &list[i]
		}
	}
	return nil
}

// IsPrivate is Python's is_private: inside a private special-purpose
// range and not one of its exceptions; an IPv4-mapped address answers as
// its IPv4 address.
func (a Addr) IsPrivate() bool {
	if m, ok := a.IPv4Mapped(); ok {
		return m.IsPrivate()
	}
	if a.Version() == 4 {
		return find(private4, a) != nil && find(privateExceptions4, a) == nil
	}
	return find(private6, a) != nil && find(privateExceptions6, a) == nil
}

// IsGlobal is Python's is_global: not private, and for IPv4 not in the
// shared address space 100.64.0.0/10 (an IPv4-mapped address in it counts
// as global, as in Python).
func (a Addr) IsGlobal() bool {
	if a.Version() == 4 {
		return !shared4[0].net.Contains(a) && !a.IsPrivate()
	}
	return !a.IsPrivate()
}

// IsMulticast: 224.0.0.0/4 or ff00::/8.
func (a Addr) IsMulticast() bool {
	if a.Version() == 4 {
		return multicast4[0].net.Contains(a)
	}
	return multicast6[0].net.Contains(a)
}

// IsReserved: 240.0.0.0/4, or one of IPv6's reserved blocks.
func (a Addr) IsReserved() bool {
	if a.Version() == 4 {
		return reserved4.Contains(a)
	}
	for _, n := range reserved6 {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// IsLoopback: 127.0.0.0/8 or ::1.
func (a Addr) IsLoopback() bool {
	if a.Version() == 4 {
		return loopback4.Contains(a)
	}
	return a.u128() == u128{0, 1}
}

// IsLinkLocal: 169.254.0.0/16 or fe80::/10.
func (a Addr) IsLinkLocal() bool {
	if a.Version() == 4 {
		return linkLocal4.Contains(a)
	}
	return linkLocal6.Contains(a)
}

// IsUnspecified: 0.0.0.0 or ::.
func (a Addr) IsUnspecified() bool { return a.u128().isZero() }

// IsSiteLocal: fec0::/10 (IPv6 only; IPv4 has no such attribute).
func (a Addr) IsSiteLocal() bool { return a.Version() == 6 && siteLocal6.Contains(a) }

// Explain says in one line what a is and why: its version, whether it is
// private or global, and the registry range that decides it.
func (a Addr) Explain() string {
	head := fmt.Sprintf("%s is an IPv%d address", a, a.Version())
	if m, ok := a.IPv4Mapped(); ok {
		return fmt.Sprintf("%s, IPv4-mapped (RFC 4291): it answers as %s. %s", head, m, m.Explain())
	}
	var exceptions, privates, multicast []special
	if a.Version() == 4 {
		exceptions, privates, multicast = privateExceptions4, private4, multicast4
		if s := find(shared4, a); s != nil {
			return fmt.Sprintf("%s: neither private nor global, in %s %s (%s)", head, s.net, s.what, s.rfc)
		}
	} else {
		exceptions, privates, multicast = privateExceptions6, private6, multicast6
	}
	if s := find(exceptions, a); s != nil {
		in := find(privates, a)
		return fmt.Sprintf("%s: global, %s %s (%s), an exception inside %s %s (%s)",
			head, s.net, s.what, s.rfc, in.net, in.what, in.rfc)
	}
	if s := find(privates, a); s != nil {
		return fmt.Sprintf("%s: private (not globally reachable), in %s %s (%s)", head, s.net, s.what, s.rfc)
	}
	if s := find(multicast, a); s != nil {
		return fmt.Sprintf("%s: multicast, in %s (%s); global", head, s.net, s.rfc)
	}
	if a.Version() == 6 && a.IsSiteLocal() {
		return head + ": global by the registry, but in fec0::/10 deprecated site-local (RFC 3879)"
	}
	if a.Version() == 6 && a.IsReserved() {
		return head + ": global, in a block the IETF reserves (RFC 4291)"
	}
	return head + ": global (public), in no special-purpose range"
}
