package netinfo

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Interface is one network interface as `ip a` shows it.
type Interface struct {
	Index     int
	Name      string
	Flags     []string // as ip prints them: LOOPBACK, BROADCAST, MULTICAST, NOARP, UP, LOWER_UP, …
	MTU       int
	State     string // operational state: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, …
	LinkType  string // "loopback", "ether", "none", …
	MAC       string // "aa:bb:cc:dd:ee:ff"; "" when the link has none
	Broadcast string // link-layer broadcast address; "" when none
	Qlen      int
	Link      string // "if7" (a veth peer in another namespace) or a parent's name; "" when none
	Master    string // the bridge or bond it belongs to; "" when none
	Addrs     []Addr
}

// Addr is one address of an interface, as `ip a` shows it.
type Addr struct {
	Family       string       // "inet" or "inet6"
	Prefix       netip.Prefix // the address with its prefix length: 10.0.0.1/24
	Peer         netip.Prefix // point-to-point peer; invalid when none
	Broadcast    netip.Addr   // invalid when none
	Scope        string       // "global", "link", "host", "site", "nowhere" or a number
	Label        string       // IPv4 label ("eth0:1"); "" when none
	Flags        []string     // secondary/temporary, dynamic, noprefixroute, tentative, …
	ValidLft     uint32       // seconds; Forever when permanent
	PreferredLft uint32       // seconds; Forever when permanent
}

// Forever is the lifetime of an address that does not expire.
const Forever = ^uint32(0)

// ErrNoSuchInterface is returned for an interface name that does not exist.
var ErrNoSuchInterface = errors.New("no such interface")

// Interfaces lists every interface with its addresses, ordered by index.
func Interfaces() ([]Interface, error) {
	links, err := retryDump(netlink.LinkList)
	if err != nil {
		return nil, err
	}
	addrs, err := retryDump(func() ([]netlink.Addr, error) { return netlink.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return nil, err
	}
	names := map[int]string{}
	for _, l := range links {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	byIndex := map[int][]Addr{}
	for _, a := range addrs {
		byIndex[a.LinkIndex] = append(byIndex[a.LinkIndex], convertAddr(a))
	}
	out := make([]Interface, 0, len(links))
	for _, l := range links {
		ifc := convertLink(l.Attrs(), names)
		ifc.Addrs = sortAddrs(byIndex[ifc.Index])
		out = append(out, ifc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out, nil
}

// InterfaceByName returns one interface; ErrNoSuchInterface when it does not
// exist.
func InterfaceByName(name string) (Interface, error) {
	if name == "" || len(name) >= unix.IFNAMSIZ || strings.ContainsAny(name, "/ \x00") {
		return Interface{}, fmt.Errorf("%w: %q", ErrNoSuchInterface, name)
	}
	all, err := Interfaces()
	if err != nil {
		return Interface{}, err
	}
	for _, ifc := range all {
		if ifc.Name == name {
			return ifc, nil
		}
	}
	return Interface{}, fmt.Errorf("%w: %q", ErrNoSuchInterface, name)
}

// sortAddrs orders addresses as `ip a` does: IPv4 before IPv6, then in the
// kernel's order (primary before secondary).
func sortAddrs(a []Addr) []Addr {
	sort.SliceStable(a, func(i, j int) bool { return a[i].Family == "inet" && a[j].Family != "inet" })
	return a
}

func convertLink(a *netlink.LinkAttrs, names map[int]string) Interface {
	ifc := Interface{
		Index:    a.Index,
		Name:     a.Name,
		Flags:    linkFlags(a.RawFlags),
		MTU:      a.MTU,
		State:    strings.ToUpper(a.OperState.String()),
		LinkType: a.EncapType,
		Qlen:     a.TxQLen,
	}
	if ifc.LinkType == "" {
		ifc.LinkType = "none"
	}
	switch {
	case len(a.HardwareAddr) > 0:
		ifc.MAC = a.HardwareAddr.String()
		ifc.Broadcast = linkBroadcast(ifc.LinkType, len(a.HardwareAddr))
	case ifc.LinkType == "loopback": // netlink drops an all-zero address; ip shows it
		ifc.MAC = linkBroadcast(ifc.LinkType, 6)
		ifc.Broadcast = ifc.MAC
	}
	if a.ParentIndex != 0 {
		if name, ok := names[a.ParentIndex]; ok && a.NetNsID < 0 {
			ifc.Link = name
		} else {
			ifc.Link = fmt.Sprintf("if%d", a.ParentIndex)
		}
	}
	if a.MasterIndex != 0 {
		ifc.Master = names[a.MasterIndex]
	}
	return ifc
}

// linkBroadcast is the link-layer broadcast address: all ones on Ethernet,
// all zeros on loopback (what the kernel reports in IFLA_BROADCAST).
func linkBroadcast(linkType string, n int) string {
	b := byte(0xff)
	if linkType != "ether" {
		b = 0
	}
	hw := make(net.HardwareAddr, n)
	for i := range hw {
		hw[i] = b
	}
	return hw.String()
}

func linkFlags(raw uint32) []string {
	flags := []string{}
	if raw&unix.IFF_UP != 0 && raw&unix.IFF_RUNNING == 0 {
		flags = append(flags, "NO-CARRIER")
	}
	return appendFlagNames(flags, ifaceFlag, raw)
}

func convertAddr(a netlink.Addr) Addr {
	out := Addr{
		Family:       "inet",
		Scope:        ScopeName(a.Scope),
		Label:        a.Label,
		Flags:        addrFlags(a.Flags, a.IP.To4() == nil),
		ValidLft:     uint32(a.ValidLft),
		PreferredLft: uint32(a.PreferedLft),
	}
	if a.IP.To4() == nil {
		out.Family = "inet6"
		out.Label = ""
	}
	if a.IPNet != nil {
		out.Prefix = ipNetPrefix(a.IPNet)
	}
	if a.Peer != nil && !a.Peer.IP.Equal(a.IP) {
		out.Peer = ipNetPrefix(a.Peer)
	}
	if ip, ok := netip.AddrFromSlice(a.Broadcast); ok && a.Broadcast != nil {
		out.Broadcast = ip.Unmap()
	}
	return out
}

func ipNetPrefix(n *net.IPNet) netip.Prefix {
	ip, _ := netip.AddrFromSlice(n.IP)
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), ones)
}

func addrFlags(raw int, v6 bool) []string {
	flags := []string{}
	if raw&unix.IFA_F_SECONDARY != 0 {
		if v6 {
			flags = append(flags, "temporary")
		} else {
			flags = append(flags, "secondary")
		}
	}
	if raw&unix.IFA_F_PERMANENT == 0 {
		flags = append(flags, "dynamic")
	}
	return appendFlagNames(flags, addrFlag, uint32(raw))
}

// HasFlag reports whether flags holds name.
func HasFlag(flags []string, name string) bool { return slices.Contains(flags, name) }
