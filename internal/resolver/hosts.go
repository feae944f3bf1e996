package resolver

// /etc/hosts as glibc's "files" source reads it: the first matching line
// (case-insensitive, no trailing-dot magic) gives the canonical name and
// aliases; later matching lines add addresses ("multi on").

import (
	"bufio"
	"net/netip"
	"os"
	"strings"
)

type hostEntry struct {
	addr  netip.Addr
	names []string // canonical first
}

// readHosts returns the entries of the hosts file (cached while the file
// does not change; callers must not modify them).
func (r *Resolver) readHosts() []hostEntry {
	return hostsCache.get(r.HostsPath, r.HostsPath, r.parseHosts)
}

func (r *Resolver) parseHosts() []hostEntry {
	f, err := os.Open(r.HostsPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []hostEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			continue
		}
		a, err := netip.ParseAddr(fs[0])
		if err != nil {
			if b, ok := InetAton(fs[0], true); ok {
				a = netip.AddrFrom4(b)
			} else {
				continue
			}
		}
		out = append(out, hostEntry{addr: a.Unmap(), names: fs[1:]})
	}
	return out
}

// hostResult is what gethostbyname-style lookups return.
type hostResult struct {
	name    string
	aliases []string
	addrs   []netip.Addr
}

// hostsByName finds name in /etc/hosts: the first matching line of the
// family gives the canonical name and aliases; later matching lines add
// addresses ("multi on").
func (r *Resolver) hostsByName(name string, family int) *hostResult {
	var res *hostResult
	for _, e := range r.readHosts() {
		if !familyOK(e.addr, family) {
			continue
		}
		for _, n := range e.names {
			if strings.EqualFold(n, name) {
				if res == nil {
					res = &hostResult{name: e.names[0], aliases: append([]string(nil), e.names[1:]...)}
				}
				if !containsAddr(res.addrs, e.addr) {
					res.addrs = append(res.addrs, e.addr)
				}
				break
			}
		}
	}
	return res
}

// hostsByAddr finds the first line for addr.
func (r *Resolver) hostsByAddr(a netip.Addr) *hostResult {
	for _, e := range r.readHosts() {
		if e.addr == a {
			return &hostResult{name: e.names[0], aliases: append([]string(nil), e.names[1:]...), addrs: []netip.Addr{a}}
		}
	}
	return nil
}

func familyOK(a netip.Addr, family int) bool {
	switch family {
	case afInet:
		return a.Is4()
	case afInet6:
		return a.Is6()
	}
	return true
}

func containsAddr(list []netip.Addr, a netip.Addr) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}
