// Package resolver answers name questions as glibc does, for Python's
// socket functions: gethostbyname(_ex), gethostbyaddr, getfqdn,
// getaddrinfo, getnameinfo, and CPython's setipaddr (how a host string
// becomes one address). It is plain Go (no Lua), measured against
// /usr/bin/python3 (luabind/socket's differential tests).
//
// Sources, as glibc's: /etc/hosts read as the "files" source (hosts.go),
// then a small stub resolver over the nameservers of /etc/resolv.conf
// (dns.go; the wire format alone is dnswire.go's). Service names come from
// socklab/internal/services. Address text uses glibc's dialects
// (inet.go: inet_aton's "127.1", inet_pton, inet_ntop).
//
// Failures are typed: *AddrInfoError (getaddrinfo's EAI_* codes),
// *HostError (h_errno), a few sentinel errors, or ctx.Err(); a face words
// them (luabind/pyerr: "[Errno -2] Name or service not known").
package resolver

import (
	"context"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"socklab/internal/services"
)

// A Resolver reads one hosts file and one resolv.conf; its fields are its
// configuration, fixed once it is in use. Its methods are safe for
// concurrent use.
type Resolver struct {
	HostsPath      string           // "/etc/hosts"
	ResolvConfPath string           // "/etc/resolv.conf"
	DNSPort        int              // the nameservers' port; 0 means 53
	Services       *services.Tables // nil means services.System
}

// System is the machine's resolver.
var System = &Resolver{HostsPath: "/etc/hosts", ResolvConfPath: "/etc/resolv.conf"}

func (r *Resolver) services() *services.Tables {
	if r.Services != nil {
		return r.Services
	}
	return services.System
}

// ServicePort is the port of a named service for a socket type, as
// getaddrinfo finds it: the udp entry for SOCK_DGRAM, the tcp one
// otherwise; ErrService when the tables lack it.
func (r *Resolver) ServicePort(name string, typ int) (int, error) {
	proto := "tcp"
	if typ == unix.SOCK_DGRAM {
		proto = "udp"
	}
	if port, ok := r.services().PortByName(name, proto); ok {
		return port, nil
	}
	return 0, ErrService
}

func (r *Resolver) dnsPort() string {
	if r.DNSPort != 0 {
		return strconv.Itoa(r.DNSPort)
	}
	return "53"
}

// SetIPAddr is CPython's setipaddr: how socket functions turn a host string
// into one address of family (AF_UNSPEC: either).
func (r *Resolver) SetIPAddr(ctx context.Context, name string, family int) (netip.Addr, error) {
	switch {
	case name == "":
		if family == afUnspec {
			return netip.Addr{}, ErrWildcardFamily
		}
		if family == afInet6 {
			return netip.IPv6Unspecified(), nil
		}
		return netip.IPv4Unspecified(), nil
	case name == "<broadcast>" || name == "<BROADCAST>":
		if family != afInet && family != afUnspec {
			return netip.Addr{}, ErrFamilyMismatch
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
	addrs, _, err := r.lookupIP(ctx, name, family, 0)
	if err != nil {
		return netip.Addr{}, err
	}
	return addrs[0], nil
}

// NumericIP is SetIPAddr for names that need no lookup (literals, "",
// "<broadcast>", /etc/hosts). ok is false when DNS would be needed.
func (r *Resolver) NumericIP(name string, family int) (netip.Addr, bool, error) {
	if name == "" || name == "<broadcast>" || name == "<BROADCAST>" {
		a, err := r.SetIPAddr(context.Background(), name, family)
		return a, true, err
	}
	if _, ok := InetAton(name, true); ok {
		a, err := r.SetIPAddr(context.Background(), name, family)
		return a, true, err
	}
	if _, ok := parseIPv6(name); ok {
		a, err := r.SetIPAddr(context.Background(), name, family)
		return a, true, err
	}
	if h := r.hostsByName(name, family); h != nil {
		return sortAddrs(h.addrs)[0], true, nil
	}
	return netip.Addr{}, false, nil
}

// GetHostByName is Python's gethostbyname: an IPv4 address as text.
func (r *Resolver) GetHostByName(ctx context.Context, name string) (string, error) {
	a, err := r.SetIPAddr(ctx, name, afInet)
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
func (r *Resolver) GetHostByNameEx(ctx context.Context, name string) (*HostInfo, error) {
	if _, err := r.SetIPAddr(ctx, name, afInet); err != nil {
		return nil, err
	}
	h, err := r.gethostbyname(ctx, name)
	if err != nil {
		return nil, err
	}
	return h.info(), nil
}

func (hr *hostResult) info() *HostInfo {
	h := &HostInfo{Name: hr.name, Aliases: append([]string{}, hr.aliases...), Addrs: []string{}}
	for _, a := range hr.addrs {
		h.Addrs = append(h.Addrs, a.String())
	}
	return h
}

// gethostbyname is glibc's gethostbyname_r for AF_INET.
func (r *Resolver) gethostbyname(ctx context.Context, name string) (*hostResult, error) {
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
	if h := r.hostsByName(name, afInet); h != nil {
		return h, nil
	}
	ans, err := r.dnsLookup(ctx, name, typeA)
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
func (r *Resolver) GetHostByAddr(ctx context.Context, name string) (*HostInfo, error) {
	a, err := r.SetIPAddr(ctx, name, afUnspec)
	if err != nil {
		return nil, err
	}
	h, err := r.gethostbyaddr(ctx, a)
	if err != nil {
		return nil, err
	}
	return h.info(), nil
}

func (r *Resolver) gethostbyaddr(ctx context.Context, a netip.Addr) (*hostResult, error) {
	a = a.WithZone("")
	if h := r.hostsByAddr(a); h != nil {
		return h, nil
	}
	ans, err := r.dnsLookup(ctx, reverseName(a), typePTR)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, hostErr(err)
	}
	return &hostResult{name: ans.ptrs[0], aliases: append(ans.cnames, ans.ptrs[1:]...), addrs: []netip.Addr{a}}, nil
}

// GetFQDN is Python's getfqdn.
func (r *Resolver) GetFQDN(ctx context.Context, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || name == "0.0.0.0" {
		name, _ = os.Hostname()
	}
	h, err := r.GetHostByAddr(ctx, name)
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
