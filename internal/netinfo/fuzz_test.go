package netinfo

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseUnixDiag feeds arbitrary kernel answers to the UNIX sock_diag
// parser: it must never panic, and a name never keeps a NUL.
func FuzzParseUnixDiag(f *testing.F) {
	msg := make([]byte, 16)
	msg[0], msg[1], msg[2] = 1, 1, 10
	name := []byte{12, 0, 0, 0, '/', 't', 'm', 'p', '/', 'x', 0, 0}
	binary.NativeEndian.PutUint16(name, 11)
	f.Add(append(msg, name...))
	f.Add(append(msg, 8, 0, 2, 0, 1, 2, 3, 4))
	f.Add(append(msg, 12, 0, 4, 0, 1, 0, 0, 0, 2, 0, 0, 0))
	f.Add(append(msg, 5, 0, 0, 0, 0, 'a', 0, 0))
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, ok := parseUnixDiag(b)
		if ok && c.Family != "unix" {
			t.Fatalf("family %q", c.Family)
		}
		for i := 0; i < len(c.Path); i++ {
			if c.Path[i] == 0 {
				t.Fatalf("NUL in path %q", c.Path)
			}
		}
	})
}

// FuzzParseInetDiag feeds arbitrary kernel answers to the inet sock_diag
// parsers (the message walk, then each inet_diag_msg): never a panic, and
// a socket read is always inet or inet6 with a known state name.
func FuzzParseInetDiag(f *testing.F) {
	msg := make([]byte, nlmsgHdrLen+inetDiagMsgLen)
	binary.NativeEndian.PutUint32(msg, uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:], sockDiagByFam)
	body := msg[nlmsgHdrLen:]
	body[0], body[1] = 2, 10
	copy(body[8:], []byte{127, 0, 0, 1})
	f.Add(msg)
	six := append([]byte(nil), msg...)
	six[nlmsgHdrLen] = 10
	f.Add(append(six, msg...))
	f.Add(msg[:20])
	f.Add([]byte{255, 255, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = walkNetlink(b, func(typ, flags uint16, seq uint32, data []byte) bool {
			if c, ok := parseInetDiag("tcp", data); ok {
				if c.Family != "inet" && c.Family != "inet6" {
					t.Fatalf("family %q", c.Family)
				}
				if c.State == "" || c.FD != -1 {
					t.Fatalf("state %q fd %d", c.State, c.FD)
				}
			}
			return true
		})
	})
}

// FuzzDirentNames feeds arbitrary getdents answers to the /proc/PID/fd
// reader: every name offset is inside the buffer.
func FuzzDirentNames(f *testing.F) {
	rec := func(name string) []byte {
		r := make([]byte, (19+len(name)+1+7)&^7)
		binary.NativeEndian.PutUint16(r[16:], uint16(len(r)))
		copy(r[19:], name)
		return r
	}
	f.Add(append(append(rec("."), rec("..")...), rec("12")...))
	f.Add(rec("0"))
	f.Add([]byte{0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, at := range direntNames(nil, b, 0) {
			if at < 0 || int(at) >= len(b) {
				t.Fatalf("name at %d outside %d bytes", at, len(b))
			}
			_ = atoiNUL(b[at:])
		}
	})
}

// FuzzSocketInode: a link is read as a socket only when it is exactly
// "socket:[N]" with N a 32-bit number.
func FuzzSocketInode(f *testing.F) {
	for _, s := range []string{"socket:[12345]", "socket:[]", "pipe:[1]", "socket:[99999999999]", "socket:[1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		inode, ok := socketInode([]byte(s))
		if !ok {
			return
		}
		mid, found := strings.CutPrefix(s, "socket:[")
		mid, closed := strings.CutSuffix(mid, "]")
		v, err := strconv.ParseUint(mid, 10, 32)
		if !found || !closed || err != nil || uint32(v) != inode {
			t.Fatalf("%q read as inode %d", s, inode)
		}
	})
}
