package socket

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

// A small stub resolver that behaves like glibc's: /etc/hosts as glibc's
// "files" source reads it (first matching line, case-insensitive, no
// trailing-dot magic), then the nameservers of /etc/resolv.conf over UDP
// with its search list, ndots, timeout and attempts. Go's own resolver
// cannot be used for the DNS half: it always consults /etc/hosts itself
// (with different rules: "localhost." matches there) and hides CNAME
// aliases, which gethostbyname_ex returns.

// Paths of the system files; tests point them elsewhere.
var (
	hostsPath  = "/etc/hosts"
	resolvPath = "/etc/resolv.conf"
)

type hostEntry struct {
	addr  netip.Addr
	names []string // canonical first
}

func readHosts() []hostEntry {
	f, err := os.Open(hostsPath)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []hostEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fs := strings.Fields(line)
		if len(fs) < 2 {
			continue
		}
		a, err := netip.ParseAddr(fs[0])
		if err != nil {
			if b, ok := InetAton(fs[0], true); ok {
				a = netip.AddrFrom4(b)
			} else {
				continue
			}
		}
		out = append(out, hostEntry{addr: a.Unmap(), names: fs[1:]})
	}
	return out
}

// hostResult is what gethostbyname-style lookups return.
type hostResult struct {
	name    string
	aliases []string
	addrs   []netip.Addr
}

// hostsByName finds name in /etc/hosts: the first matching line of the
// family gives the canonical name and aliases; later matching lines add
// addresses ("multi on").
func hostsByName(name string, family int) *hostResult {
	var r *hostResult
	for _, e := range readHosts() {
		if !familyOK(e.addr, family) {
			continue
		}
		for _, n := range e.names {
			if strings.EqualFold(n, name) {
				if r == nil {
					r = &hostResult{name: e.names[0], aliases: append([]string(nil), e.names[1:]...)}
				}
				if !containsAddr(r.addrs, e.addr) {
					r.addrs = append(r.addrs, e.addr)
				}
				break
			}
		}
	}
	return r
}

// hostsByAddr finds the first line for addr.
func hostsByAddr(a netip.Addr) *hostResult {
	for _, e := range readHosts() {
		if e.addr == a {
			return &hostResult{name: e.names[0], aliases: append([]string(nil), e.names[1:]...), addrs: []netip.Addr{a}}
		}
	}
	return nil
}

func familyOK(a netip.Addr, family int) bool {
	switch family {
	case afInet:
		return a.Is4()
	case afInet6:
		return a.Is6()
	}
	return true
}

func containsAddr(list []netip.Addr, a netip.Addr) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

// --- resolv.conf ---------------------------------------------------------------

type resolvConf struct {
	servers  []string
	search   []string
	ndots    int
	timeout  time.Duration
	attempts int
}

func readResolvConf() resolvConf {
	c := resolvConf{ndots: 1, timeout: 5 * time.Second, attempts: 2}
	f, err := os.Open(resolvPath)
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fs := strings.Fields(sc.Text())
			if len(fs) == 0 || fs[0][0] == '#' || fs[0][0] == ';' {
				continue
			}
			switch fs[0] {
			case "nameserver":
				if len(fs) > 1 && len(c.servers) < 3 {
					if a, err := netip.ParseAddr(fs[1]); err == nil {
						c.servers = append(c.servers, net.JoinHostPort(a.String(), "53"))
					}
				}
			case "search":
				c.search = fs[1:]
			case "domain":
				if len(fs) > 1 {
					c.search = fs[1:2]
				}
			case "options":
				for _, o := range fs[1:] {
					k, v, _ := strings.Cut(o, ":")
					n, _ := strconv.Atoi(v)
					switch k {
					case "ndots":
						c.ndots = min(n, 15)
					case "timeout":
						c.timeout = time.Duration(max(n, 1)) * time.Second
					case "attempts":
						c.attempts = min(max(n, 1), 5)
					}
				}
			}
		}
	}
	if len(c.servers) == 0 {
		c.servers = []string{"127.0.0.1:53"}
	}
	return c
}

// --- DNS ---------------------------------------------------------------------

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
func dnsLookup(ctx context.Context, name string, qtype uint16) (*dnsAnswer, error) {
	conf := readResolvConf()
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
	q, id, err := buildQuery(fqdn, qtype)
	if err != nil {
		return nil, &dnsError{notFound: true}
	}
	for a := 0; a < conf.attempts; a++ {
		for _, srv := range conf.servers {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			resp, err := exchange(ctx, srv, q, conf.timeout)
			if err != nil || len(resp) < 12 || binary.BigEndian.Uint16(resp) != id {
				continue
			}
			ans, err := parseResponse(resp, qtype)
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

func buildQuery(fqdn string, qtype uint16) ([]byte, uint16, error) {
	id := uint16(rand.Uint32())
	b := make([]byte, 12, 64)
	binary.BigEndian.PutUint16(b, id)
	b[2] = 0x01 // RD
	b[5] = 1    // QDCOUNT
	for _, label := range strings.Split(strings.TrimSuffix(fqdn, "."), ".") {
		if len(label) == 0 || len(label) > 63 {
			return nil, 0, errors.New("bad name")
		}
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	b = append(b, 0, byte(qtype>>8), byte(qtype), 0, 1)
	if len(b) > 12+255+4 {
		return nil, 0, errors.New("name too long")
	}
	return b, id, nil
}

// readName decodes a possibly compressed name at off; it returns the name
// (no trailing dot) and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	end := -1
	for jumps := 0; jumps < 64; {
		if off >= len(msg) {
			return "", 0, errors.New("short")
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.Join(labels, "."), end, nil
		case l&0xC0 == 0xC0:
			if off+1 >= len(msg) {
				return "", 0, errors.New("short")
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3FFF)
			jumps++
		default:
			if off+1+l > len(msg) {
				return "", 0, errors.New("short")
			}
			labels = append(labels, string(msg[off+1:off+1+l]))
			off += 1 + l
		}
	}
	return "", 0, errors.New("loop")
}

func parseResponse(msg []byte, qtype uint16) (*dnsAnswer, error) {
	rcode := msg[3] & 0x0F
	switch rcode {
	case 0:
	case 3:
		return nil, &dnsError{notFound: true}
	default:
		return nil, &dnsError{}
	}
	qd := int(binary.BigEndian.Uint16(msg[4:]))
	an := int(binary.BigEndian.Uint16(msg[6:]))
	off := 12
	var qname string
	for i := 0; i < qd; i++ {
		n, o, err := readName(msg, off)
		if err != nil {
			return nil, &dnsError{}
		}
		qname, off = n, o+4
	}
	ans := &dnsAnswer{name: qname}
	want := qname
	for i := 0; i < an; i++ {
		owner, o, err := readName(msg, off)
		if err != nil || o+10 > len(msg) {
			return nil, &dnsError{}
		}
		typ := binary.BigEndian.Uint16(msg[o:])
		rdlen := int(binary.BigEndian.Uint16(msg[o+8:]))
		rd := o + 10
		if rd+rdlen > len(msg) {
			return nil, &dnsError{}
		}
		off = rd + rdlen
		if !strings.EqualFold(owner, want) {
			continue
		}
		switch typ {
		case typeCNAME:
			target, _, err := readName(msg, rd)
			if err != nil {
				return nil, &dnsError{}
			}
			ans.cnames = append(ans.cnames, owner)
			want, ans.name = target, target
		case typeA:
			if qtype == typeA && rdlen == 4 {
				ans.addrs = append(ans.addrs, netip.AddrFrom4([4]byte(msg[rd:rd+4])))
			}
		case typeAAAA:
			if qtype == typeAAAA && rdlen == 16 {
				ans.addrs = append(ans.addrs, netip.AddrFrom16([16]byte(msg[rd:rd+16])))
			}
		case typePTR:
			if qtype == typePTR {
				target, _, err := readName(msg, rd)
				if err == nil {
					ans.ptrs = append(ans.ptrs, target)
				}
			}
		}
	}
	if len(ans.addrs) == 0 && len(ans.ptrs) == 0 {
		return nil, &dnsError{noData: true, viaCNAME: len(ans.cnames) > 0}
	}
	return ans, nil
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
