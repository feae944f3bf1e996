package dns

import (
	"os"
	"sync"
	"time"

	miekg "github.com/miekg/dns"
)

// ResolvConf is the file SystemServers reads; tests point it elsewhere.
var ResolvConf = "/etc/resolv.conf"

var sysConf struct {
	mu      sync.Mutex
	path    string
	mtime   time.Time
	size    int64
	servers []string
}

// SystemServers returns the nameservers of ResolvConf as host:port, read
// again only when the file's modification time or size changes.
func SystemServers() []string {
	st, err := os.Stat(ResolvConf)
	if err != nil {
		return nil
	}
	sysConf.mu.Lock()
	defer sysConf.mu.Unlock()
	if sysConf.path == ResolvConf && sysConf.mtime.Equal(st.ModTime()) && sysConf.size == st.Size() {
		return sysConf.servers
	}
	cfg, err := miekg.ClientConfigFromFile(ResolvConf)
	if err != nil {
		return nil
	}
	servers := make([]string, 0, len(cfg.Servers))
	for _, s := range cfg.Servers {
		if s, err := ParseServer(withPort(s, cfg.Port)); err == nil {
			servers = append(servers, s)
		}
	}
	sysConf.path, sysConf.mtime, sysConf.size, sysConf.servers = ResolvConf, st.ModTime(), st.Size(), servers
	return servers
}

func withPort(host, port string) string {
	for i := 0; i < len(host); i++ {
		if host[i] == ':' {
			return "[" + host + "]:" + port
		}
	}
	return host + ":" + port
}
