package resolver

// The stub resolver's DNS half, as glibc's: the nameservers of resolv.conf
// over UDP, with its search list, ndots, timeout and attempts. Go's own
// resolver cannot be used: it always consults /etc/hosts itself (by other
// rules: "localhost." matches there) and hides the CNAME aliases that
// gethostbyname_ex returns. The messages are dnswire.go's, on miekg/dns;
// the exchange is internal/dns's.

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"strings"

	dnsengine "socklab/internal/dns"
)

// Query types.
const (
	typeA     = 1
	typeCNAME = 5
	typePTR   = 12
	typeAAAA  = 28
)

// dnsError is a failed query: notFound for NXDOMAIN, noData for a name
// without records of the type; otherwise the server could not be reached
// or failed (glibc's TRY_AGAIN).
type dnsError struct {
	notFound, noData bool
	viaCNAME         bool // noData after following a CNAME
}

func (e *dnsError) Error() string {
	switch {
	case e.notFound:
		return "host not found"
	case e.noData:
		return "no data"
	}
	return "temporary failure"
}

// dnsAnswer is what a query found.
type dnsAnswer struct {
	cnames []string // owner names of CNAME records followed, in order
	name   string   // final owner name
	addrs  []netip.Addr
	ptrs   []string
}

// candidates lists the names glibc's res_search tries for name.
func (c resolvConf) candidates(name string) []string {
	if strings.HasSuffix(name, ".") {
		return []string{name}
	}
	var out []string
	dots := strings.Count(name, ".")
	if dots >= c.ndots {
		out = append(out, name+".")
	}
	for _, d := range c.search {
		out = append(out, name+"."+strings.TrimSuffix(d, ".")+".")
	}
	if dots < c.ndots {
		out = append(out, name+".")
	}
	return out
}

// dnsLookup queries qtype for name through the search list.
func (r *Resolver) dnsLookup(ctx context.Context, name string, qtype uint16) (*dnsAnswer, error) {
	conf := r.readResolvConf()
	var firstErr error
	for _, fq := range conf.candidates(name) {
		ans, err := dnsQuery(ctx, conf, fq, qtype)
		if err == nil {
			return ans, nil
		}
		var de *dnsError
		if !errors.As(err, &de) || !(de.notFound || de.noData) {
			return nil, err // glibc stops at a server failure
		}
		if firstErr == nil || de.noData {
			firstErr = err
		}
	}
	return nil, firstErr
}

func dnsQuery(ctx context.Context, conf resolvConf, fqdn string, qtype uint16) (*dnsAnswer, error) {
	q, err := newQuery(fqdn, qtype)
	if err != nil {
		return nil, &dnsError{notFound: true}
	}
	// glibc's order: each attempt asks each server in turn; a server that
	// fails (no answer, SERVFAIL, REFUSED) gives way to the next. Exchange
	// reads past replies that do not match the query and asks again over
	// TCP when the answer is truncated.
	for a := 0; a < conf.attempts; a++ {
		for _, srv := range conf.servers {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			resp, err := dnsengine.Exchange(ctx, q, dnsengine.Options{Servers: []string{srv}, Timeout: conf.timeout, Tries: 1})
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				continue
			}
			ans, err := answerOf(resp.Msg, qtype)
			if err != nil {
				if de, ok := err.(*dnsError); ok && (de.notFound || de.noData) {
					return nil, err
				}
				continue
			}
			return ans, nil
		}
	}
	return nil, &dnsError{}
}

// reverseName is the in-addr.arpa / ip6.arpa name of a.
func reverseName(a netip.Addr) string {
	if a.Is4() {
		b := a.As4()
		return strconv.Itoa(int(b[3])) + "." + strconv.Itoa(int(b[2])) + "." + strconv.Itoa(int(b[1])) + "." + strconv.Itoa(int(b[0])) + ".in-addr.arpa."
	}
	const hex = "0123456789abcdef"
	b := a.As16()
	var sb strings.Builder
	for i := 15; i >= 0; i-- {
		sb.WriteByte(hex[b[i]&0xF])
		sb.WriteByte('.')
		sb.WriteByte(hex[b[i]>>4])
		sb.WriteByte('.')
	}
	sb.WriteString("ip6.arpa.")
	return sb.String()
}
