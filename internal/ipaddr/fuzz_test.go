package ipaddr

import (
	"encoding/json"
	"math/big"
	"net/netip"
	"strings"
	"testing"

	"socklab/internal/pyoracle"
)

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// FuzzParse feeds the parsers arbitrary text: they never panic or hang,
// what they accept prints back to itself, IPv4 and unscoped IPv6 agree with
// net/netip, and printable ASCII input is compared with Python itself
// (every attribute, or the error message) when /usr/bin/python3 is there.
func FuzzParse(f *testing.F) {
	for _, s := range append(append([]string{}, trickyAddrs...), trickyNets...) {
		f.Add(s, true)
	}
	f.Add("1.2.3.4/24", false)
	f.Add("::ffff:1.2.3.4/120", false)
	oracle := pyoracle.Start(f, "testdata/oracle.py")
	f.Cleanup(oracle.Close)
	f.Fuzz(func(t *testing.T, s string, strict bool) {
		a, err := ParseAddr(s)
		if err == nil {
			if b, err := ParseAddr(a.String()); err != nil || !b.Equal(a) {
				t.Fatalf("%q → %s does not parse back (%v)", s, a, err)
			}
			if _, err := a.Add(big.NewInt(1)); err != nil && a.Int().Cmp(ones(a.MaxPrefixlen()).big()) != 0 {
				t.Fatalf("%s + 1: %v", a, err)
			}
			_ = a.Explain()
		}
		if !strings.Contains(s, "%") {
			n, nerr := netip.ParseAddr(s)
			if (err == nil) != (nerr == nil) || (err == nil && n.Unmap() != a.Netip().Unmap()) {
				t.Fatalf("%q: socklab %v %v, netip %v %v", s, a, err, n, nerr)
			}
		}
		nw, err := ParseNetwork(s, strict)
		if err == nil {
			back, err := ParseNetwork(nw.String(), true)
			if err != nil || !back.Equal(nw) {
				t.Fatalf("%q → %s does not parse back (%v)", s, nw, err)
			}
			take(nw.Hosts(), 3)
			if it, err := nw.Subnets(2, -1, true); err == nil {
				take(it, 3)
			}
			_, _ = nw.Supernet(1, -1, true)
			_ = nw.IsPrivate()
		}
		if i, err := ParseInterface(s); err == nil {
			_ = i.Network().String() + i.WithNetmask() + i.Exploded()
		}
		if oracle != nil && isPrintableASCII(s) && len(s) < 200 {
			st := strict
			for _, r := range []request{{Kind: "ip_address", Text: s}, {Kind: "ip_network", Text: s, Strict: &st}, {Kind: "ip_interface", Text: s}} {
				var want any
				if err := json.Unmarshal(oracle.Ask(t, r), &want); err != nil {
					t.Fatal(err)
				}
				if got, w := pyoracle.Canonical(t, describe(r)), pyoracle.Canonical(t, want); got != w {
					t.Fatalf("%s %q strict=%v:%s", r.Kind, s, strict, fieldDiff(got, w))
				}
			}
		}
	})
}
