package netinfo

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Route is one routing table entry as `ip route` shows it.
type Route struct {
	Family   string       // "inet" or "inet6"
	Type     string       // "unicast", "local", "broadcast", "unreachable", …
	Dst      netip.Prefix // invalid for the default route
	Gateway  netip.Addr   // invalid when the destination is on the link
	Dev      string
	Src      netip.Addr // preferred source; invalid when none
	Metric   int
	Protocol string // "kernel", "boot", "static", "dhcp", "ra", …
	Scope    string // "global", "link", "host"
	Table    string // "main", "local" or a number
	Flags    []string
	// Cached is true for an answer of RouteTo (ip route get prints "cache").
	Cached bool
	UID    int // ip route get's uid; -1 when not reported
}

// Routes lists the main routing table, IPv4 then IPv6 (`ip route` and
// `ip -6 route`).
func Routes() ([]Route, error) {
	names, err := linkNames()
	if err != nil {
		return nil, err
	}
	var out []Route
	for _, fam := range []int{netlink.FAMILY_V4, netlink.FAMILY_V6} {
		rs, err := retryDump(func() ([]netlink.Route, error) {
			return netlink.RouteListFiltered(fam, &netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
		})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if fam == netlink.FAMILY_V6 && r.Type != unix.RTN_UNICAST && r.Type != unix.RTN_UNREACHABLE && r.Type != unix.RTN_BLACKHOLE && r.Type != unix.RTN_PROHIBIT {
				continue // ip -6 route hides multicast and other non-unicast entries of the main table
			}
			out = append(out, convertRoute(r, names))
		}
	}
	return out, nil
}

// ErrBadAddress is returned by RouteTo for a string that is not an IP
// address.
var ErrBadAddress = errors.New("not an IP address")

// RouteTo asks the kernel which route a packet to addr would take
// (`ip route get`).
func RouteTo(addr netip.Addr) (Route, error) {
	if !addr.IsValid() {
		return Route{}, ErrBadAddress
	}
	names, err := linkNames()
	if err != nil {
		return Route{}, err
	}
	rs, err := netlink.RouteGet(net.IP(addr.Unmap().AsSlice()))
	if err != nil {
		return Route{}, err
	}
	if len(rs) == 0 {
		return Route{}, unix.ENETUNREACH
	}
	r := convertRoute(rs[0], names)
	if !r.Dst.IsValid() {
		r.Dst = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
	}
	r.Cached = true
	return r, nil
}

func linkNames() (map[int]string, error) {
	links, err := retryDump(netlink.LinkList)
	if err != nil {
		return nil, err
	}
	names := make(map[int]string, len(links))
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	return names, nil
}

func convertRoute(r netlink.Route, names map[int]string) Route {
	out := Route{
		Family:   "inet",
		Type:     routeType(r.Type),
		Dev:      names[r.LinkIndex],
		Metric:   r.Priority,
		Protocol: nameOr(protocolNames, int(r.Protocol)),
		Scope:    ScopeName(int(r.Scope)),
		Table:    nameOr(tableNames, r.Table),
		Flags:    routeFlags(r.Flags),
		UID:      -1,
	}
	if r.Family == netlink.FAMILY_V6 {
		out.Family = "inet6"
	}
	if r.Dst != nil {
		out.Dst = ipNetPrefix(r.Dst)
		if out.Dst.Bits() == 0 {
			out.Dst = netip.Prefix{} // 0.0.0.0/0 and ::/0 are "default"
		}
	}
	if ip, ok := netip.AddrFromSlice(r.Gw); ok {
		out.Gateway = ip.Unmap()
	}
	if ip, ok := netip.AddrFromSlice(r.Src); ok {
		out.Src = ip.Unmap()
	}
	return out
}

var routeTypes = map[int]string{
	unix.RTN_UNSPEC: "none", unix.RTN_UNICAST: "unicast", unix.RTN_LOCAL: "local",
	unix.RTN_BROADCAST: "broadcast", unix.RTN_ANYCAST: "anycast", unix.RTN_MULTICAST: "multicast",
	unix.RTN_BLACKHOLE: "blackhole", unix.RTN_UNREACHABLE: "unreachable", unix.RTN_PROHIBIT: "prohibit",
	unix.RTN_THROW: "throw", unix.RTN_NAT: "nat", unix.RTN_XRESOLVE: "xresolve",
}

func routeType(t int) string {
	if s, ok := routeTypes[t]; ok {
		return s
	}
	return fmt.Sprint(t)
}

func routeFlags(f int) []string { return appendFlagNames([]string{}, nexthopFlag, uint32(f)) }

// DstString is the destination as ip prints it: "default", a prefix, or a
// bare address for a host route.
func (r Route) DstString() string {
	if !r.Dst.IsValid() {
		return "default"
	}
	if r.Dst.Bits() == r.Dst.Addr().BitLen() {
		return r.Dst.Addr().String()
	}
	return r.Dst.String()
}

// String prints the route as `ip route` (or, for RouteTo's answer,
// `ip route get`) prints it.
func (r Route) String() string {
	var b strings.Builder
	if r.Type != "unicast" {
		b.WriteString(r.Type + " ")
	}
	b.WriteString(r.DstString())
	if r.Gateway.IsValid() {
		fmt.Fprintf(&b, " via %s", r.Gateway)
	}
	if r.Dev != "" {
		fmt.Fprintf(&b, " dev %s", r.Dev)
	}
	if r.Cached {
		if r.Table != "main" && r.Table != "local" {
			fmt.Fprintf(&b, " table %s", r.Table)
		}
		if r.Src.IsValid() {
			fmt.Fprintf(&b, " src %s", r.Src)
		}
		return b.String()
	}
	if r.Protocol != "boot" && r.Protocol != "unspec" {
		fmt.Fprintf(&b, " proto %s", r.Protocol)
	}
	if r.Scope != "global" {
		fmt.Fprintf(&b, " scope %s", r.Scope)
	}
	if r.Src.IsValid() {
		fmt.Fprintf(&b, " src %s", r.Src)
	}
	if r.Metric != 0 {
		fmt.Fprintf(&b, " metric %d", r.Metric)
	}
	for _, f := range r.Flags {
		b.WriteString(" " + f)
	}
	if r.Family == "inet6" {
		b.WriteString(" pref medium") // rtnetlink's RTA_PREF is not decoded; medium is the kernel's default
	}
	return b.String()
}

// FormatRoutes prints routes one per line, as `ip route; ip -6 route` do.
func FormatRoutes(rs []Route) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.String() + "\n")
	}
	return b.String()
}
