package netinfo

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
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
// IPv6), then UNIX, each in the kernel's order. The owners are looked up in
// /proc while the kernel's socket tables are read: the two are independent,
// so the calling goroutine reads the tables while the others begin the walk,
// then joins them.
func Connections(f Filter) ([]Conn, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	var walk *fdWalk
	if !f.NoPIDs {
		walk = startFDWalk(f.PID, fdWalkers()-1)
	}
	out, err := dumpSockets(f)
	var holders *owners
	if walk != nil {
		holders = walk.finish()
	}
	if err != nil {
		return nil, err
	}
	n := 0
	for i := range out {
		c := &out[i]
		if holders != nil {
			if pid, fd, program, ok := holders.owner(c.Inode); ok {
				c.PID, c.FD, c.Program = pid, fd, program
			}
		}
		if f.keep(c) {
			if n != i {
				out[n] = *c
			}
			n++
		}
	}
	return out[:n], nil
}

// dumpSockets reads the kernel's tables of the protocols and families f
// wants.
func dumpSockets(f Filter) ([]Conn, error) {
	diag, err := openSockDiag()
	if err != nil {
		return nil, err
	}
	defer diag.close()
	out := make([]Conn, 0, socketCountHint())
	for _, proto := range []string{"tcp", "udp"} {
		if f.wants(proto) {
			if out, err = diag.inetSockets(out, proto, f.Family); err != nil {
				return nil, err
			}
		}
	}
	if f.wants("unix") && f.Family == "" {
		if out, err = diag.unixSockets(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// socketCountHint is about how many sockets this network namespace has
// (/proc/net/sockstat: sockets in use plus TCP's TIME-WAIT ones), so that
// the listing is allocated once: growing a slice of 10,000 Conns by
// doubling cost more than parsing them.
func socketCountHint() int {
	b, err := os.ReadFile("/proc/net/sockstat")
	if err != nil {
		return 0
	}
	n := 0
	for _, key := range []string{"sockets: used ", " tw "} {
		if _, rest, ok := bytes.Cut(b, []byte(key)); ok {
			end := bytes.IndexAny(rest, " \n")
			if end < 0 {
				end = len(rest)
			}
			v, _ := strconv.Atoi(string(rest[:end]))
			n += v
		}
	}
	return min(n+16, 1<<20)
}
