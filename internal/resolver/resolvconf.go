package resolver

import (
	"bufio"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
)

type resolvConf struct {
	servers  []string
	search   []string
	ndots    int
	timeout  time.Duration
	attempts int
}

// readResolvConf reads resolv.conf as glibc does: at most three
// nameservers, the last search or domain line, ndots, timeout, attempts.
// It is cached while the file does not change.
func (r *Resolver) readResolvConf() resolvConf {
	return resolvCache.get(r.ResolvConfPath+"|"+r.dnsPort(), r.ResolvConfPath, r.parseResolvConf)
}

func (r *Resolver) parseResolvConf() resolvConf {
	c := resolvConf{ndots: 1, timeout: 5 * time.Second, attempts: 2}
	f, err := os.Open(r.ResolvConfPath)
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
						c.servers = append(c.servers, net.JoinHostPort(a.String(), r.dnsPort()))
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
		c.servers = []string{net.JoinHostPort("127.0.0.1", r.dnsPort())}
	}
	return c
}
