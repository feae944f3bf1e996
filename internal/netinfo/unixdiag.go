package netinfo

import (
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

const (
	unixDiagName  = 0 // UNIX_DIAG_NAME
	unixDiagPeer  = 2 // UNIX_DIAG_PEER
	unixDiagRQLen = 4 // UNIX_DIAG_RQLEN
	udiagShow     = 1<<unixDiagName | 1<<unixDiagPeer | 1<<unixDiagRQLen
)

var unixNetids = map[uint8]string{unix.SOCK_STREAM: "u_str", unix.SOCK_DGRAM: "u_dgr", unix.SOCK_SEQPACKET: "u_seq"}

// unixSockets appends every UNIX socket of this network namespace to out,
// retrying an interrupted dump from scratch.
func (s *sockDiag) unixSockets(out []Conn) ([]Conn, error) {
	body := make([]byte, 24) // struct unix_diag_req
	body[0] = unix.AF_UNIX
	ne := binary.NativeEndian
	ne.PutUint32(body[4:], ^uint32(0)) // every state
	ne.PutUint32(body[12:], udiagShow)
	start := len(out)
	return retryDump(func() ([]Conn, error) {
		out = out[:start]
		err := s.dump(sockDiagByFam, body, func(b []byte) {
			if c, ok := parseUnixDiag(b); ok {
				out = append(out, c)
			}
		})
		return out, err
	})
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
