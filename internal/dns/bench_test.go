package dns

import (
	"context"
	"testing"
	"time"

	miekg "github.com/miekg/dns"
)

// BenchmarkQuery compares Query with the library's own client on one
// loopback server: the engine's checks must cost little.
func BenchmarkQuery(b *testing.B) {
	rrs, _ := ParseZone("web.lab.test A 127.0.0.2")
	s, err := Serve(ServerConfig{Listen: "127.0.0.1:0", Zone: NewZone(rrs)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.Run("engine", func(b *testing.B) {
		o := Options{Servers: []string{s.Addr()}}
		for b.Loop() {
			if _, err := Query(context.Background(), "web.lab.test", miekg.TypeA, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("miekg", func(b *testing.B) {
		c := &miekg.Client{Timeout: 2 * time.Second}
		for b.Loop() {
			q := new(miekg.Msg)
			q.SetQuestion("web.lab.test.", miekg.TypeA)
			q.SetEdns0(1232, false)
			if _, _, err := c.Exchange(q, s.Addr()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
