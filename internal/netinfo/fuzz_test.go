package netinfo

import (
	"encoding/binary"
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
