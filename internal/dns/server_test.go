package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	miekg "github.com/miekg/dns"

	"socklab/internal/dns/dnstest"
	"socklab/internal/sock/socktest"
)

const labZone = `
$TTL 300
lab.test.        IN SOA ns.lab.test. admin.lab.test. 2026112801 3600 600 86400 60
lab.test.        IN NS  ns.lab.test.
lab.test.        IN MX  10 mail.lab.test.
ns.lab.test.     IN A   127.0.0.53
mail.lab.test.   IN A   127.0.0.3
www.lab.test.    IN CNAME web.lab.test.
alias.lab.test.  IN CNAME www.lab.test.
web.lab.test.    IN A   127.0.0.2
web.lab.test.    IN AAAA ::2
txt.lab.test.    IN TXT "hello world" "second"
_http._tcp.lab.test. IN SRV 1 5 80 web.lab.test.
caa.lab.test.    IN CAA 0 issue "ca.example"
*.wild.lab.test. IN A 127.0.0.8
2.0.0.127.in-addr.arpa. IN PTR web.lab.test.
`

func startZoneServer(t *testing.T, extra string, h Handler) *Server {
	t.Helper()
	rrs, err := ParseZone(labZone + extra)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Serve(ServerConfig{Listen: "127.0.0.1:0", Zone: NewZone(rrs), Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestServeZone(t *testing.T) {
	t.Parallel()
	var big strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&big, "big.lab.test. IN TXT \"%02d-%s\"\n", i, strings.Repeat("z", 100))
	}
	s := startZoneServer(t, big.String(), nil)
	cases := []struct {
		name, qtype string
		rcode       string
		answers     int
		aa          bool
	}{
		{"web.lab.test", "A", "NOERROR", 1, true},
		{"WEB.Lab.Test", "AAAA", "NOERROR", 1, true},
		{"alias.lab.test", "A", "NOERROR", 3, true},
		{"www.lab.test", "CNAME", "NOERROR", 1, true},
		{"lab.test", "MX", "NOERROR", 1, true},
		{"lab.test", "SOA", "NOERROR", 1, true},
		{"lab.test", "NS", "NOERROR", 1, true},
		{"txt.lab.test", "TXT", "NOERROR", 1, true},
		{"_http._tcp.lab.test", "SRV", "NOERROR", 1, true},
		{"caa.lab.test", "CAA", "NOERROR", 1, true},
		{"x.wild.lab.test", "A", "NOERROR", 1, true},
		{"2.0.0.127.in-addr.arpa", "PTR", "NOERROR", 1, true},
		{"web.lab.test", "MX", "NOERROR", 0, true},   // NODATA
		{"_tcp.lab.test", "A", "NOERROR", 0, true},   // empty non-terminal
		{"nope.lab.test", "A", "NXDOMAIN", 0, true},  // under the zone
		{"example.com", "A", "REFUSED", 0, false},    // outside it
		{"big.lab.test", "TXT", "NOERROR", 30, true}, // needs TCP
		{"web.lab.test", "ANY", "NOERROR", 2, true},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.qtype, func(t *testing.T) {
			t.Parallel() // each asks dig too: a process start to wait for
			qtype, _ := ParseType(c.qtype)
			resp, err := Query(context.Background(), c.name, qtype, Options{Servers: []string{s.Addr()}, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			m := resp.Msg
			if RcodeName(m.Rcode) != c.rcode || len(m.Answer) != c.answers || m.Authoritative != c.aa {
				t.Fatalf("got %s %d answers aa=%v\n%s", RcodeName(m.Rcode), len(m.Answer), m.Authoritative, Format(resp))
			}
			if c.rcode == "NXDOMAIN" && (len(m.Ns) != 1 || m.Ns[0].Header().Ttl != 60) {
				t.Errorf("NXDOMAIN without the SOA (negative TTL 60) in authority: %v", m.Ns)
			}
			if c.name == "big.lab.test" && !resp.Truncated {
				t.Errorf("big answer not truncated over UDP")
			}
			if c.qtype == "ANY" {
				return // dig and we agree; ANY's order is the zone's
			}
			status, _, digAnswer := dnstest.Dig(t, s.Addr(), c.name, c.qtype)
			if status != c.rcode || len(digAnswer) != c.answers {
				t.Fatalf("dig: %s, %d answers", status, len(digAnswer))
			}
			for i, rr := range m.Answer {
				if rr.String() != digAnswer[i].String() {
					t.Errorf("record %d: %s; dig %s", i, rr, digAnswer[i])
				}
			}
		})
	}
	// A client without EDNS0 gets at most 512 bytes, truncated with TC.
	q, _ := NewQuery("big.lab.test", miekg.TypeTXT, Options{NoEDNS: true})
	c := &miekg.Client{Net: "udp", Timeout: 10 * time.Second}
	r, _, err := c.Exchange(q, s.Addr())
	if err != nil || !r.Truncated {
		t.Fatalf("plain UDP: truncated %v, err %v", r != nil && r.Truncated, err)
	}
	// MX glue: the exchange's address in the additional section.
	resp, _ := Query(context.Background(), "lab.test", miekg.TypeMX, Options{Servers: []string{s.Addr()}, Timeout: 10 * time.Second})
	if len(resp.Msg.Extra) != 2 { // A of mail.lab.test + OPT
		t.Errorf("additional: %v", resp.Msg.Extra)
	}
}

// TestHandler: a handler answers some names, declines others (the zone
// answers), and one that fails gives SERVFAIL while the server lives on.
func TestHandler(t *testing.T) {
	var errs []error
	var mu sync.Mutex
	h := func(ctx context.Context, req Request) (*Answer, error) {
		switch strings.ToLower(req.Question.Name) {
		case "dyn.lab.test.":
			rr, _ := BuildRR(Record{Name: req.Question.Name, Type: miekg.TypeTXT, TTL: 5, Fields: map[string]any{"text": "from " + req.Transport}})
			return &Answer{Answer: []miekg.RR{rr}}, nil
		case "fail.lab.test.":
			return nil, errors.New("boom")
		case "refuse.lab.test.":
			return &Answer{Rcode: miekg.RcodeRefused}, nil
		}
		return nil, nil
	}
	s := startZoneServer(t, "", h)
	s.cfg.OnError = func(req Request, err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }
	o := Options{Servers: []string{s.Addr()}, Timeout: 10 * time.Second}
	ask := func(name string, qtype uint16, o Options) *miekg.Msg {
		resp, err := Query(context.Background(), name, qtype, o)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Msg
	}
	if m := ask("dyn.lab.test", miekg.TypeTXT, o); len(m.Answer) != 1 || m.Answer[0].(*miekg.TXT).Txt[0] != "from udp" {
		t.Fatalf("dyn: %v", m)
	}
	otcp := o
	otcp.TCP = true
	if m := ask("dyn.lab.test", miekg.TypeTXT, otcp); m.Answer[0].(*miekg.TXT).Txt[0] != "from tcp" {
		t.Fatalf("dyn over tcp: %v", m)
	}
	if m := ask("fail.lab.test", miekg.TypeA, o); m.Rcode != miekg.RcodeServerFailure {
		t.Fatalf("fail: %v", m)
	}
	if m := ask("refuse.lab.test", miekg.TypeA, o); m.Rcode != miekg.RcodeRefused {
		t.Fatalf("refuse: %v", m)
	}
	if m := ask("web.lab.test", miekg.TypeA, o); len(m.Answer) != 1 {
		t.Fatalf("zone after handler: %v", m)
	}
	if s.Errors() != 1 {
		t.Fatalf("errors %d", s.Errors())
	}
}

// TestBlockingHandler: one query's handler blocks; that query times out,
// others are answered meanwhile, and Close still returns.
func TestBlockingHandler(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	blocked := make(chan struct{}, 10)
	h := func(ctx context.Context, req Request) (*Answer, error) {
		if strings.HasPrefix(req.Question.Name, "slow.") {
			blocked <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil, nil
	}
	s := startZoneServer(t, "", h)
	done := make(chan error, 1)
	go func() {
		_, err := Query(context.Background(), "slow.lab.test", miekg.TypeA, Options{Servers: []string{s.Addr()}, Timeout: 300 * time.Millisecond, Tries: 1})
		done <- err
	}()
	<-blocked
	for i := 0; i < 20; i++ {
		if _, err := Query(context.Background(), "web.lab.test", miekg.TypeA, Options{Servers: []string{s.Addr()}, Timeout: 10 * time.Second}); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; !errors.Is(err, ErrTimeout) {
		t.Fatalf("blocked query: %v", err)
	}
	s.Close()
	close(release)
}

// TestConcurrentQueries: 1,000 queries at once, over UDP and TCP, all answered.
func TestConcurrentQueries(t *testing.T) {
	t.Parallel()
	s := startZoneServer(t, "", nil)
	var wg sync.WaitGroup
	errc := make(chan error, 1000)
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := Options{Servers: []string{s.Addr()}, Timeout: 5 * time.Second, Tries: 6} // a burst may overflow the socket buffer
			if i%10 == 0 {
				o = Options{Servers: []string{s.Addr()}, Timeout: 60 * time.Second, TCP: true}
			}
			resp, err := Query(context.Background(), "web.lab.test", miekg.TypeA, o)
			if err == nil && len(resp.Msg.Answer) != 1 {
				err = fmt.Errorf("answer %v", resp.Msg.Answer)
			}
			if err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if s.Queries() < 1000 {
		t.Fatalf("server saw %d queries", s.Queries())
	}
}

// TestCloseFreesEverything: after Close the port is free again and no
// serving goroutine is left.
func TestCloseFreesEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := Serve(ServerConfig{Listen: "127.0.0.1:0", Zone: NewZone(nil)})
	if err != nil {
		t.Fatal(err)
	}
	addr := s.Addr()
	if _, err := Query(context.Background(), "x.test", miekg.TypeA, Options{Servers: []string{addr}, Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	<-s.Done()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("TCP port still taken: %v", err)
	}
	ln.Close()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("UDP port still taken: %v", err)
	}
	pc.Close()
	socktest.Eventually(t, "serving goroutines end", func() bool { return runtime.NumGoroutine() <= before })
}

func TestServeBadListen(t *testing.T) {
	for _, bad := range []string{"127.0.0.1:70000", "nonsense", "127.0.0.1:-1", "127.0.0.1:x"} {
		if _, err := Serve(ServerConfig{Listen: bad}); err == nil {
			t.Errorf("Serve(%q) accepted", bad)
		}
	}
}
