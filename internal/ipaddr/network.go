package ipaddr

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"socklab/internal/pyrepr"
)

// Network is an IPv4Network or IPv6Network: a network address (which may
// carry an IPv6 scope) and a prefix length.
type Network struct {
	addr   Addr
	prefix int
}

// NetworkOf returns the network of prefix length bits that contains a,
// host bits cleared (Python's strict=False). bits must be 0..max.
func NetworkOf(a Addr, bits int) Network {
	m := mask(a.Version(), bits)
	v := a.u128()
	if v.and(m) == v {
		return Network{a, bits}
	}
	return Network{fromU128(a.Version(), v.and(m), ""), bits}
}

func mask(version, bits int) u128 {
	max := maxPrefix(version)
	return ones(max).xor(ones(max - bits))
}

// splitPrefix is "addr/mask" → addr, mask ("" when absent).
func splitPrefix(s string) (addr, m string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) > 2 {
		return "", "", errf(AddressValueError, "Only one '/' permitted in %s", pyrepr.Str(s))
	}
	if len(parts) == 2 {
		return parts[0], parts[1], nil
	}
	return parts[0], "", nil
}

func badNetmask(s string) error {
	return errf(NetmaskValueError, "%s is not a valid netmask", pyrepr.Str(s))
}

// prefixFromInt is the prefix length of a netmask, or -1 when the value is
// not a run of ones followed by zeros.
func prefixFromInt(version int, v u128) int {
	max := maxPrefix(version)
	tz := v.trailingZeros(max)
	prefix := max - tz
	if v.shr(uint(tz)) != ones(prefix) {
		return -1
	}
	return prefix
}

// ParsePrefix reads a mask for version: a decimal prefix length, or for
// IPv4 a netmask (255.255.0.0) or hostmask (0.0.255.255).
func ParsePrefix(version int, m string) (int, error) {
	max := maxPrefix(version)
	if isASCIIDigits(m) {
		n, err := strconv.Atoi(m)
		if err != nil || n > max {
			return 0, badNetmask(m)
		}
		return n, nil
	}
	if version == 6 {
		return 0, badNetmask(m)
	}
	v4, err := parseV4(m)
	if err != nil {
		return 0, badNetmask(m)
	}
	v := u128{0, uint64(v4)}
	if p := prefixFromInt(4, v); p >= 0 {
		return p, nil
	}
	if p := prefixFromInt(4, v.xor(ones(32))); p >= 0 {
		return p, nil
	}
	return 0, badNetmask(m)
}

// parseNetworkV is IPv4Network(s, strict) or IPv6Network(s, strict).
func parseNetworkV(version int, s string, strict bool) (Network, error) {
	a, prefix, err := parseAddrPrefixV(version, s)
	if err != nil {
		return Network{}, err
	}
	return makeNetwork(a, prefix, strict)
}

// parseAddrPrefixV parses "addr[/prefix-or-netmask]" of the given IP
// version; without a '/' the prefix is the full length.
func parseAddrPrefixV(version int, s string) (Addr, int, error) {
	text, m, err := splitPrefix(s)
	if err != nil {
		return Addr{}, 0, err
	}
	var a Addr
	if version == 4 {
		a, err = ParseV4(text)
	} else {
		a, err = ParseV6(text)
	}
	if err != nil {
		return Addr{}, 0, err
	}
	prefix := maxPrefix(version)
	if strings.Contains(s, "/") {
		if prefix, err = ParsePrefix(version, m); err != nil {
			return Addr{}, 0, err
		}
	}
	return a, prefix, nil
}

func makeNetwork(a Addr, prefix int, strict bool) (Network, error) {
	n := NetworkOf(a, prefix)
	if n.addr != a && strict {
		return Network{}, errf(ValueError, "%s/%d has host bits set", a, prefix)
	}
	return n, nil
}

// ParseNetworkV4 is IPv4Network(s, strict).
func ParseNetworkV4(s string, strict bool) (Network, error) { return parseNetworkV(4, s, strict) }

// ParseNetworkV6 is IPv6Network(s, strict).
func ParseNetworkV6(s string, strict bool) (Network, error) { return parseNetworkV(6, s, strict) }

// ParseNetwork is ip_network(s, strict).
func ParseNetwork(s string, strict bool) (Network, error) {
	n, err := parseNetworkV(4, s, strict)
	if err == nil || !isAddrOrMask(err) {
		return n, err
	}
	n, err = parseNetworkV(6, s, strict)
	if err == nil || !isAddrOrMask(err) {
		return n, err
	}
	return Network{}, errf(ValueError, "%s does not appear to be an IPv4 or IPv6 network", pyrepr.Str(s))
}

// NetworkFromAddr is IPvNNetwork((addr, prefix), strict) with a numeric
// prefix, as for ip_network(int) or a tuple.
func NetworkFromAddr(a Addr, prefix int, strict bool) (Network, error) {
	if prefix < 0 || prefix > a.MaxPrefixlen() {
		return Network{}, badNetmask(strconv.Itoa(prefix))
	}
	return makeNetwork(a, prefix, strict)
}

// Version is 4 or 6.
func (n Network) Version() int { return n.addr.Version() }

// MaxPrefixlen is 32 or 128.
func (n Network) MaxPrefixlen() int { return n.addr.MaxPrefixlen() }

// Prefixlen is the prefix length.
func (n Network) Prefixlen() int { return n.prefix }

// NetworkAddress is the first address.
func (n Network) NetworkAddress() Addr { return n.addr }

// BroadcastAddress is the last address.
func (n Network) BroadcastAddress() Addr {
	return fromU128(n.Version(), n.addr.u128().or(n.hostmaskInt()), "")
}

func (n Network) hostmaskInt() u128 { return ones(n.MaxPrefixlen() - n.prefix) }

// Netmask is the mask as an address (255.255.255.0).
func (n Network) Netmask() Addr { return fromU128(n.Version(), mask(n.Version(), n.prefix), "") }

// Hostmask is the inverted mask (0.0.0.255).
func (n Network) Hostmask() Addr { return fromU128(n.Version(), n.hostmaskInt(), "") }

// String is "10.0.0.0/8".
func (n Network) String() string { return fmt.Sprintf("%s/%d", n.addr, n.prefix) }

// Repr is IPv4Network('10.0.0.0/8').
func (n Network) Repr() string {
	return fmt.Sprintf("IPv%dNetwork(%s)", n.Version(), pyrepr.Str(n.String()))
}

// WithPrefixlen is "10.0.0.0/8".
func (n Network) WithPrefixlen() string { return n.String() }

// WithNetmask is "10.0.0.0/255.0.0.0".
func (n Network) WithNetmask() string { return fmt.Sprintf("%s/%s", n.addr, n.Netmask()) }

// WithHostmask is "10.0.0.0/0.255.255.255".
func (n Network) WithHostmask() string { return fmt.Sprintf("%s/%s", n.addr, n.Hostmask()) }

// Exploded is the network in the long form.
func (n Network) Exploded() string { return fmt.Sprintf("%s/%d", n.addr.Exploded(), n.prefix) }

// ReversePointer is Python's reverse_pointer of str(network), a curiosity
// kept for completeness: "0/8.0.0.10.in-addr.arpa".
func (n Network) ReversePointer() string {
	if n.Version() == 6 {
		return reverseText(6, n.Exploded())
	}
	return reverseText(4, n.String())
}

func reverseText(version int, s string) string {
	if version == 4 {
		parts := strings.Split(s, ".")
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		return strings.Join(parts, ".") + ".in-addr.arpa"
	}
	hex := strings.ReplaceAll(s, ":", "")
	out := make([]string, 0, len(hex))
	for i := len(hex) - 1; i >= 0; i-- {
		out = append(out, hex[i:i+1])
	}
	return strings.Join(out, ".") + ".ip6.arpa"
}

// NumAddresses is 2^(max-prefixlen).
func (n Network) NumAddresses() *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(n.MaxPrefixlen()-n.prefix))
}

// Contains reports whether a is in n (any scope; other versions: false).
func (n Network) Contains(a Addr) bool {
	if a.Version() != n.Version() {
		return false
	}
	return a.u128().and(mask(n.Version(), n.prefix)) == n.addr.u128()
}

// Equal is network == other.
func (n Network) Equal(o Network) bool { return n.addr.ip == o.addr.ip && n.prefix == o.prefix }

// Compare orders networks as Python does: by network address, then netmask.
func (n Network) Compare(o Network) (int, error) {
	if n.Version() != o.Version() {
		return 0, errf(TypeError, "%s and %s are not of the same version", n, o)
	}
	if c, _ := n.addr.Compare(o.addr); c != 0 {
		return c, nil
	}
	switch {
	case n.prefix < o.prefix:
		return -1, nil
	case n.prefix > o.prefix:
		return 1, nil
	}
	return 0, nil
}

// Overlaps reports whether n and o share an address.
func (n Network) Overlaps(o Network) bool {
	return o.Contains(n.addr) || o.Contains(n.BroadcastAddress()) ||
		n.Contains(o.addr) || n.Contains(o.BroadcastAddress())
}

// SubnetOf reports whether n lies inside o.
func (n Network) SubnetOf(o Network) (bool, error) {
	if n.Version() != o.Version() {
		return false, errf(TypeError, "%s and %s are not of the same version", n, o)
	}
	return o.prefix <= n.prefix && o.Contains(n.addr), nil
}

// SupernetOf reports whether o lies inside n.
func (n Network) SupernetOf(o Network) (bool, error) {
	if n.Version() != o.Version() {
		return false, errf(TypeError, "%s and %s are not of the same version", o, n)
	}
	return o.SubnetOf(n)
}

// At is network[i] (negative i counts from the end).
func (n Network) At(i *big.Int) (Addr, error) {
	size := n.NumAddresses()
	idx := new(big.Int).Set(i)
	if idx.Sign() < 0 {
		idx.Add(idx, size)
	}
	if idx.Sign() < 0 || idx.Cmp(size) >= 0 {
		return Addr{}, errf(IndexError, "address out of range")
	}
	v, _ := fromBig(idx)
	sum, _ := n.addr.u128().add(v)
	return fromU128(n.Version(), sum, ""), nil
}

// newPrefix resolves Python's (prefixlen_diff, new_prefix) arguments for
// subnets (longer) or supernet (shorter). newPrefix < 0 means not given.
func (n Network) subnetPrefix(diff, newPrefix int, diffGiven bool) (int, error) {
	if newPrefix >= 0 {
		if newPrefix < n.prefix {
			return 0, errf(ValueError, "new prefix must be longer")
		}
		if diffGiven && diff != 1 {
			return 0, errf(ValueError, "cannot set prefixlen_diff and new_prefix")
		}
		diff = newPrefix - n.prefix
	}
	if diff < 0 {
		return 0, errf(ValueError, "prefix length diff must be > 0")
	}
	p := n.prefix + diff
	if p > n.MaxPrefixlen() {
		return 0, errf(ValueError, "prefix length diff %d is invalid for netblock %s", p, n)
	}
	return p, nil
}

// Subnets is subnets(prefixlen_diff, new_prefix): an iterator over the
// subnets in order, made one at a time. newPrefix < 0 means not given.
func (n Network) Subnets(diff, newPrefix int, diffGiven bool) (*Iter, error) {
	if n.prefix == n.MaxPrefixlen() {
		return &Iter{single: true, next: n.addr, prefix: n.prefix, count: big.NewInt(1)}, nil
	}
	p, err := n.subnetPrefix(diff, newPrefix, diffGiven)
	if err != nil {
		return nil, err
	}
	step := pow2(n.MaxPrefixlen() - p)
	return &Iter{next: fromU128(n.Version(), n.addr.u128(), ""), last: n.BroadcastAddress().u128(), step: step, prefix: p,
		count: new(big.Int).Lsh(big.NewInt(1), uint(p-n.prefix))}, nil
}

// Supernet is supernet(prefixlen_diff, new_prefix).
func (n Network) Supernet(diff, newPrefix int, diffGiven bool) (Network, error) {
	if n.prefix == 0 {
		return n, nil
	}
	if newPrefix >= 0 {
		if newPrefix > n.prefix {
			return Network{}, errf(ValueError, "new prefix must be shorter")
		}
		if diffGiven && diff != 1 {
			return Network{}, errf(ValueError, "cannot set prefixlen_diff and new_prefix")
		}
		diff = n.prefix - newPrefix
	}
	p := n.prefix - diff
	if p < 0 {
		return Network{}, errf(ValueError, "current prefixlen is %d, cannot have a prefixlen_diff of %d", n.prefix, diff)
	}
	if p > n.MaxPrefixlen() {
		return Network{}, badNetmask(strconv.Itoa(p))
	}
	return NetworkOf(fromU128(n.Version(), n.addr.u128(), ""), p), nil
}

// Hosts is hosts(): every address but the network and broadcast address
// for IPv4, but the Subnet-Router anycast address for IPv6; all of a /31,
// /32, /127 or /128.
func (n Network) Hosts() *Iter {
	first, last := n.addr.u128(), n.BroadcastAddress().u128()
	count := n.NumAddresses()
	max := n.MaxPrefixlen()
	switch {
	case n.prefix == max: // Python hands back the network address itself, scope and all
		return &Iter{addrs: true, single: true, next: n.addr, count: count}
	case n.prefix == max-1:
	case n.Version() == 4:
		first, _ = first.add(u128{0, 1})
		last = last.sub1()
		count.Sub(count, big.NewInt(2))
	default:
		first, _ = first.add(u128{0, 1})
		count.Sub(count, big.NewInt(1))
	}
	return &Iter{addrs: true, next: fromU128(n.Version(), first, ""), last: last, step: u128{0, 1}, count: count}
}

// Addresses iterates over every address of n (Python's iter(network)).
func (n Network) Addresses() *Iter {
	return &Iter{addrs: true, next: fromU128(n.Version(), n.addr.u128(), ""), last: n.BroadcastAddress().u128(),
		step: u128{0, 1}, count: n.NumAddresses()}
}

// Iter walks addresses or subnets lazily: a /8's hosts or an IPv6 /64's
// subnets are never materialised.
type Iter struct {
	addrs  bool // yields addresses; else networks of prefix
	single bool // yields next once (subnets of a /32 or /128)
	next   Addr
	last   u128
	step   u128
	prefix int
	done   bool
	count  *big.Int
}

// Len is how many values the iterator yields in all.
func (it *Iter) Len() *big.Int { return it.count }

// NextAddr returns the next address, or false at the end.
func (it *Iter) NextAddr() (Addr, bool) {
	if it.single {
		if it.done {
			return Addr{}, false
		}
		it.done = true
		return it.next, true
	}
	if it.done || it.next.u128().cmp(it.last) > 0 {
		it.done = true
		return Addr{}, false
	}
	a := it.next
	if a.u128() == it.last {
		it.done = true
	} else {
		v, _ := a.u128().add(it.step)
		it.next = fromU128(a.Version(), v, "")
	}
	return a, true
}

// NextNetwork returns the next subnet, or false at the end.
func (it *Iter) NextNetwork() (Network, bool) {
	if it.single {
		if it.done {
			return Network{}, false
		}
		it.done = true
		return Network{it.next, it.prefix}, true
	}
	a, ok := it.NextAddr()
	if !ok {
		return Network{}, false
	}
	// the last subnet starts at last-step+1; NextAddr compares starts with
	// the broadcast address, so stop once the start passes it.
	if end, _ := a.u128().add(it.step.sub1()); end.cmp(it.last) >= 0 {
		it.done = true
	}
	return Network{a, it.prefix}, true
}

// Yields reports whether the iterator yields addresses (else networks).
func (it *Iter) Yields() string {
	if it.addrs {
		return "address"
	}
	return "network"
}
