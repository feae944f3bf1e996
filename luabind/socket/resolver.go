package socket

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"socklab/internal/services"

	"socklab/luabind/pyerr"
)

const (
	afUnspec = unix.AF_UNSPEC
	afInet   = unix.AF_INET
	afInet6  = unix.AF_INET6
	afUnix   = unix.AF_UNIX
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

// HError is a gethostbyname/gethostbyaddr failure: Python's socket.herror.
type HError struct {
	Code int
	Text string
}

func (e *HError) Error() string { return fmt.Sprintf("[Errno %d] %s", e.Code, e.Text) }

// glibc's h_errno values and hstrerror texts.
var (
	ErrHostNotFound = &HError{1, "Unknown host"}
	ErrTryAgain     = &HError{2, "Host name lookup failure"}
	ErrNoRecovery   = &HError{3, "Unknown server error"}
	ErrNoAddress    = &HError{4, "No address associated with name"}
)

// OSError is a plain Python OSError with a message and no errno.
type OSError string

func (e OSError) Error() string { return string(e) }

// hostErr maps a DNS failure to h_errno.
func hostErr(err error) error {
	var de *dnsError
	if errors.As(err, &de) {
		switch {
		case de.notFound:
			return ErrHostNotFound
		case de.noData:
			return ErrNoAddress
		}
		return ErrTryAgain
	}
	return err
}

// gaiErr maps a DNS failure to EAI_*.
func gaiErr(err error) error {
	var de *dnsError
	if errors.As(err, &de) {
		switch {
		case de.notFound:
			return pyerr.NoName
		case de.noData && de.viaCNAME:
			return pyerr.NoName // what glibc says, measured
		case de.noData:
			return pyerr.NoData
		}
		return pyerr.Again
	}
	return err
}

// lookupIP is getaddrinfo's host half: numeric forms, /etc/hosts, DNS. It
// returns the addresses and the canonical name.
func lookupIP(ctx context.Context, host string, family, flags int) ([]netip.Addr, string, error) {
	if b, ok := InetAton(host, true); ok {
		if family == afInet6 {
			return nil, "", pyerr.AddrFamily
		}
		return []netip.Addr{netip.AddrFrom4(b)}, host, nil
	}
	if a, ok := parseIPv6(host); ok {
		if family == afInet && a.Is4In6() {
			return []netip.Addr{a.Unmap()}, host, nil
		}
		if family == afInet {
			return nil, "", pyerr.AddrFamily
		}
		return []netip.Addr{a}, host, nil
	}
	if flags&AI_NUMERICHOST != 0 || host == "" {
		return nil, "", pyerr.NoName
	}
	if r := hostsByName(host, family); r != nil {
		return sortAddrs(r.addrs), r.name, nil
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
		ans, err := dnsLookup(ctx, host, t.qtype)
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

// setIPAddr is CPython's setipaddr: how socket functions turn a host string
// into one address of family (AF_UNSPEC: either).
func setIPAddr(ctx context.Context, name string, family int) (netip.Addr, error) {
	switch {
	case name == "":
		if family == afUnspec {
			return netip.Addr{}, OSError("wildcard resolved to multiple address")
		}
		if family == afInet6 {
			return netip.IPv6Unspecified(), nil
		}
		return netip.IPv4Unspecified(), nil
	case name == "<broadcast>" || name == "<BROADCAST>":
		if family != afInet && family != afUnspec {
			return netip.Addr{}, OSError("address family mismatched")
		}
		return netip.AddrFrom4([4]byte{255, 255, 255, 255}), nil
	}
	if family == afInet || family == afUnspec {
		if b, ok := InetPton4(name); ok {
			return netip.AddrFrom4(b), nil
		}
	}
	if family == afInet6 || family == afUnspec {
		if b, ok := InetPton6(name); ok {
			return netip.AddrFrom16(b), nil
		}
	}
	addrs, _, err := lookupIP(ctx, name, family, 0)
	if err != nil {
		return netip.Addr{}, err
	}
	return addrs[0], nil
}

// numericIP is setIPAddr for names that need no lookup (literals, "",
// "<broadcast>", /etc/hosts). ok is false when DNS would be needed.
func numericIP(name string, family int) (netip.Addr, bool, error) {
	if name == "" || name == "<broadcast>" || name == "<BROADCAST>" {
		a, err := setIPAddr(context.Background(), name, family)
		return a, true, err
	}
	if _, ok := InetAton(name, true); ok {
		a, err := setIPAddr(context.Background(), name, family)
		return a, true, err
	}
	if _, ok := parseIPv6(name); ok {
		a, err := setIPAddr(context.Background(), name, family)
		return a, true, err
	}
	if r := hostsByName(name, family); r != nil {
		return sortAddrs(r.addrs)[0], true, nil
	}
	return netip.Addr{}, false, nil
}

// GetHostByName is Python's gethostbyname: an IPv4 address as text.
func GetHostByName(ctx context.Context, name string) (string, error) {
	a, err := setIPAddr(ctx, name, afInet)
	if err != nil {
		return "", err
	}
	return a.String(), nil
}

// HostInfo is the (hostname, aliaslist, ipaddrlist) triple.
type HostInfo struct {
	Name    string
	Aliases []string
	Addrs   []string
}

// GetHostByNameEx is Python's gethostbyname_ex.
func GetHostByNameEx(ctx context.Context, name string) (*HostInfo, error) {
	if _, err := setIPAddr(ctx, name, afInet); err != nil {
		return nil, err
	}
	r, err := gethostbyname(ctx, name)
	if err != nil {
		return nil, err
	}
	return r.info(), nil
}

func (r *hostResult) info() *HostInfo {
	h := &HostInfo{Name: r.name, Aliases: append([]string{}, r.aliases...), Addrs: []string{}}
	for _, a := range r.addrs {
		h.Addrs = append(h.Addrs, a.String())
	}
	return h
}

// gethostbyname is glibc's gethostbyname_r for AF_INET.
func gethostbyname(ctx context.Context, name string) (*hostResult, error) {
	if name == "" {
		return nil, ErrNoRecovery
	}
	if isDigitsDots(name) {
		if b, ok := InetAton(name, true); ok {
			return &hostResult{name: name, addrs: []netip.Addr{netip.AddrFrom4(b)}}, nil
		}
		return nil, ErrHostNotFound
	}
	if strings.Contains(name, ":") {
		return nil, ErrHostNotFound // an IPv6 literal has no IPv4 address
	}
	if !hostnameOK(name) {
		return nil, ErrNoAddress // glibc's res_hnok refuses it before asking
	}
	if r := hostsByName(name, afInet); r != nil {
		return r, nil
	}
	ans, err := dnsLookup(ctx, name, typeA)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, hostErr(err)
	}
	return &hostResult{name: ans.name, aliases: ans.cnames, addrs: ans.addrs}, nil
}

// hostnameOK is glibc's res_hnok: letters, digits, '-' and '_' in labels.
func hostnameOK(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// isDigitsDots is glibc's test for a numeric host in gethostbyname.
func isDigitsDots(s string) bool {
	if s == "" || s[0] < '0' || s[0] > '9' || s[len(s)-1] == '.' {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}

// GetHostByAddr is Python's gethostbyaddr: the primary name, aliases and
// address of a host given by address (or by a name, resolved first).
func GetHostByAddr(ctx context.Context, name string) (*HostInfo, error) {
	a, err := setIPAddr(ctx, name, afUnspec)
	if err != nil {
		return nil, err
	}
	r, err := gethostbyaddr(ctx, a)
	if err != nil {
		return nil, err
	}
	return r.info(), nil
}

func gethostbyaddr(ctx context.Context, a netip.Addr) (*hostResult, error) {
	a = a.WithZone("")
	if r := hostsByAddr(a); r != nil {
		return r, nil
	}
	ans, err := dnsLookup(ctx, reverseName(a), typePTR)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, hostErr(err)
	}
	return &hostResult{name: ans.ptrs[0], aliases: append(ans.cnames, ans.ptrs[1:]...), addrs: []netip.Addr{a}}, nil
}

// GetFQDN is Python's getfqdn.
func GetFQDN(ctx context.Context, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || name == "0.0.0.0" {
		name, _ = os.Hostname()
	}
	h, err := GetHostByAddr(ctx, name)
	if err != nil {
		return name
	}
	for _, n := range append([]string{h.Name}, h.Aliases...) {
		if strings.Contains(n, ".") {
			return n
		}
	}
	return h.Name
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
func GetAddrInfo(ctx context.Context, host *string, port any, family, typ, proto, flags int) ([]AddrInfo, error) {
	if family != afUnspec && family != afInet && family != afInet6 {
		return nil, pyerr.Family
	}
	if typ != 0 && typ != unix.SOCK_STREAM && typ != unix.SOCK_DGRAM && typ != unix.SOCK_RAW {
		return nil, pyerr.SockType
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
			return nil, pyerr.NoName
		} else {
			svcName = p
		}
	}
	if host == nil && port == nil {
		return nil, pyerr.NoName
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
			if sp, found := services.PortByName(svcName, pn); found {
				ports[k.typ] = sp
				ok = append(ok, k)
			}
		}
		if len(ok) == 0 {
			return nil, pyerr.Service
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
		addrs, canon, err = lookupIP(ctx, *host, family, flags)
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
func GetNameInfo(ctx context.Context, host string, port int, flags int) (string, string, error) {
	addrs, _, err := lookupIP(ctx, host, afUnspec, AI_NUMERICHOST)
	if err != nil {
		return "", "", err
	}
	if len(addrs) != 1 {
		return "", "", OSError("sockaddr resolved to multiple addresses")
	}
	a := addrs[0]
	port &= 0xFFFF
	var hostOut string
	if flags&NI_NUMERICHOST != 0 {
		hostOut = a.String()
	} else {
		r, err := gethostbyaddr(ctx, a)
		switch {
		case err == nil:
			hostOut = r.name
			if flags&NI_NOFQDN != 0 {
				hostOut, _, _ = strings.Cut(hostOut, ".")
			}
		case err == ErrTryAgain:
			return "", "", pyerr.Again
		case ctx.Err() != nil:
			return "", "", ctx.Err()
		case flags&NI_NAMEREQD != 0:
			return "", "", pyerr.NoName
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
		if name, ok := services.NameByPort(port, proto); ok {
			serv = name
		}
	}
	return hostOut, serv, nil
}
