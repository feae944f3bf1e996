package resolver

// The DNS messages, on github.com/miekg/dns (the library socklab's dns
// module uses), behind three functions:
//
//	newQuery(fqdn, qtype) *Msg                    a recursive query, as glibc sends it
//	packQuery(fqdn, qtype) (msg, id, err)         the same, packed
//	answerOf(reply, qtype) (*dnsAnswer, error)    what a matching reply says
//
// The exchange itself (UDP, reading past replies that do not match the
// query, the TCP retry on TC) is internal/dns's Exchange. answerOf follows
// the CNAME chain from the question's name and keeps the records of qtype
// at its end; its errors are *dnsError (NXDOMAIN, no data, or anything
// else: a server failure).

import (
	"errors"
	"net/netip"
	"strings"

	miekg "github.com/miekg/dns"
)

// newQuery makes a recursive query for qtype of fqdn: RD set, no EDNS0,
// as glibc's stub resolver sends by default.
func newQuery(fqdn string, qtype uint16) (*miekg.Msg, error) {
	if _, ok := miekg.IsDomainName(fqdn); !ok || strings.Contains(fqdn, "..") || strings.HasPrefix(fqdn, ".") {
		return nil, errors.New("bad name")
	}
	m := new(miekg.Msg)
	m.SetQuestion(miekg.Fqdn(fqdn), qtype)
	m.RecursionDesired = true
	return m, nil
}

// packQuery is newQuery packed, with its ID.
func packQuery(fqdn string, qtype uint16) ([]byte, uint16, error) {
	m, err := newQuery(fqdn, qtype)
	if err != nil {
		return nil, 0, err
	}
	b, err := m.Pack()
	if err != nil {
		return nil, 0, err
	}
	return b, m.Id, nil
}

// unpackAnswer reads a raw reply to query id: a message that is not a
// reply to it (another ID, no QR, undecodable) is a *dnsError of no kind.
func unpackAnswer(msg []byte, id, qtype uint16) (*dnsAnswer, error) {
	m := new(miekg.Msg)
	if err := m.Unpack(msg); err != nil || m.Id != id || !m.Response {
		return nil, &dnsError{}
	}
	return answerOf(m, qtype)
}

// answerOf reads what a reply says about its question.
func answerOf(m *miekg.Msg, qtype uint16) (*dnsAnswer, error) {
	switch m.Rcode {
	case miekg.RcodeSuccess:
	case miekg.RcodeNameError:
		return nil, &dnsError{notFound: true}
	default:
		return nil, &dnsError{}
	}
	if len(m.Question) != 1 {
		return nil, &dnsError{}
	}
	want := m.Question[0].Name
	ans := &dnsAnswer{name: strings.TrimSuffix(want, ".")}
	for _, rr := range m.Answer {
		if !strings.EqualFold(rr.Header().Name, want) {
			continue
		}
		switch x := rr.(type) {
		case *miekg.CNAME:
			ans.cnames = append(ans.cnames, strings.TrimSuffix(x.Hdr.Name, "."))
			want = x.Target
			ans.name = strings.TrimSuffix(x.Target, ".")
		case *miekg.A:
			if qtype == typeA {
				if a, ok := netip.AddrFromSlice(x.A.To4()); ok {
					ans.addrs = append(ans.addrs, a)
				}
			}
		case *miekg.AAAA:
			if qtype == typeAAAA {
				if a, ok := netip.AddrFromSlice(x.AAAA.To16()); ok && len(x.AAAA) == 16 {
					ans.addrs = append(ans.addrs, a)
				}
			}
		case *miekg.PTR:
			if qtype == typePTR {
				ans.ptrs = append(ans.ptrs, strings.TrimSuffix(x.Ptr, "."))
			}
		}
	}
	if len(ans.addrs) == 0 && len(ans.ptrs) == 0 {
		return nil, &dnsError{noData: true, viaCNAME: len(ans.cnames) > 0}
	}
	return ans, nil
}
