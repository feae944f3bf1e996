package resolver

// The stub resolver's DNS half, as glibc's: the nameservers of resolv.conf
// over UDP, with its search list, ndots, timeout and attempts. Go's own
// resolver cannot be used: it always consults /etc/hosts itself (by other
// rules: "localhost." matches there) and hides the CNAME aliases that
// gethostbyname_ex returns. The wire format is dnswire.go's.

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
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
	q, id, err := packQuery(fqdn, qtype)
	if err != nil {
		return nil, &dnsError{notFound: true}
	}
	for a := 0; a < conf.attempts; a++ {
		for _, srv := range conf.servers {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			resp, err := exchange(ctx, srv, q, conf.timeout)
			if err != nil {
				continue
			}
			ans, err := unpackAnswer(resp, id, qtype)
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

func exchange(ctx context.Context, srv string, q []byte, timeout time.Duration) ([]byte, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", srv)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	c.SetDeadline(time.Now().Add(timeout))
	if _, err := c.Write(q); err != nil {
		return nil, err
	}
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
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
