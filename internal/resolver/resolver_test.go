package resolver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"

	"socklab/internal/resolver/dnstest"
	"socklab/internal/services"
)

// testResolver reads a hosts file of the test's and asks dnstest's zone on
// a loopback port: nothing leaves the machine, no root needed.
func testResolver(t *testing.T, hosts string) *Resolver {
	t.Helper()
	dir := t.TempDir()
	hp, rp := filepath.Join(dir, "hosts"), filepath.Join(dir, "resolv.conf")
	os.WriteFile(hp, []byte(hosts), 0o644)
	os.WriteFile(rp, []byte("nameserver 127.0.0.1\nsearch test\noptions timeout:5 attempts:2\n"), 0o644)
	return &Resolver{HostsPath: hp, ResolvConfPath: rp, DNSPort: dnstest.Start(t),
		Services: services.New(filepath.Join(dir, "none"), filepath.Join(dir, "none"))}
}

const testHosts = `# hosts of the test
127.0.0.1 localhost
127.0.1.1 box.example box
::1 localhost ip6-localhost
10.1.2.3 Multi
10.1.2.4 multi other
`

func TestHostsFile(t *testing.T) {
	t.Parallel()
	r := testResolver(t, testHosts)
	ctx := context.Background()
	if a, err := r.GetHostByName(ctx, "BOX"); a != "127.0.1.1" || err != nil {
		t.Errorf("GetHostByName(BOX) = %q, %v", a, err)
	}
	h, err := r.GetHostByNameEx(ctx, "multi")
	if err != nil || h.Name != "Multi" || !reflect.DeepEqual(h.Addrs, []string{"10.1.2.3", "10.1.2.4"}) {
		t.Errorf("GetHostByNameEx(multi) = %+v, %v", h, err)
	}
	h, err = r.GetHostByAddr(ctx, "127.0.1.1")
	if err != nil || h.Name != "box.example" || !reflect.DeepEqual(h.Aliases, []string{"box"}) {
		t.Errorf("GetHostByAddr = %+v, %v", h, err)
	}
	if got := r.GetFQDN(ctx, "box"); got != "box.example" {
		t.Errorf("GetFQDN(box) = %q", got)
	}
	a, ok, err := r.NumericIP("localhost", afInet6)
	if !ok || err != nil || a.String() != "::1" {
		t.Errorf("NumericIP(localhost, AF_INET6) = %v %v %v", a, ok, err)
	}
	if _, ok, _ := r.NumericIP("real", afInet); ok {
		t.Error("NumericIP answered a name only DNS knows")
	}
}

func TestDNS(t *testing.T) {
	t.Parallel()
	r := testResolver(t, testHosts)
	ctx := context.Background()
	// "real" has no dot: the search list makes it real.test.
	if a, err := r.GetHostByName(ctx, "real"); a != "127.0.0.9" || err != nil {
		t.Errorf("GetHostByName(real) = %q, %v", a, err)
	}
	h, err := r.GetHostByNameEx(ctx, "alias.test")
	if err != nil || h.Name != "real.test" || !reflect.DeepEqual(h.Aliases, []string{"alias.test"}) || !reflect.DeepEqual(h.Addrs, []string{"127.0.0.9"}) {
		t.Errorf("GetHostByNameEx(alias.test) = %+v, %v", h, err)
	}
	if h, err := r.GetHostByAddr(ctx, "127.0.0.9"); err != nil || h.Name != "real.test" {
		t.Errorf("GetHostByAddr(127.0.0.9) = %+v, %v", h, err)
	}
	if _, err := r.GetHostByName(ctx, "no-such-host.invalid"); err != ErrNoName {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := r.GetHostByNameEx(ctx, "no-such-host.invalid"); err != ErrNoName {
		t.Errorf("unknown name (ex): %v", err)
	}
	if _, err := r.GetHostByAddr(ctx, "127.0.0.8"); err != ErrHostNotFound {
		t.Errorf("unknown address: %v", err)
	}
	host, serv, err := r.GetNameInfo(ctx, "127.0.0.9", 80, 0)
	if err != nil || host != "real.test" || serv != "http" {
		t.Errorf("GetNameInfo = %q %q %v", host, serv, err)
	}
	if _, _, err := r.GetNameInfo(ctx, "127.0.0.8", 80, NI_NAMEREQD); err != ErrNoName {
		t.Errorf("GetNameInfo(NI_NAMEREQD) = %v", err)
	}
}

// A cancelled lookup returns the context's error at once.
func TestCancelledLookup(t *testing.T) {
	t.Parallel()
	r := testResolver(t, testHosts)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.GetHostByName(ctx, "real"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// With no nameserver answering, lookups fail with glibc's "try again".
func TestNoServer(t *testing.T) {
	t.Parallel()
	r := testResolver(t, testHosts)
	os.WriteFile(r.ResolvConfPath, []byte("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"), 0o644)
	r.DNSPort = 9 // discard: nobody answers on loopback
	if _, err := r.GetHostByName(context.Background(), "real.test"); err != ErrAgain {
		t.Errorf("no server: %v", err)
	}
}

func TestGetAddrInfo(t *testing.T) {
	t.Parallel()
	r := testResolver(t, testHosts)
	ctx := context.Background()
	host := "localhost"
	infos, err := r.GetAddrInfo(ctx, &host, "http", afInet, unix.SOCK_STREAM, 0, AI_CANONNAME)
	if err != nil || len(infos) != 1 {
		t.Fatalf("GetAddrInfo: %+v, %v", infos, err)
	}
	if ai := infos[0]; ai.Addr.String() != "127.0.0.1" || ai.Port != 80 || ai.Proto != unix.IPPROTO_TCP || ai.Canonname != "localhost" {
		t.Errorf("entry: %+v", ai)
	}
	infos, err = r.GetAddrInfo(ctx, nil, 53, 0, 0, 0, AI_PASSIVE)
	if err != nil || len(infos) != 6 || infos[0].Addr.String() != "0.0.0.0" {
		t.Errorf("passive: %+v, %v", infos, err)
	}
	for _, c := range []struct {
		host    string
		port    any
		family  int
		flags   int
		wantErr error
	}{
		{"localhost", "no-such-service", 0, 0, ErrService},
		{"localhost", "http", 99, 0, ErrFamily},
		{"box", 80, 0, AI_NUMERICHOST, ErrNoName},
		{"::1", 80, afInet, 0, ErrAddrFamily},
		{"localhost", "http", 0, AI_NUMERICSERV, ErrNoName},
	} {
		h := c.host
		if _, err := r.GetAddrInfo(ctx, &h, c.port, c.family, 0, 0, c.flags); err != c.wantErr {
			t.Errorf("GetAddrInfo(%q, %v, family %d, flags %#x) = %v, want %v", c.host, c.port, c.family, c.flags, err, c.wantErr)
		}
	}
}

func TestSetIPAddr(t *testing.T) {
	t.Parallel()
	r := testResolver(t, testHosts)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		family int
		want   string
		err    error
	}{
		{"", afInet, "0.0.0.0", nil},
		{"", afInet6, "::", nil},
		{"", afUnspec, "", ErrWildcardFamily},
		{"<broadcast>", afInet, "255.255.255.255", nil},
		{"<broadcast>", afInet6, "", ErrFamilyMismatch},
		{"127.1", afInet, "127.0.0.1", nil},
		{"box", afInet, "127.0.1.1", nil},
		{"alias.test", afInet, "127.0.0.9", nil},
	} {
		a, err := r.SetIPAddr(ctx, c.name, c.family)
		if err != c.err || (err == nil && a.String() != c.want) {
			t.Errorf("SetIPAddr(%q, %d) = %v, %v; want %s, %v", c.name, c.family, a, err, c.want, c.err)
		}
	}
}
