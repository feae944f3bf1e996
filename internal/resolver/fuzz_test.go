package resolver

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"socklab/internal/resolver/dnstest"
)

func FuzzInetAton(f *testing.F) {
	for _, s := range []string{"127.1", "0x7f.1", "1.2.3.4 x", "01.02.03.010", "4294967295", "4294967296", "0x", "1..2", "", "255.255.255.255"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := InetAton(s, true)
		if ok {
			if _, ok2 := InetAton(s, false); !ok2 {
				t.Fatalf("%q: exact accepts, loose refuses", s)
			}
			// The dotted quad it gives reads back the same.
			if b2, ok := InetPton4(InetNtop4(b)); !ok || b2 != b {
				t.Fatalf("%q: %v does not round-trip", s, b)
			}
		}
	})
}

func FuzzInetPton(f *testing.F) {
	for _, s := range []string{"::1", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1::2::3", "::1.2.3.4", "fe80::1%lo", ":::", "1.2.3.4", "01.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, ok := InetPton6(s); ok {
			text := InetNtop6(b)
			if b2, ok := InetPton6(text); !ok || b2 != b {
				t.Fatalf("%q → %q does not read back", s, text)
			}
			if a := netip.AddrFrom16(b); netip.MustParseAddr(text) != a {
				t.Fatalf("%q → %q, netip disagrees", s, text)
			}
		}
		if b, ok := InetPton4(s); ok && InetNtop4(b) != s {
			t.Fatalf("strict IPv4 %q prints as %q", s, InetNtop4(b))
		}
	})
}

// unpackAnswer must survive any message: a hostile server's too.
func FuzzUnpackAnswer(f *testing.F) {
	q, id, _ := packQuery("alias.test.", typeA)
	f.Add(dnstest.Answer(q), id)
	q, id, _ = packQuery("9.0.0.127.in-addr.arpa.", typePTR)
	f.Add(dnstest.Answer(q), id)
	q, id, _ = packQuery("nothing.test.", typeAAAA)
	f.Add(dnstest.Answer(q), id)
	f.Add([]byte{0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}, uint16(0))
	f.Fuzz(func(t *testing.T, msg []byte, id uint16) {
		for _, qt := range []uint16{typeA, typeAAAA, typePTR} {
			ans, err := unpackAnswer(msg, id, qt)
			if (ans == nil) == (err == nil) {
				t.Fatalf("answer %v with error %v", ans, err)
			}
		}
	})
}

// The hosts and resolv.conf readers take any file.
func FuzzConfigFiles(f *testing.F) {
	f.Add(testHosts, "nameserver 127.0.0.1\nsearch a b\noptions ndots:3 timeout:0 attempts:99\n")
	f.Add("1.2.3.4\n::1 a b\n0x7f.1 hex\n", "domain x\nnameserver ::1\nnameserver bad\n")
	f.Fuzz(func(t *testing.T, hosts, resolvConf string) {
		dir := t.TempDir()
		r := &Resolver{HostsPath: filepath.Join(dir, "hosts"), ResolvConfPath: filepath.Join(dir, "resolv.conf")}
		os.WriteFile(r.HostsPath, []byte(hosts), 0o644)
		os.WriteFile(r.ResolvConfPath, []byte(resolvConf), 0o644)
		for _, e := range r.readHosts() {
			if !e.addr.IsValid() || len(e.names) == 0 {
				t.Fatalf("bad hosts entry %+v", e)
			}
		}
		c := r.readResolvConf()
		if len(c.servers) == 0 || len(c.servers) > 3 || c.attempts < 1 || c.attempts > 5 || c.timeout <= 0 || c.ndots > 15 {
			t.Fatalf("bad resolv.conf reading %+v", c)
		}
	})
}
