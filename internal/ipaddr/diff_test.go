package ipaddr

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"socklab/internal/pyoracle"
)

// extraRanges are registry ranges that decide nothing in the tables but
// whose edges are worth probing (older or newer registry entries).
var extraRanges = []string{
	"192.88.99.0/24", "192.0.0.8/32", "192.0.0.171/32", "192.31.196.0/24", "192.52.193.0/24",
	"192.175.48.0/24", "3fff::/20", "5f00::/16", "2001:2::/48", "64:ff9b::/96", "2620:4f:8000::/48",
	"2001:10::/28", "fec0::/10", "::/96", "::ffff:0.0.0.0/96", "ff02::/16", "224.0.0.0/24",
}

func allTableNets() []Network {
	var out []Network
	for _, list := range [][]special{private4, privateExceptions4, shared4, multicast4,
		private6, privateExceptions6, multicast6} {
		for _, s := range list {
			out = append(out, s.net)
		}
	}
	out = append(out, loopback4, linkLocal4, reserved4, linkLocal6, siteLocal6)
	out = append(out, reserved6...)
	for _, s := range extraRanges {
		out = append(out, mustNet(s))
	}
	return out
}

func randAddr(r *rand.Rand, version int) Addr {
	if version == 4 {
		return fromU128(4, u128{0, uint64(r.Uint32())}, "")
	}
	return fromU128(6, u128{r.Uint64(), r.Uint64()}, "")
}

// trickyAddrs are parser edge cases: the issue's, libraries.md's, and the
// places Go's netip and Python disagree.
var trickyAddrs = []string{
	"192.168.0.104", "18.25.15.99", "192.168.1.7", "127.0.0.1", "300.1.1.1", "not-an-ip", "",
	"01.2.3.4", "1.2.3.04", "1.2.3.0004", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
	"1.2.3.256", "1.2.3.-1", "1.2.3.+1", "0x1.2.3.4", "1.2.3.4/8", "١.2.3.4", "1.2.3.4\n",
	"::", "::1", "::ffff:1.2.3.4", "::ffff:01.2.3.4", "fe80::1%eth0", "fe80::1%", "fe80::1%a%b",
	"fe80::1%25eth0", "1::2::3", ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "1:2:3:4:5:6:7:8:9",
	"1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1:2:3:4:5:6::7:8", "1:2:3:4:5:6:7:8", "12345::",
	"g::", "::1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", ":::",
	"1:", ":1", "[::1]", "::FFFF:1.2.3.4", "2001:db8::1", "2002:c000:0204::1",
	"2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.0.8", "2001:1::1", "2002::1", "64:ff9b:1::1",
	"100.64.0.1", "100.127.255.255", "192.0.0.9", "192.0.0.10", "192.0.0.170", "192.0.0.171",
	"255.255.255.255", "0.0.0.0", "::ffff:10.0.0.1", "::ffff:100.64.0.1", "::ffff:8.8.8.8",
	"fec0::1", "ff02::1", "1:2:3:4:5:6:7:8%x", "a:b", "1.2.3.4%eth0", "::%eth0",
	"1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
}

var trickyNets = []string{
	"10.0.0.0/8", "10.0.0.1/8", "10.0.0.0/255.0.0.0", "10.0.0.0/0.255.255.255", "10.0.0.0/255.0.255.0",
	"10.0.0.0/33", "10.0.0.1/33", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/ 8", "10.0.0.0/8/8",
	"10.0.0.0/", "/8", "10.0.0.0/0.0.0.0", "10.0.0.0/255.255.255.255", "0.0.0.0/0", "::/0",
	"::/128", "::/129", "fe80::%eth0/64", "fe80::1%eth0/64", "fe80::/ffff::", "2001:db8::/32",
	"2001:db8::1/32", "1.2.3.4/255.255.255.254", "1.2.3.4/31", "1.2.3.4/32", "::1/127", "::/127",
	"10.0.0.0/+8", "10.0.0.0/8 ", "10.0.0.0/010", "255.255.255.255/32", "100.64.0.0/10",
	"100.64.0.0/9", "192.0.0.0/29", "192.0.0.8/30", "2001::/23", "2001::/22", "::ffff:0:0/96",
	"1.2.3.0/255.255.255.0", "1.2.3.0/0.0.0.255", "1.2.3.0/24.0", "1.2.3.0/1e1",
}

func buildRequests() []request {
	r := rand.New(rand.NewPCG(11, 2026))
	no := false
	var reqs []request
	addA := func(kind, s string) { reqs = append(reqs, request{Kind: kind, Text: s}) }
	addN := func(kind, s string, strict bool) {
		st := strict
		reqs = append(reqs, request{Kind: kind, Text: s, Strict: &st})
	}
	for _, s := range trickyAddrs {
		addA("ip_address", s)
		addA("IPv4Address", s)
		addA("IPv6Address", s)
		addN("ip_network", s, true)
		reqs = append(reqs, request{Kind: "ip_interface", Text: s})
	}
	for _, s := range trickyNets {
		addN("ip_network", s, true)
		addN("ip_network", s, false)
		addN("IPv4Network", s, true)
		addN("IPv6Network", s, false)
		reqs = append(reqs, request{Kind: "ip_interface", Text: s})
	}
	// both sides of every special-purpose boundary
	for _, n := range allTableNets() {
		first, last := n.addr.u128(), n.BroadcastAddress().u128()
		v := n.Version()
		for _, x := range []u128{first.sub1(), first, last, func() u128 { y, _ := last.add(u128{0, 1}); return y }()} {
			if v == 4 {
				x.lo &= 0xffffffff
				x.hi = 0
			}
			a := fromU128(v, x, "")
			addA("ip_address", a.String())
			reqs = append(reqs, request{Kind: "ip_interface", Text: a.String() + "/" + fmt.Sprint(max(n.prefix-1, 0))})
		}
		addN("ip_network", n.String(), true)
		if n.prefix > 0 {
			sup, _ := n.Supernet(1, -1, false)
			addN("ip_network", sup.String(), true)
		}
		if n.prefix < n.MaxPrefixlen() {
			it, _ := n.Subnets(1, -1, false)
			s, _ := it.NextNetwork()
			addN("ip_network", s.String(), true)
		}
	}
	for i := 0; i < 400; i++ {
		v := 4
		if i%3 == 0 {
			v = 6
		}
		a := randAddr(r, v)
		if v == 6 && i%2 == 0 { // near interesting prefixes
			prefixes := []string{"::ffff:0:0/96", "2002::/16", "2001::/32", "64:ff9b::/96", "fe80::/10", "2001:db8::/32"}
			p := mustNet(prefixes[r.IntN(len(prefixes))])
			a = fromU128(6, p.addr.u128().or(a.u128().and(p.hostmaskInt())), "")
		}
		addA("ip_address", a.String())
		if i%5 == 0 {
			addA("ip_address", a.Exploded())
		}
		prefix := r.IntN(a.MaxPrefixlen() + 1)
		addN("ip_network", fmt.Sprintf("%s/%d", a, prefix), i%2 == 0)
		reqs = append(reqs, request{Kind: "ip_interface", Text: fmt.Sprintf("%s/%d", a, prefix)})
		if v == 4 {
			m := fromU128(4, mask(4, prefix), "")
			h := fromU128(4, ones(32-prefix), "")
			addN("ip_network", fmt.Sprintf("%s/%s", a, m), false)
			addN("ip_network", fmt.Sprintf("%s/%s", a, h), false)
		}
		reqs = append(reqs, request{Kind: "int", Text: a.Int().String()})
	}
	for _, n := range []string{"0", "1", "4294967295", "4294967296", "-1", "340282366920938463463374607431768211455", "340282366920938463463374607431768211456"} {
		reqs = append(reqs, request{Kind: "int", Text: n})
	}
	// set operations
	for i := 0; i < 150; i++ {
		v := 4
		if i%4 == 0 {
			v = 6
		}
		var items []string
		base := randAddr(r, v)
		for j := 0; j < 2+r.IntN(6); j++ {
			off := new(big.Int).SetInt64(int64(r.IntN(600)))
			a, err := base.Add(off)
			if err != nil {
				continue
			}
			if r.IntN(2) == 0 {
				items = append(items, NetworkOf(a, a.MaxPrefixlen()-r.IntN(6)).String())
			} else {
				items = append(items, a.String())
			}
		}
		reqs = append(reqs, request{Kind: "collapse", Items: items})
		b1, _ := base.Add(big.NewInt(int64(r.IntN(5000))))
		reqs = append(reqs, request{Kind: "summarize", Items: []string{base.String(), b1.String()}})
		p := r.IntN(base.MaxPrefixlen() - 4)
		outer := NetworkOf(base, p)
		inner := NetworkOf(base, p+1+r.IntN(min(20, base.MaxPrefixlen()-p-1)+1))
		reqs = append(reqs, request{Kind: "exclude", Items: []string{outer.String(), inner.String()}})
		other := NetworkOf(randAddr(r, v), r.IntN(base.MaxPrefixlen()+1))
		reqs = append(reqs, request{Kind: "relations", Items: []string{outer.String(), inner.String()}})
		reqs = append(reqs, request{Kind: "relations", Items: []string{inner.String(), outer.String()}})
		reqs = append(reqs, request{Kind: "relations", Items: []string{outer.String(), other.String()}})
	}
	reqs = append(reqs,
		request{Kind: "collapse", Items: []string{"1.2.3.4", "::1"}},
		request{Kind: "collapse", Items: []string{"10.0.0.0/8", "::/0"}},
		request{Kind: "collapse", Items: []string{"0.0.0.0/1", "128.0.0.0/1"}},
		request{Kind: "collapse", Items: []string{"::/1", "8000::/1"}},
		request{Kind: "summarize", Items: []string{"1.2.3.4", "1.2.3.3"}},
		request{Kind: "summarize", Items: []string{"1.2.3.4", "::1"}},
		request{Kind: "summarize", Items: []string{"0.0.0.0", "255.255.255.255"}},
		request{Kind: "summarize", Items: []string{"::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}},
		request{Kind: "exclude", Items: []string{"10.0.0.0/8", "11.0.0.0/8"}},
		request{Kind: "exclude", Items: []string{"10.0.0.0/8", "10.0.0.0/8"}},
		request{Kind: "exclude", Items: []string{"10.0.0.0/8", "::/0"}},
		request{Kind: "relations", Items: []string{"10.0.0.0/8", "::/0"}},
	)
	_ = no
	return reqs
}

// TestDifferentialAgainstPython compares every attribute the engine gives
// with what Debian's Python 3.11 gives, over generated and tricky inputs.
func TestDifferentialAgainstPython(t *testing.T) {
	reqs := buildRequests()
	anyReqs := make([]any, len(reqs))
	for i := range reqs {
		anyReqs[i] = reqs[i]
	}
	answers := pyoracle.Run(t, "testdata/oracle.py", anyReqs)
	failures := 0
	for i, r := range reqs {
		var want any
		if err := json.Unmarshal(answers[i], &want); err != nil {
			t.Fatal(err)
		}
		got := pyoracle.Canonical(t, describe(r))
		if w := pyoracle.Canonical(t, want); got != w {
			failures++
			if failures <= 15 {
				t.Errorf("%s %q %v %v: %s", r.Kind, r.Text, r.Items, r.Strict, fieldDiff(got, w))
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d cases differ from Python", failures, len(reqs))
	}
	t.Logf("%d cases compared with %s", len(reqs), pyoracle.Python)
}

// fieldDiff shows only the fields of two JSON objects that differ.
func fieldDiff(got, want string) string {
	var g, w map[string]any
	if json.Unmarshal([]byte(got), &g) != nil || json.Unmarshal([]byte(want), &w) != nil || g["error"] != nil || w["error"] != nil {
		return "\n got  " + got + "\n want " + want
	}
	var b []byte
	for k, wv := range w {
		gb, _ := json.Marshal(g[k])
		wb, _ := json.Marshal(wv)
		if string(gb) != string(wb) {
			b = fmt.Appendf(b, "\n  %s: got %s want %s", k, gb, wb)
		}
	}
	for k, gv := range g {
		if _, ok := w[k]; !ok {
			b = fmt.Appendf(b, "\n  %s: got %v, absent in Python", k, gv)
		}
	}
	return string(b)
}
