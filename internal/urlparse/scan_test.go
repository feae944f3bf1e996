package urlparse

import (
	"strings"
	"testing"
	"unsafe"
)

// hasTabOrNewline reads eight bytes at a time: a tab, CR or LF at every
// position of strings of every length up to three words must be found, and
// the other bytes below 0x0e (and bytes above 0x7f, which the word trick
// must not confuse with small ones) must not be.
func TestHasTabOrNewlineEveryPosition(t *testing.T) {
	for n := 0; n <= 24; n++ {
		for _, fill := range []byte{'a', 0x0b, 0x0c, 0x00, 0x0e, 0xff, 0x80} {
			base := strings.Repeat(string(fill), n)
			if hasTabOrNewline(base) {
				t.Fatalf("%q: found a tab or newline that is not there", base)
			}
			for i := 0; i < n; i++ {
				for _, c := range []byte{'\t', '\r', '\n'} {
					s := base[:i] + string(c) + base[i+1:]
					if !hasTabOrNewline(s) {
						t.Fatalf("%q: missed %q at %d", s, c, i)
					}
				}
			}
		}
	}
}

func TestHostnameCopiesOnlyWhatItLowers(t *testing.T) {
	for _, c := range [][2]string{
		{"user@host.example.com:80", "host.example.com"},
		{"User@HOST.Example.com:80", "host.example.com"},
		{"[FE80::1%ETH0]:80", "fe80::1%ETH0"},
		{"a:b@c:d@Host:1", "host"},
		{"x:[Y]:1", "y"},
		{"ÄB:1", "äb"},
	} {
		if got, ok := Hostname(c[0]); !ok || got != c[1] {
			t.Errorf("Hostname(%q) = %q, %v; want %q", c[0], got, ok, c[1])
		}
	}
	netloc := "user@host.example.com:80"
	h, _ := Hostname(netloc)
	if _, inside := offsetOf(netloc, h); !inside {
		t.Errorf("a lower-case hostname was copied instead of sliced from the netloc")
	}
}

// offsetOf reports whether s lies inside text's memory.
func offsetOf(text, s string) (int, bool) {
	base, at := uintptr(unsafe.Pointer(unsafe.StringData(text))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if at < base || at+uintptr(len(s)) > base+uintptr(len(text)) {
		return 0, false
	}
	return int(at - base), true
}
