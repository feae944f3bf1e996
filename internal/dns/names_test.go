package dns

import (
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	long63 := strings.Repeat("a", 63)
	cases := []struct{ in, want, err string }{
		{"www.lab.test", "www.lab.test.", ""},
		{"www.lab.test.", "www.lab.test.", ""},
		{".", ".", ""},
		{long63 + ".test", long63 + ".test.", ""},
		{"", "", "empty name"},
		{"a..b", "", "empty label"},
		{strings.Repeat("a", 64) + ".test", "", "is 64 bytes long (at most 63)"},
		{strings.Repeat(long63+".", 4) + "x", "", "on the wire (at most 255)"},
		{strings.Repeat("a\\", 200), "", "not a valid domain name"},
	}
	for _, c := range cases {
		got, err := CheckName(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("CheckName(%.20q) = %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("CheckName(%.20q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseTypeAndServer(t *testing.T) {
	for in, want := range map[string]uint16{"A": 1, "mx": 15, "TYPE65": 65, "257": 257, "caa": 257, "any": 255} {
		if got, err := ParseType(in); err != nil || got != want {
			t.Errorf("ParseType(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"FOO", "", "TYPE", "70000", "TYPE-1"} {
		if _, err := ParseType(bad); err == nil || !strings.Contains(err.Error(), "unknown DNS record type") {
			t.Errorf("ParseType(%q): %v", bad, err)
		}
	}
	for in, want := range map[string]string{"127.0.0.1": "127.0.0.1:53", "127.0.0.1:5353": "127.0.0.1:5353", "::1": "[::1]:53", "[::1]:5353": "[::1]:5353"} {
		if got, err := ParseServer(in); err != nil || got != want {
			t.Errorf("ParseServer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"127.0.0.1:70000", "127.0.0.1:0", "127.0.0.1:x", ":53", "[::1", "[::1]x"} {
		if _, err := ParseServer(bad); err == nil {
			t.Errorf("ParseServer(%q) accepted", bad)
		}
	}
}
