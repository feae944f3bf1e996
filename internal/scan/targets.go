package scan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Target is one address to scan. Host is the name it was given as (a host
// name, or the address itself for literals and CIDR members).
type Target struct {
	Host string
	IP   netip.Addr
}

// Size limits for ParseTargets.
const (
	// MinPrefixV4 is the shortest IPv4 CIDR prefix accepted (/16 = 65,536 addresses).
	MinPrefixV4 = 16
	// MinPrefixV6 is the shortest IPv6 CIDR prefix accepted (/112 = 65,536 addresses).
	MinPrefixV6 = 112
	// MaxTargets is the most addresses one ParseTargets call may produce.
	MaxTargets = 1 << 16
)

// LookupFunc resolves a host name to addresses. ParseTargets uses
// net.DefaultResolver; tests and the Lua face may pass their own.
type LookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

// DefaultLookup resolves with net.DefaultResolver.
func DefaultLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// ParseTargets turns target specifications into addresses, using DefaultLookup
// for host names. See ParseTargetsWith.
func ParseTargets(specs []string) ([]Target, error) {
	return ParseTargetsWith(context.Background(), specs, DefaultLookup)
}

// ParseTargetsWith turns target specifications into addresses. Each spec may
// hold several items separated by commas or white space. An item is
//
//   - an IPv4 or IPv6 address ("127.0.0.1", "::1", "[::1]", "fe80::1%eth0"),
//   - a CIDR block ("192.168.1.0/24"; at most /16 for IPv4 and /112 for IPv6;
//     every address in the block is a target, as in nmap),
//   - an IPv4 last-octet range ("10.0.0.1-20"),
//   - or a host name, resolved with lookup (its first IPv4 address, or its
//     first address if it has no IPv4 one, as nmap does).
//
// Duplicate addresses are dropped (the first spelling wins); order is kept.
// IPv4-mapped IPv6 addresses are unmapped. A nil lookup refuses host names.
func ParseTargetsWith(ctx context.Context, specs []string, lookup LookupFunc) ([]Target, error) {
	var out []Target
	seen := make(map[netip.Addr]bool)
	add := func(host string, ip netip.Addr) error {
		ip = ip.Unmap()
		if seen[ip] {
			return nil
		}
		if len(out) >= MaxTargets {
			return fmt.Errorf("too many targets: more than %d addresses", MaxTargets)
		}
		seen[ip] = true
		out = append(out, Target{Host: host, IP: ip})
		return nil
	}
	items := 0
	for _, spec := range specs {
		for _, item := range strings.FieldsFunc(spec, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
		}) {
			items++
			if err := parseTargetItem(ctx, item, lookup, add); err != nil {
				return nil, err
			}
		}
	}
	if items == 0 {
		return nil, errors.New("no targets given")
	}
	return out, nil
}

func parseTargetItem(ctx context.Context, item string, lookup LookupFunc, add func(string, netip.Addr) error) error {
	if strings.Contains(item, "/") {
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return fmt.Errorf("bad target %q: not a CIDR block (like 192.168.1.0/24)", item)
		}
		p = p.Masked()
		if p.Addr().Is4() && p.Bits() < MinPrefixV4 || p.Addr().Is6() && p.Bits() < MinPrefixV6 {
			limit := MinPrefixV4
			if p.Addr().Is6() {
				limit = MinPrefixV6
			}
			return fmt.Errorf("target %s is too large (%s addresses); the limit is /%d (65536 addresses)", p, blockSize(p), limit)
		}
		for a := p.Addr(); p.Contains(a); a = a.Next() {
			if err := add(a.String(), a); err != nil {
				return err
			}
		}
		return nil
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(item, "["), "]")); err == nil {
		return add(a.String(), a)
	}
	if a, lo, hi, ok := parseOctetRange(item); ok {
		if lo > hi {
			return fmt.Errorf("bad target %q: range start is after its end", item)
		}
		b := a.As4()
		for i := lo; i <= hi; i++ {
			b[3] = byte(i)
			ip := netip.AddrFrom4(b)
			if err := add(ip.String(), ip); err != nil {
				return err
			}
		}
		return nil
	}
	if !validHostName(item) {
		return fmt.Errorf("bad target %q: not an address, CIDR block or host name", item)
	}
	if lookup == nil {
		return fmt.Errorf("cannot resolve %q: name lookups are disabled", item)
	}
	addrs, err := lookup(ctx, item)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return fmt.Errorf("cannot resolve %q: no such host", item)
		}
		return fmt.Errorf("cannot resolve %q: %w", item, err)
	}
	if len(addrs) == 0 {
		return fmt.Errorf("cannot resolve %q: no addresses", item)
	}
	pick := addrs[0]
	for _, a := range addrs {
		if a.Unmap().Is4() {
			pick = a
			break
		}
	}
	return add(item, pick)
}

func blockSize(p netip.Prefix) string {
	bits := p.Addr().BitLen() - p.Bits()
	if bits >= 63 {
		return "2^" + strconv.Itoa(bits)
	}
	return strconv.FormatUint(1<<bits, 10)
}

// parseOctetRange parses "a.b.c.d-e".
func parseOctetRange(item string) (netip.Addr, int, int, bool) {
	first, last, ok := strings.Cut(item, "-")
	if !ok {
		return netip.Addr{}, 0, 0, false
	}
	a, err := netip.ParseAddr(first)
	if err != nil || !a.Is4() {
		return netip.Addr{}, 0, 0, false
	}
	if last == "" || len(last) > 3 || strings.Trim(last, "0123456789") != "" {
		return netip.Addr{}, 0, 0, false
	}
	hi, _ := strconv.Atoi(last)
	if hi > 255 {
		return netip.Addr{}, 0, 0, false
	}
	return a, int(a.As4()[3]), hi, true
}

// validHostName accepts DNS-looking names: labels of letters, digits, '-' and
// '_', separated by dots, at most 253 characters, not all digits and dots.
func validHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	allDigits := true
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			switch {
			case c >= '0' && c <= '9':
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_':
				allDigits = false
			default:
				return false
			}
		}
	}
	return !allDigits
}

// PermissionWarning is quoted in every scope refusal.
const PermissionWarning = "only scan hosts you have permission to scan"

// ScopeError is CheckScope's refusal: Prefix is the first target outside the
// allowed ranges.
type ScopeError struct {
	Prefix netip.Prefix
}

func (e *ScopeError) Error() string {
	what := e.Prefix.Addr().String()
	if e.Prefix.Bits() != e.Prefix.Addr().BitLen() {
		what = e.Prefix.String()
	}
	return fmt.Sprintf("refusing to scan %s: it is not a loopback, private or link-local address; %s "+
		"(if you do have permission, say so explicitly or allow its range)", what, PermissionWarning)
}

// DefaultAllowed lists the ranges scanned without asking: loopback, private
// (RFC 1918, RFC 4193) and link-local addresses.
var DefaultAllowed = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
}

// CheckScope returns a *ScopeError for the first of addrs that does not lie
// wholly inside DefaultAllowed or allow, unless iHavePermission is true.
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
// An invalid prefix is refused too.
func CheckScope(addrs, allow []netip.Prefix, iHavePermission bool) error {
	if iHavePermission {
		return nil
	}
	for _, p := range addrs {
		if !inScope(p, allow) {
			return &ScopeError{Prefix: p}
		}
	}
	return nil
}

func inScope(p netip.Prefix, allow []netip.Prefix) bool {
	if !p.IsValid() {
		return false
	}
	a, bits := p.Addr(), p.Bits()
	if a.Is4In6() {
		if bits < 96 {
			return false
		}
		a, bits = a.Unmap(), bits-96
	}
	a = a.WithZone("")
	for _, lists := range [][]netip.Prefix{DefaultAllowed, allow} {
		for _, q := range lists {
			qa := q.Addr()
			if qa.Is4In6() && q.Bits() >= 96 {
				q = netip.PrefixFrom(qa.Unmap(), q.Bits()-96)
			}
			if q.IsValid() && q.Bits() <= bits && q.Contains(a) {
				return true
			}
		}
	}
	return false
}
