package netinfo

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// iproute2 prints kernel numbers (flag bits, scopes, routing tables,
// route protocols) by name; these turn a number into its words.

// A flagWord is a kernel flags word that iproute2 prints by name.
type flagWord int

const (
	ifaceFlag   flagWord = iota // an interface's (IFF_*)
	addrFlag                    // an address's (IFA_F_*)
	nexthopFlag                 // a route's next hop's (RTNH_F_*)
)

// flagNames is iproute2's name for each bit it prints, each word's bits in
// its order.
var flagNames = []struct {
	word flagWord
	bit  uint32
	name string
}{
	{ifaceFlag, unix.IFF_LOOPBACK, "LOOPBACK"}, {ifaceFlag, unix.IFF_BROADCAST, "BROADCAST"},
	{ifaceFlag, unix.IFF_POINTOPOINT, "POINTOPOINT"}, {ifaceFlag, unix.IFF_MULTICAST, "MULTICAST"},
	{ifaceFlag, unix.IFF_NOARP, "NOARP"}, {ifaceFlag, unix.IFF_ALLMULTI, "ALLMULTI"},
	{ifaceFlag, unix.IFF_PROMISC, "PROMISC"}, {ifaceFlag, unix.IFF_MASTER, "MASTER"},
	{ifaceFlag, unix.IFF_SLAVE, "SLAVE"}, {ifaceFlag, unix.IFF_DEBUG, "DEBUG"},
	{ifaceFlag, unix.IFF_DYNAMIC, "DYNAMIC"}, {ifaceFlag, unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{ifaceFlag, unix.IFF_PORTSEL, "PORTSEL"}, {ifaceFlag, unix.IFF_NOTRAILERS, "NOTRAILERS"},
	{ifaceFlag, unix.IFF_UP, "UP"}, {ifaceFlag, unix.IFF_LOWER_UP, "LOWER_UP"},
	{ifaceFlag, unix.IFF_DORMANT, "DORMANT"}, {ifaceFlag, unix.IFF_ECHO, "ECHO"},
	{addrFlag, unix.IFA_F_NODAD, "nodad"}, {addrFlag, unix.IFA_F_OPTIMISTIC, "optimistic"},
	{addrFlag, unix.IFA_F_DADFAILED, "dadfailed"}, {addrFlag, unix.IFA_F_HOMEADDRESS, "home"},
	{addrFlag, unix.IFA_F_DEPRECATED, "deprecated"}, {addrFlag, unix.IFA_F_TENTATIVE, "tentative"},
	{addrFlag, unix.IFA_F_MANAGETEMPADDR, "mngtmpaddr"}, {addrFlag, unix.IFA_F_NOPREFIXROUTE, "noprefixroute"},
	{addrFlag, unix.IFA_F_MCAUTOJOIN, "autojoin"}, {addrFlag, unix.IFA_F_STABLE_PRIVACY, "stable-privacy"},
	{nexthopFlag, unix.RTNH_F_DEAD, "dead"}, {nexthopFlag, unix.RTNH_F_PERVASIVE, "pervasive"},
	{nexthopFlag, unix.RTNH_F_ONLINK, "onlink"}, {nexthopFlag, unix.RTNH_F_OFFLOAD, "offload"},
	{nexthopFlag, unix.RTNH_F_LINKDOWN, "linkdown"}, {nexthopFlag, unix.RTNH_F_UNRESOLVED, "unresolved"},
}

// appendFlagNames appends to flags the name of each bit of raw, a word
// of kind word, in iproute2's order.
func appendFlagNames(flags []string, word flagWord, raw uint32) []string {
	for _, f := range flagNames {
		if f.word == word && raw&f.bit != 0 {
			flags = append(flags, f.name)
		}
	}
	return flags
}

// nameOr is the name names gives v, or v as a number (as ip prints a
// value it has no name for).
func nameOr(names map[int]string, v int) string {
	if s, ok := names[v]; ok {
		return s
	}
	return fmt.Sprint(v)
}

// scopeNames is iproute2's rt_scopes table.
var scopeNames = map[int]string{
	unix.RT_SCOPE_UNIVERSE: "global", unix.RT_SCOPE_SITE: "site", unix.RT_SCOPE_LINK: "link",
	unix.RT_SCOPE_HOST: "host", unix.RT_SCOPE_NOWHERE: "nowhere",
}

// ScopeName is iproute2's name for an address or route scope.
func ScopeName(scope int) string { return nameOr(scopeNames, scope) }

// protocolNames is iproute2's rt_protos table.
var protocolNames = map[int]string{
	0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra",
	10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp",
	17: "keepalived", 18: "mrouted", 42: "babel", 99: "openr", 186: "bgp", 187: "isis",
	188: "ospf", 189: "rip", 192: "eigrp",
}

// tableNames is iproute2's rt_tables.
var tableNames = map[int]string{
	unix.RT_TABLE_MAIN: "main", unix.RT_TABLE_LOCAL: "local", unix.RT_TABLE_DEFAULT: "default",
}
