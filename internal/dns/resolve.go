package dns

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	miekg "github.com/miekg/dns"
)

// Resolution is the outcome of following a name to its records.
type Resolution struct {
	Name      string     // the name asked, fully qualified
	Canonical string     // where the CNAME chain ends
	Aliases   []string   // the chain: Name, then each alias target but the last
	Records   []miekg.RR // the records of the type asked, at Canonical
	Responses []*Response
}

// maxResolveHops bounds how many CNAMEs Resolve follows (glibc allows 16
// in one answer; dig +trace stops at about as many).
const maxResolveHops = 16

// NotFoundError is a name that does not exist (NXDOMAIN), or exists
// without records of the type asked (NODATA).
type NotFoundError struct {
	Name  string
	Type  uint16
	Rcode int // NXDOMAIN, or NOERROR for NODATA
	Via   []string
}

func (e *NotFoundError) Error() string {
	via := ""
	if len(e.Via) > 1 {
		via = " (via " + strings.Join(e.Via[:len(e.Via)-1], " -> ") + ")"
	}
	if e.Rcode == miekg.RcodeNameError {
		return fmt.Sprintf("NXDOMAIN: %s does not exist%s", e.Name, via)
	}
	return fmt.Sprintf("NODATA: %s has no %s records%s", e.Name, TypeName(e.Type), via)
}

// RcodeError is an answer whose rcode says the server failed or refused.
type RcodeError struct {
	Name   string
	Rcode  int
	Server string
}

func (e *RcodeError) Error() string {
	return fmt.Sprintf("%s: %s answered %s", e.Name, e.Server, RcodeName(e.Rcode))
}

// Resolve asks for name's records of type qtype and follows CNAMEs, within
// one answer (as servers send chains they know) and by asking again for a
// target the answer stops at. A loop or a chain longer than 16 is an error.
func Resolve(ctx context.Context, name string, qtype uint16, o Options) (*Resolution, error) {
	fqdn, err := CheckName(name)
	if err != nil {
		return nil, err
	}
	res := &Resolution{Name: fqdn}
	cur := fqdn
	seen := map[string]bool{}
	for {
		resp, err := Query(ctx, cur, qtype, o)
		if err != nil {
			return nil, err
		}
		res.Responses = append(res.Responses, resp)
		m := resp.Msg
		switch m.Rcode {
		case miekg.RcodeSuccess:
		case miekg.RcodeNameError: // the end of the chain does not exist
			for hops := 0; hops < maxResolveHops; hops++ {
				next := cnameOf(m, cur)
				if next == "" {
					break
				}
				res.Aliases = append(res.Aliases, cur)
				cur = next
			}
			return nil, &NotFoundError{Name: cur, Type: qtype, Rcode: m.Rcode, Via: append(res.Aliases, cur)}
		default:
			return nil, &RcodeError{Name: cur, Rcode: m.Rcode, Server: resp.Server}
		}
		// Walk the chain inside this answer.
		for {
			key := strings.ToLower(cur)
			if seen[key] {
				return nil, fmt.Errorf("CNAME loop: %s", strings.Join(append(res.Aliases, cur), " -> "))
			}
			seen[key] = true
			if len(res.Aliases) >= maxResolveHops {
				return nil, fmt.Errorf("CNAME chain longer than %d: %s", maxResolveHops, strings.Join(res.Aliases, " -> "))
			}
			var target string
			var found []miekg.RR
			for _, rr := range m.Answer {
				h := rr.Header()
				if !strings.EqualFold(h.Name, cur) {
					continue
				}
				if h.Rrtype == qtype || qtype == miekg.TypeANY {
					found = append(found, rr)
				} else if c, ok := rr.(*miekg.CNAME); ok {
					target = c.Target
				}
			}
			if len(found) > 0 {
				res.Canonical, res.Records = cur, found
				return res, nil
			}
			if target == "" {
				return nil, &NotFoundError{Name: cur, Type: qtype, Rcode: miekg.RcodeSuccess, Via: append(res.Aliases, cur)}
			}
			res.Aliases = append(res.Aliases, cur)
			cur = target
			if !answerHas(m, cur) {
				break
			}
		}
		delete(seen, strings.ToLower(cur)) // asked again below: not a loop
	}
}

func cnameOf(m *miekg.Msg, name string) string {
	for _, rr := range m.Answer {
		if c, ok := rr.(*miekg.CNAME); ok && strings.EqualFold(c.Hdr.Name, name) {
			return c.Target
		}
	}
	return ""
}

func answerHas(m *miekg.Msg, name string) bool {
	for _, rr := range m.Answer {
		if strings.EqualFold(rr.Header().Name, name) {
			return true
		}
	}
	return false
}

// ReverseName is the PTR name of an address: "2.0.0.127.in-addr.arpa.".
func ReverseName(ip string) (string, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address", ip)
	}
	name, err := miekg.ReverseAddr(a.Unmap().String())
	if err != nil {
		return "", fmt.Errorf("%q: %v", ip, err)
	}
	return name, nil
}
