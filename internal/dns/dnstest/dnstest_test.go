package dnstest

import (
	"net"
	"strconv"
	"testing"
	"time"

	miekg "github.com/miekg/dns"
)

// A dnsmasq started on a port another test's dnsmasq already holds is not
// taken for ready although the port answers the lab records: it fails to
// bind and ends, and the other one would vanish with its own test (the
// "connection refused" of TestLuaAgainstDnsmasq under load).
func TestDnsmasqOnATakenPortIsNotReady(t *testing.T) {
	first := StartDnsmasq(t)
	_, portText, _ := net.SplitHostPort(first)
	port, _ := strconv.Atoi(portText)
	if addr, _, ok := tryDnsmasq(t, NeedPeer(t, "dnsmasq", "dnsmasq"), port); ok {
		t.Fatalf("a second dnsmasq on %s was taken for ready", addr)
	}
	for _, network := range []string{"udp", "tcp"} {
		q := new(miekg.Msg)
		q.SetQuestion("web.lab.test.", miekg.TypeA)
		c := &miekg.Client{Net: network, Timeout: 10 * time.Second}
		if r, _, err := c.Exchange(q, first); err != nil || len(r.Answer) != 1 {
			t.Fatalf("the first dnsmasq no longer answers over %s: %v %v", network, r, err)
		}
	}
}
