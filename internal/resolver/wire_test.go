package resolver

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	miekg "github.com/miekg/dns"

	"socklab/internal/services"
	"socklab/internal/sock/socktest"
)

// trickyServer answers on one port over UDP and TCP. Over UDP, before each
// real answer it sends a reply with another ID (a late answer to an
// earlier query), one without QR, and one to another question; the real
// answer has 40 A records, too many for 512 bytes, so it comes truncated
// (TC) and whole only over TCP. It returns the port.
func trickyServer(t *testing.T) int {
	t.Helper()
	full := func(q *miekg.Msg) *miekg.Msg {
		r := new(miekg.Msg)
		r.SetReply(q)
		for i := 1; i <= 40; i++ {
			rr, _ := miekg.NewRR(q.Question[0].Name + " 60 IN A 127.0.1." + strconv.Itoa(i))
			r.Answer = append(r.Answer, rr)
		}
		return r
	}
	var pc net.PacketConn
	var ln net.Listener
	for try := 0; ln == nil && try < 20; try++ {
		var err error
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err != nil {
			pc.Close()
			ln = nil
		}
	}
	if ln == nil {
		t.Fatal("no port free for both UDP and TCP")
	}
	socktest.ServePackets(t, pc, func(p []byte, from net.Addr) {
		q := new(miekg.Msg)
		if q.Unpack(p) != nil || len(q.Question) != 1 {
			return
		}
		late := full(q)
		late.Id++
		noQR := full(q)
		noQR.Response = false
		other := full(q)
		other.Question[0].Name = "other.test."
		cut := full(q)
		cut.Truncate(512)
		for _, m := range []*miekg.Msg{late, noQR, other, cut} {
			if m != cut {
				m.Truncate(512)
			}
			p, _ := m.Pack()
			pc.WriteTo(p, from)
		}
	})
	socktest.ServeConns(t, ln, func(c net.Conn) {
		co := &miekg.Conn{Conn: c}
		if q, err := co.ReadMsg(); err == nil {
			co.WriteMsg(full(q))
		}
	})
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// TestResolverReadsPastAndRetriesOverTCP: the resolver takes the real
// answer past the replies that do not match, and fetches the truncated
// one whole over TCP (glibc does; the hand-written stub did neither).
func TestResolverReadsPastAndRetriesOverTCP(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := &Resolver{HostsPath: filepath.Join(dir, "hosts"), ResolvConfPath: filepath.Join(dir, "resolv.conf"),
		DNSPort: trickyServer(t), Services: services.New(filepath.Join(dir, "none"), filepath.Join(dir, "none"))}
	os.WriteFile(r.ResolvConfPath, []byte("nameserver 127.0.0.1\noptions timeout:10 attempts:1\n"), 0o644)
	h, err := r.GetHostByNameEx(context.Background(), "many.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Addrs) != 40 || h.Addrs[0] != "127.0.1.1" || h.Name != "many.test" {
		t.Fatalf("got %d addresses %v, name %q; want the 40 of the TCP answer", len(h.Addrs), h.Addrs, h.Name)
	}
}

// TestFilesCachedUntilChanged: /etc/hosts and resolv.conf are parsed once
// and again when they change.
func TestFilesCachedUntilChanged(t *testing.T) {
	t.Parallel()
	r := testResolver(t, "127.0.0.7 seven\n")
	first := r.readHosts()
	if again := r.readHosts(); len(first) != 1 || &again[0] != &first[0] {
		t.Fatalf("hosts parsed again although unchanged")
	}
	if a, err := r.GetHostByName(context.Background(), "seven"); err != nil || a != "127.0.0.7" {
		t.Fatalf("seven: %q %v", a, err)
	}
	os.WriteFile(r.HostsPath, []byte("127.0.0.8 seven\n"), 0o644) // same size
	later := time.Now().Add(time.Hour)
	os.Chtimes(r.HostsPath, later, later)
	if a, err := r.GetHostByName(context.Background(), "seven"); err != nil || a != "127.0.0.8" {
		t.Fatalf("after the change: %q %v", a, err)
	}
	c1 := r.readResolvConf()
	os.WriteFile(r.ResolvConfPath, []byte("nameserver 127.0.0.2\nsearch x.test\n"), 0o644)
	os.Chtimes(r.ResolvConfPath, later, later)
	c2 := r.readResolvConf()
	if reflect.DeepEqual(c1.servers, c2.servers) || c2.search[0] != "x.test" {
		t.Fatalf("resolv.conf not read again: %+v then %+v", c1, c2)
	}
}
