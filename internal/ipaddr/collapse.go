package ipaddr

import (
	"slices"
)

// SummarizeRange is summarize_address_range(first, last): the fewest
// networks that cover first..last exactly, in order.
func SummarizeRange(first, last Addr) ([]Network, error) {
	if first.Version() != last.Version() {
		return nil, errf(TypeError, "%s and %s are not of the same version", first, last)
	}
	if first.u128().cmp(last.u128()) > 0 {
		return nil, errf(ValueError, "last IP address must be greater than first")
	}
	return summarize(first.Version(), first.u128(), last.u128()), nil
}

func summarize(version int, first, last u128) []Network {
	max := maxPrefix(version)
	var out []Network
	for first.cmp(last) <= 0 {
		span, _ := last.sub(first)
		size, overflow := span.add(u128{0, 1})
		sizeBits := size.bitLen() - 1
		if overflow { // the whole IPv6 space
			sizeBits = 128
		}
		nbits := min(first.trailingZeros(max), sizeBits)
		out = append(out, Network{fromU128(version, first, ""), max - nbits})
		next, overflow := first.add(pow2(nbits))
		if overflow || nbits == 128 || (version == 4 && next.cmp(ones(32)) > 0) {
			break
		}
		first = next
	}
	return out
}

// Item is one input of CollapseAddresses: an address or a network.
type Item struct {
	Addr    Addr
	Network Network
	IsNet   bool
}

func (it Item) version() int {
	if it.IsNet {
		return it.Network.Version()
	}
	return it.Addr.Version()
}

func (it Item) String() string {
	if it.IsNet {
		return it.Network.String()
	}
	return it.Addr.String()
}

// CollapseAddresses is collapse_addresses(items): the fewest networks that
// cover the same addresses, in order.
func CollapseAddresses(items []Item) ([]Network, error) {
	type span struct{ first, last u128 }
	var spans []span
	version := 0
	for i, it := range items {
		if i > 0 && it.version() != items[i-1].version() {
			return nil, errf(TypeError, "%s and %s are not of the same version", it, items[i-1])
		}
		version = it.version()
		if it.IsNet {
			spans = append(spans, span{it.Network.addr.u128(), it.Network.BroadcastAddress().u128()})
		} else {
			spans = append(spans, span{it.Addr.u128(), it.Addr.u128()})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.first.cmp(b.first) })
	var out []Network
	for i := 0; i < len(spans); {
		cur := spans[i]
		j := i + 1
		for ; j < len(spans); j++ {
			next, overflow := cur.last.add(u128{0, 1})
			if !overflow && spans[j].first.cmp(next) > 0 {
				break
			}
			if spans[j].last.cmp(cur.last) > 0 {
				cur.last = spans[j].last
			}
		}
		out = append(out, summarize(version, cur.first, cur.last)...)
		i = j
	}
	return out, nil
}

// AddressExclude is network.address_exclude(other): the networks left of
// n once other is taken out, in Python's order.
func (n Network) AddressExclude(other Network) ([]Network, error) {
	if n.Version() != other.Version() {
		return nil, errf(TypeError, "%s and %s are not of the same version", n, other)
	}
	if ok, _ := other.SubnetOf(n); !ok {
		return nil, errf(ValueError, "%s not contained in %s", other, n)
	}
	other = Network{fromU128(other.Version(), other.addr.u128(), ""), other.prefix}
	if other.addr.u128() == n.addr.u128() && other.prefix == n.prefix {
		return nil, nil
	}
	var out []Network
	cur := Network{fromU128(n.Version(), n.addr.u128(), ""), n.prefix}
	for cur.prefix < other.prefix {
		half := cur.prefix + 1
		lo := Network{cur.addr, half}
		hiAddr, _ := cur.addr.u128().add(pow2(n.MaxPrefixlen() - half))
		hi := Network{fromU128(n.Version(), hiAddr, ""), half}
		if lo.Contains(other.addr) {
			out = append(out, hi)
			cur = lo
		} else {
			out = append(out, lo)
			cur = hi
		}
	}
	return out, nil
}
