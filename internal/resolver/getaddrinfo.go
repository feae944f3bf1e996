package resolver

// getaddrinfo and getnameinfo as glibc answers them (and Python passes
// them on).

import (
	"context"
	"errors"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

const (
	afUnspec = unix.AF_UNSPEC
	afInet   = unix.AF_INET
	afInet6  = unix.AF_INET6
)

// getaddrinfo flags and getnameinfo flags, glibc's values.
const (
	AI_PASSIVE     = 0x1
	AI_CANONNAME   = 0x2
	AI_NUMERICHOST = 0x4
	AI_V4MAPPED    = 0x8
	AI_ALL         = 0x10
	AI_ADDRCONFIG  = 0x20
	AI_NUMERICSERV = 0x400

	NI_NUMERICHOST = 1
	NI_NUMERICSERV = 2
	NI_NOFQDN      = 4
	NI_NAMEREQD    = 8
	NI_DGRAM       = 16
)

// lookupIP is getaddrinfo's host half: numeric forms, /etc/hosts, DNS. It
// returns the addresses and the canonical name.
func (r *Resolver) lookupIP(ctx context.Context, host string, family, flags int) ([]netip.Addr, string, error) {
	if b, ok := InetAton(host, true); ok {
		if family == afInet6 {
			return nil, "", ErrAddrFamily
		}
		return []netip.Addr{netip.AddrFrom4(b)}, host, nil
	}
	if a, ok := parseIPv6(host); ok {
		if family == afInet && a.Is4In6() {
			return []netip.Addr{a.Unmap()}, host, nil
		}
		if family == afInet {
			return nil, "", ErrAddrFamily
		}
		return []netip.Addr{a}, host, nil
	}
	if flags&AI_NUMERICHOST != 0 || host == "" {
		return nil, "", ErrNoName
	}
	if h := r.hostsByName(host, family); h != nil {
		return sortAddrs(h.addrs), h.name, nil
	}
	var addrs []netip.Addr
	canon := host
	var errs []error
	for _, t := range []struct {
		fam   int
		qtype uint16
	}{{afInet6, typeAAAA}, {afInet, typeA}} {
		if family != afUnspec && family != t.fam {
			continue
		}
		ans, err := r.dnsLookup(ctx, host, t.qtype)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		addrs = append(addrs, ans.addrs...)
		canon = ans.name
	}
	if ctx.Err() != nil {
		return nil, "", ctx.Err()
	}
	if len(addrs) == 0 {
		// The most telling failure wins: a server problem, then "no data".
		rank := func(e error) int {
			var de *dnsError
			switch {
			case !errors.As(e, &de):
				return 3
			case de.notFound:
				return 0
			case de.noData:
				return 1
			}
			return 2
		}
		best := errs[0]
		for _, e := range errs {
			if rank(e) > rank(best) {
				best = e
			}
		}
		return nil, "", gaiErr(best)
	}
	return sortAddrs(addrs), canon, nil
}

// parseIPv6 accepts an IPv6 literal with an optional %zone (name or index).
func parseIPv6(s string) (netip.Addr, bool) {
	if !strings.Contains(s, ":") {
		return netip.Addr{}, false
	}
	host, zone, _ := strings.Cut(s, "%")
	b, ok := InetPton6(host)
	if !ok {
		return netip.Addr{}, false
	}
	a := netip.AddrFrom16(b)
	if zone != "" {
		a = a.WithZone(zone)
	}
	return a, true
}

// sortAddrs orders destinations by RFC 6724's precedence (a stable sort:
// rule 6 only; the other rules need routes this module does not look at).
func sortAddrs(addrs []netip.Addr) []netip.Addr {
	prec := func(a netip.Addr) int {
		switch {
		case a.Is4():
			return 35
		case a == netip.IPv6Loopback():
			return 50
		case a.Is4In6():
			return 35
		case netip.MustParsePrefix("2002::/16").Contains(a):
			return 30
		case netip.MustParsePrefix("2001::/32").Contains(a):
			return 5
		case netip.MustParsePrefix("fc00::/7").Contains(a):
			return 3
		case netip.MustParsePrefix("fec0::/10").Contains(a), netip.MustParsePrefix("3ffe::/16").Contains(a):
			return 1
		}
		return 40
	}
	out := append([]netip.Addr(nil), addrs...)
	sort.SliceStable(out, func(i, j int) bool { return prec(out[i]) > prec(out[j]) })
	return out
}

// AddrInfo is one getaddrinfo entry.
type AddrInfo struct {
	Family, Type, Proto int
	Canonname           string
	Addr                netip.Addr
	Port                int
}

// GetAddrInfo is Python's getaddrinfo. host and port may be nil (None); port
// is an int or a string.
func (r *Resolver) GetAddrInfo(ctx context.Context, host *string, port any, family, typ, proto, flags int) ([]AddrInfo, error) {
	if family != afUnspec && family != afInet && family != afInet6 {
		return nil, ErrFamily
	}
	if typ != 0 && typ != unix.SOCK_STREAM && typ != unix.SOCK_DGRAM && typ != unix.SOCK_RAW {
		return nil, ErrSockType
	}
	// Which socket types the service exists for, and its port.
	type st struct{ typ, proto int }
	all := []st{{unix.SOCK_STREAM, unix.IPPROTO_TCP}, {unix.SOCK_DGRAM, unix.IPPROTO_UDP}, {unix.SOCK_RAW, 0}}
	var kinds []st
	ports := map[int]int{}
	for _, k := range all {
		if typ != 0 && k.typ != typ {
			continue
		}
		if proto != 0 && k.typ != unix.SOCK_RAW && k.proto != proto {
			continue
		}
		kp := k
		if k.typ == unix.SOCK_RAW && proto != 0 {
			kp.proto = proto
		}
		kinds = append(kinds, kp)
	}
	var svcName string
	numericPort := -1
	switch p := port.(type) {
	case nil:
		numericPort = 0
	case int:
		numericPort = p & 0xFFFF
	case string:
		if n, err := strconv.ParseUint(p, 10, 64); err == nil {
			numericPort = int(n & 0xFFFF)
		} else if flags&AI_NUMERICSERV != 0 {
			return nil, ErrNoName
		} else {
			svcName = p
		}
	}
	if host == nil && port == nil {
		return nil, ErrNoName
	}
	if svcName != "" {
		var ok []st
		for _, k := range kinds {
			if k.typ == unix.SOCK_RAW {
				continue
			}
			pn := "tcp"
			if k.typ == unix.SOCK_DGRAM {
				pn = "udp"
			}
			if sp, found := r.services().PortByName(svcName, pn); found {
				ports[k.typ] = sp
				ok = append(ok, k)
			}
		}
		if len(ok) == 0 {
			return nil, ErrService
		}
		kinds = ok
	} else {
		for _, k := range kinds {
			ports[k.typ] = numericPort
		}
	}

	var addrs []netip.Addr
	canon := ""
	if host == nil {
		if flags&AI_PASSIVE != 0 {
			addrs = []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
		} else {
			addrs = []netip.Addr{netip.IPv6Loopback(), netip.AddrFrom4([4]byte{127, 0, 0, 1})}
		}
		var keep []netip.Addr
		for _, a := range addrs {
			if familyOK(a, family) {
				keep = append(keep, a)
			}
		}
		addrs = keep
	} else {
		var err error
		addrs, canon, err = r.lookupIP(ctx, *host, family, flags)
		if err != nil {
			return nil, err
		}
	}
	var out []AddrInfo
	for _, a := range addrs {
		fam := afInet
		if a.Is6() {
			fam = afInet6
		}
		for _, k := range kinds {
			e := AddrInfo{Family: fam, Type: k.typ, Proto: k.proto, Addr: a, Port: ports[k.typ]}
			if len(out) == 0 && flags&AI_CANONNAME != 0 {
				e.Canonname = canon
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// GetNameInfo is Python's getnameinfo((host, port), flags).
func (r *Resolver) GetNameInfo(ctx context.Context, host string, port int, flags int) (string, string, error) {
	addrs, _, err := r.lookupIP(ctx, host, afUnspec, AI_NUMERICHOST)
	if err != nil {
		return "", "", err
	}
	if len(addrs) != 1 {
		return "", "", ErrMultipleAddrs
	}
	a := addrs[0]
	port &= 0xFFFF
	var hostOut string
	if flags&NI_NUMERICHOST != 0 {
		hostOut = a.String()
	} else {
		h, err := r.gethostbyaddr(ctx, a)
		switch {
		case err == nil:
			hostOut = h.name
			if flags&NI_NOFQDN != 0 {
				hostOut, _, _ = strings.Cut(hostOut, ".")
			}
		case err == ErrTryAgain:
			return "", "", ErrAgain
		case ctx.Err() != nil:
			return "", "", ctx.Err()
		case flags&NI_NAMEREQD != 0:
			return "", "", ErrNoName
		default:
			hostOut = a.String()
		}
	}
	serv := strconv.Itoa(port)
	if flags&NI_NUMERICSERV == 0 {
		proto := "tcp"
		if flags&NI_DGRAM != 0 {
			proto = "udp"
		}
		if name, ok := r.services().NameByPort(port, proto); ok {
			serv = name
		}
	}
	return hostOut, serv, nil
}
