package netinfo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// UNIX sockets are listed with a sock_diag dump of our own: netlink v1.3.1's
// UnixSocketDiagInfo stops at the first message it cannot use and slices
// UNIX_DIAG_NAME past its end, so it misses sockets and garbles names.

const (
	unixDiagName  = 0 // UNIX_DIAG_NAME
	unixDiagPeer  = 2 // UNIX_DIAG_PEER
	unixDiagRQLen = 4 // UNIX_DIAG_RQLEN
	udiagShow     = 1<<unixDiagName | 1<<unixDiagPeer | 1<<unixDiagRQLen
	sockDiagByFam = 20 // SOCK_DIAG_BY_FAMILY
)

var unixNetids = map[uint8]string{unix.SOCK_STREAM: "u_str", unix.SOCK_DGRAM: "u_dgr", unix.SOCK_SEQPACKET: "u_seq"}

func unixSockets() ([]Conn, error) {
	return retryDump(unixDump)
}

// unixDump asks the kernel for every UNIX socket of this network namespace.
// It returns netlink.ErrDumpInterrupted (with what it read) when the kernel
// flags the dump as inconsistent.
func unixDump() ([]Conn, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}
	defer unix.Close(fd)
	req := make([]byte, 16+24)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], sockDiagByFam)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], 1) // sequence
	req[16] = unix.AF_UNIX
	ne.PutUint32(req[20:], ^uint32(0)) // every state
	ne.PutUint32(req[28:], udiagShow)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, fmt.Errorf("sock_diag: %w", err)
	}
	var out []Conn
	var interrupted bool
	buf := make([]byte, 1<<16)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sock_diag: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return nil, fmt.Errorf("sock_diag: %w", err)
		}
		for _, m := range msgs {
			if m.Header.Flags&unix.NLM_F_DUMP_INTR != 0 {
				interrupted = true
			}
			switch m.Header.Type {
			case unix.NLMSG_DONE:
				if interrupted {
					return out, netlink.ErrDumpInterrupted
				}
				return out, nil
			case unix.NLMSG_ERROR:
				if len(m.Data) >= 4 {
					if code := int32(ne.Uint32(m.Data)); code != 0 {
						return nil, fmt.Errorf("sock_diag: %w", unix.Errno(-code))
					}
				}
				continue
			}
			if c, ok := parseUnixDiag(m.Data); ok {
				out = append(out, c)
			}
		}
	}
}

// parseUnixDiag reads one unix_diag_msg and its attributes.
func parseUnixDiag(b []byte) (Conn, bool) {
	if len(b) < 16 || b[0] != unix.AF_UNIX {
		return Conn{}, false
	}
	ne := binary.NativeEndian
	c := Conn{Netid: unixNetids[b[1]], Family: "unix", State: stateName(b[2]), UID: -1, Inode: ne.Uint32(b[4:]), FD: -1}
	if c.Netid == "" {
		c.Netid = fmt.Sprintf("u_%d", b[1])
	}
	for attrs := b[16:]; len(attrs) >= 4; {
		l, typ := int(ne.Uint16(attrs)), ne.Uint16(attrs[2:])
		if l < 4 || l > len(attrs) {
			break
		}
		v := attrs[4:l]
		switch typ {
		case unixDiagName:
			c.Path = unixName(v)
		case unixDiagPeer:
			if len(v) >= 4 {
				c.Peer = ne.Uint32(v)
			}
		case unixDiagRQLen:
			if len(v) >= 8 {
				c.RecvQ, c.SendQ = int(ne.Uint32(v)), int(ne.Uint32(v[4:]))
			}
		}
		next := (l + 3) &^ 3
		if next > len(attrs) {
			break
		}
		attrs = attrs[next:]
	}
	return c, true
}

// unixName turns the kernel's sun_path into what ss prints: a path, or
// "@name" for the abstract namespace (a leading NUL; further NULs as @).
func unixName(raw []byte) string {
	if len(raw) > 0 && raw[0] == 0 {
		return "@" + strings.ReplaceAll(string(raw[1:]), "\x00", "@")
	}
	s := string(raw)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}
