package netinfo

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Conn is one open socket as `ss -tuxanp` shows it.
type Conn struct {
	Netid   string // ss's column: "tcp", "udp", "u_str", "u_dgr", "u_seq"
	Family  string // "inet", "inet6" or "unix"
	State   string // ss's names: LISTEN, ESTAB, UNCONN, TIME-WAIT, SYN-SENT, …
	RecvQ   int
	SendQ   int
	Local   netip.AddrPort // inet sockets
	Remote  netip.AddrPort // inet sockets; 0.0.0.0:0 or [::]:0 when unconnected
	Path    string         // UNIX sockets: the bound name ("@name" when abstract); "" when unbound
	Peer    uint32         // UNIX sockets: the peer's inode; 0 when none
	UID     int            // -1 for UNIX sockets (sock_diag does not report it)
	Inode   uint32
	PID     int    // the owning process; 0 when unknown (another user's, without root)
	FD      int    // the descriptor number in PID; -1 when unknown
	Program string // the owner's comm; "" when unknown
}

// Filter selects sockets. Zero fields select everything.
type Filter struct {
	Protos []string // any of "tcp", "udp", "unix"; empty: all three
	Family string   // "inet" or "inet6" (inet sockets only); "": both
	State  string   // one of States (ss's names)
	Port   int      // local or remote port; 0: any
	PID    int      // owning process; 0: any
	NoPIDs bool     // skip the /proc walk (faster; PID, FD and Program stay empty)
}

// States are the state names a Filter accepts, as ss prints them.
var States = []string{"ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT",
	"UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"}

// tcpStates indexes the kernel's TCP_* states (1…11) to ss's names; UDP and
// UNIX sockets share them (TCP_CLOSE is an unconnected socket: UNCONN).
var tcpStates = [...]string{"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
	"TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING"}

func stateName(s uint8) string {
	if int(s) < len(tcpStates) {
		return tcpStates[s]
	}
	return fmt.Sprint(s)
}

// ErrBadFilter reports a filter that names no protocol or state socklab
// knows.
var ErrBadFilter = errors.New("bad filter")

// Check validates the filter's words.
func (f Filter) Check() error {
	for _, p := range f.Protos {
		if p != "tcp" && p != "udp" && p != "unix" {
			return fmt.Errorf("%w: proto %q (expected tcp, udp or unix)", ErrBadFilter, p)
		}
	}
	if f.Family != "" && f.Family != "inet" && f.Family != "inet6" {
		return fmt.Errorf("%w: family %q (expected inet or inet6)", ErrBadFilter, f.Family)
	}
	if f.State != "" && !HasFlag(States, f.State) {
		return fmt.Errorf("%w: state %q (expected one of %s)", ErrBadFilter, f.State, strings.Join(States, ", "))
	}
	if f.Port < 0 || f.Port > 65535 {
		return fmt.Errorf("%w: port %d (expected 1-65535)", ErrBadFilter, f.Port)
	}
	if f.PID < 0 {
		return fmt.Errorf("%w: pid %d", ErrBadFilter, f.PID)
	}
	return nil
}

func (f Filter) wants(proto string) bool {
	return len(f.Protos) == 0 || HasFlag(f.Protos, proto)
}

func (f Filter) keep(c *Conn) bool {
	if f.State != "" && c.State != f.State {
		return false
	}
	if f.Port != 0 && (c.Family == "unix" || (int(c.Local.Port()) != f.Port && int(c.Remote.Port()) != f.Port)) {
		return false
	}
	if f.Family != "" && c.Family != f.Family {
		return false
	}
	return f.PID == 0 || c.PID == f.PID
}

// Connections lists the sockets f selects: TCP, then UDP (IPv4 before
// IPv6), then UNIX, each in the kernel's order.
func Connections(f Filter) ([]Conn, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	var out []Conn
	for _, proto := range []string{"tcp", "udp"} {
		if !f.wants(proto) {
			continue
		}
		for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
			if (f.Family == "inet" && fam != unix.AF_INET) || (f.Family == "inet6" && fam != unix.AF_INET6) {
				continue
			}
			dump := netlink.SocketDiagTCP
			if proto == "udp" {
				dump = netlink.SocketDiagUDP
			}
			socks, err := retryDump(func() ([]*netlink.Socket, error) { return dump(fam) })
			if err != nil {
				return nil, err
			}
			for _, s := range socks {
				out = append(out, inetConn(proto, s))
			}
		}
	}
	if f.wants("unix") && f.Family == "" {
		socks, err := unixSockets()
		if err != nil {
			return nil, err
		}
		out = append(out, socks...)
	}
	if !f.NoPIDs {
		owners := socketOwners(f.PID)
		for i := range out {
			if o, ok := owners[out[i].Inode]; ok {
				out[i].PID, out[i].FD, out[i].Program = o.pid, o.fd, o.program
			}
		}
	}
	kept := out[:0]
	for i := range out {
		if f.keep(&out[i]) {
			kept = append(kept, out[i])
		}
	}
	return kept, nil
}

func inetConn(proto string, s *netlink.Socket) Conn {
	c := Conn{
		Netid: proto, Family: "inet", State: stateName(s.State),
		RecvQ: int(s.RQueue), SendQ: int(s.WQueue),
		UID: int(s.UID), Inode: s.INode, FD: -1,
	}
	if s.Family == unix.AF_INET6 {
		c.Family = "inet6"
	}
	c.Local = netip.AddrPortFrom(diagAddr(s.ID.Source, s.Family), s.ID.SourcePort)
	c.Remote = netip.AddrPortFrom(diagAddr(s.ID.Destination, s.Family), s.ID.DestinationPort)
	return c
}

func diagAddr(ip []byte, family uint8) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	if family == unix.AF_INET {
		return a.Unmap()
	}
	return a
}
