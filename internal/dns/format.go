package dns

import (
	"fmt"
	"net"
	"strings"

	miekg "github.com/miekg/dns"
)

// Format renders a response as dig prints its answer: the header, flags,
// EDNS pseudosection, the sections as zone-file lines, then query time,
// server, when and size.
func Format(r *Response) string {
	var b strings.Builder
	m := r.Msg
	fmt.Fprintf(&b, ";; ->>HEADER<<- opcode: %s, status: %s, id: %d\n", miekg.OpcodeToString[m.Opcode], RcodeName(m.Rcode), m.Id)
	fmt.Fprintf(&b, ";; flags: %s; QUERY: %d, ANSWER: %d, AUTHORITY: %d, ADDITIONAL: %d\n",
		strings.Join(Flags(m), " "), len(m.Question), len(m.Answer), len(m.Ns), len(m.Extra))
	if opt := m.IsEdns0(); opt != nil {
		flags := ""
		if opt.Do() {
			flags = " do"
		}
		fmt.Fprintf(&b, "\n;; OPT PSEUDOSECTION:\n; EDNS: version: %d, flags:%s; udp: %d\n", opt.Version(), flags, opt.UDPSize())
	}
	b.WriteString(";; QUESTION SECTION:\n")
	for _, q := range m.Question {
		fmt.Fprintf(&b, ";%s\t\t\t%s\t%s\n", q.Name, ClassName(q.Qclass), TypeName(q.Qtype))
	}
	section := func(title string, rrs []miekg.RR) {
		var lines []string
		for _, rr := range rrs {
			if rr.Header().Rrtype != miekg.TypeOPT {
				lines = append(lines, rr.String())
			}
		}
		if len(lines) > 0 {
			fmt.Fprintf(&b, "\n;; %s SECTION:\n%s\n", title, strings.Join(lines, "\n"))
		}
	}
	section("ANSWER", m.Answer)
	section("AUTHORITY", m.Ns)
	section("ADDITIONAL", m.Extra)
	host, port, _ := net.SplitHostPort(r.Server)
	fmt.Fprintf(&b, "\n;; Query time: %d msec\n", r.RTT.Milliseconds())
	fmt.Fprintf(&b, ";; SERVER: %s#%s(%s) (%s)\n", host, port, host, strings.ToUpper(r.Transport))
	fmt.Fprintf(&b, ";; WHEN: %s\n", r.When.Format("Mon Jan 02 15:04:05 MST 2006"))
	fmt.Fprintf(&b, ";; MSG SIZE  rcvd: %d\n", r.Size)
	return b.String()
}

// Flags lists the header flags set, in dig's order: qr aa tc rd ra ad cd.
func Flags(m *miekg.Msg) []string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{
		{m.Response, "qr"}, {m.Authoritative, "aa"}, {m.Truncated, "tc"}, {m.RecursionDesired, "rd"},
		{m.RecursionAvailable, "ra"}, {m.AuthenticatedData, "ad"}, {m.CheckingDisabled, "cd"},
	} {
		if x.on {
			f = append(f, x.name)
		}
	}
	return f
}
