package netinfo

import (
	"fmt"
	"strings"
)

// String prints the interface as `ip a` prints one (without the qdisc,
// which rtnetlink reports only through the traffic-control tables).
func (ifc Interface) String() string {
	var b strings.Builder
	name := ifc.Name
	if ifc.Link != "" {
		name += "@" + ifc.Link
	}
	fmt.Fprintf(&b, "%d: %s: <%s> mtu %d", ifc.Index, name, strings.Join(ifc.Flags, ","), ifc.MTU)
	if ifc.Master != "" {
		fmt.Fprintf(&b, " master %s", ifc.Master)
	}
	fmt.Fprintf(&b, " state %s qlen %d\n", ifc.State, ifc.Qlen)
	fmt.Fprintf(&b, "    link/%s", ifc.LinkType)
	if ifc.MAC != "" {
		fmt.Fprintf(&b, " %s brd %s", ifc.MAC, ifc.Broadcast)
	}
	b.WriteString("\n")
	for _, a := range ifc.Addrs {
		b.WriteString(a.line(ifc.Name))
	}
	return b.String()
}

// line is the address's two lines under its interface in `ip a`.
func (a Addr) line(dev string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "    %s %s", a.Family, a.Prefix)
	if a.Peer.IsValid() {
		fmt.Fprintf(&b, " peer %s", a.Peer)
	}
	if a.Broadcast.IsValid() {
		fmt.Fprintf(&b, " brd %s", a.Broadcast)
	}
	fmt.Fprintf(&b, " scope %s ", a.Scope)
	for _, f := range a.Flags {
		b.WriteString(f + " ")
	}
	if a.Family == "inet" {
		label := a.Label
		if label == "" {
			label = dev
		}
		b.WriteString(label)
	}
	fmt.Fprintf(&b, "\n       valid_lft %s preferred_lft %s\n", lifetime(a.ValidLft), lifetime(a.PreferredLft))
	return b.String()
}

// String is the address's lines as `ip a` prints them.
func (a Addr) String() string { return a.line("") }

func lifetime(s uint32) string {
	if s == Forever {
		return "forever"
	}
	return fmt.Sprintf("%dsec", s)
}

// FormatInterfaces prints a list as `ip a` does.
func FormatInterfaces(list []Interface) string {
	var b strings.Builder
	for _, ifc := range list {
		b.WriteString(ifc.String())
	}
	return b.String()
}
