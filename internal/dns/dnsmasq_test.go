package dns

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	miekg "github.com/miekg/dns"

	"socklab/internal/dns/dnstest"
)

// TestQueryAgainstDnsmasq asks a real server (dnsmasq) for each record type
// and checks every answer record against what dig gets for the same
// question, field by field, plus the status and the flags.
func TestQueryAgainstDnsmasq(t *testing.T) {
	t.Parallel()
	server := dnstest.StartDnsmasq(t)
	cases := []struct {
		name, qtype string
		rcode       int
		want        int // answer records
	}{
		{"web.lab.test", "A", miekg.RcodeSuccess, 1},
		{"web.lab.test", "AAAA", miekg.RcodeSuccess, 1},
		{"www.lab.test", "A", miekg.RcodeSuccess, 2}, // CNAME + A
		{"alias.lab.test", "A", miekg.RcodeSuccess, 3},
		{"www.lab.test", "CNAME", miekg.RcodeSuccess, 1},
		{"lab.test", "MX", miekg.RcodeSuccess, 1},
		{"txt.lab.test", "TXT", miekg.RcodeSuccess, 1},
		{"_http._tcp.lab.test", "SRV", miekg.RcodeSuccess, 1},
		{"caa.lab.test", "CAA", miekg.RcodeSuccess, 1},
		{"caa.lab.test", "257", miekg.RcodeSuccess, 1},
		{"2.0.0.127.in-addr.arpa", "PTR", miekg.RcodeSuccess, 1},
		{"nope.lab.test", "A", miekg.RcodeNameError, 0},
		{"big.lab.test", "TXT", miekg.RcodeSuccess, len(dnstest.BigTXT)},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.qtype, func(t *testing.T) {
			t.Parallel() // each asks dig too: a process start to wait for
			qtype, err := ParseType(c.qtype)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := Query(context.Background(), c.name, qtype, Options{Servers: []string{server}})
			if err != nil {
				t.Fatal(err)
			}
			m := resp.Msg
			if m.Rcode != c.rcode || len(m.Answer) != c.want {
				t.Fatalf("rcode %s, %d answers; want %s, %d\n%s", RcodeName(m.Rcode), len(m.Answer), RcodeName(c.rcode), c.want, Format(resp))
			}
			digType := c.qtype
			if _, err := strconv.Atoi(digType); err == nil {
				digType = "TYPE" + digType // dig reads a bare number as a name
			}
			status, flags, digAnswer := dnstest.Dig(t, server, c.name, digType)
			if status != RcodeName(m.Rcode) {
				t.Errorf("status %s, dig says %s", RcodeName(m.Rcode), status)
			}
			if got := Flags(m); !slices.Equal(got, flags) && !(resp.Truncated && slices.Equal(got, flags)) {
				t.Errorf("flags %v, dig says %v", got, flags)
			}
			if len(digAnswer) != len(m.Answer) {
				t.Fatalf("%d answers, dig got %d", len(m.Answer), len(digAnswer))
			}
			sortRRs(digAnswer)
			ours := slices.Clone(m.Answer)
			sortRRs(ours)
			for i := range ours {
				a, b := ours[i], digAnswer[i]
				ha, hb := a.Header(), b.Header()
				if !strings.EqualFold(ha.Name, hb.Name) || ha.Rrtype != hb.Rrtype || ha.Class != hb.Class || ha.Ttl != hb.Ttl {
					t.Errorf("header %v, dig %v", ha, hb)
				}
				if fa, fb := Fields(a), Fields(b); !reflect.DeepEqual(fa, fb) {
					t.Errorf("fields %v, dig %v", fa, fb)
				}
			}
			if c.name == "big.lab.test" && (!resp.Truncated || resp.Transport != "tcp") {
				t.Errorf("a large answer came over %s, truncated %v; want a TCP retry", resp.Transport, resp.Truncated)
			}
		})
	}
}

func sortRRs(rrs []miekg.RR) {
	slices.SortFunc(rrs, func(a, b miekg.RR) int { return strings.Compare(a.String(), b.String()) })
}

// TestResolveDnsmasq follows CNAME chains and reports missing names.
func TestResolveDnsmasq(t *testing.T) {
	t.Parallel()
	server := dnstest.StartDnsmasq(t)
	o := Options{Servers: []string{server}}
	res, err := Resolve(context.Background(), "alias.lab.test", miekg.TypeA, o)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alias.lab.test.", "www.lab.test."}; !slices.Equal(res.Aliases, want) || res.Canonical != "web.lab.test." {
		t.Fatalf("aliases %v canonical %s", res.Aliases, res.Canonical)
	}
	if len(res.Records) != 1 || res.Records[0].(*miekg.A).A.String() != "127.0.0.2" {
		t.Fatalf("records %v", res.Records)
	}
	_, err = Resolve(context.Background(), "nope.lab.test", miekg.TypeA, o)
	if err == nil || !strings.Contains(err.Error(), "NXDOMAIN: nope.lab.test. does not exist") {
		t.Fatalf("err %v", err)
	}
	_, err = Resolve(context.Background(), "mail.lab.test", miekg.TypeAAAA, o)
	if err == nil || !strings.Contains(err.Error(), "NODATA") {
		t.Fatalf("err %v", err)
	}
}
