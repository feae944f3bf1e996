package ping

import (
	"net/netip"
	"testing"
	"time"
)

// FuzzMatch feeds arbitrary ICMP messages (as a raw socket would read them)
// to the reply and traceroute matchers: they must never panic, and a match
// must name a sequence that fits in 16 bits.
func FuzzMatch(f *testing.F) {
	echoReply := []byte{0, 0, 0, 0, 0x12, 0x34, 0, 1, 'h', 'i'}
	quoted := append([]byte{0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}, 8, 0, 0, 0, 0x12, 0x34, 0, 7)
	timeExceeded := append([]byte{11, 0, 0, 0, 0, 0, 0, 0}, quoted...)
	unreach := append([]byte{3, 3, 0, 0, 0, 0, 0, 0}, quoted...)
	udpQuoted := append([]byte{0x45, 0, 0, 28, 0, 0, 0, 0, 1, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}, 0x80, 0, 0x82, 0x9a, 0, 8, 0, 0)
	f.Add(echoReply, false)
	f.Add(timeExceeded, false)
	f.Add(unreach, false)
	f.Add(append([]byte{11, 0, 0, 0, 0, 0, 0, 0}, udpQuoted...), false)
	f.Add([]byte{129, 0, 0, 0, 0x12, 0x34, 0, 1}, true)
	f.Add([]byte{3, 3, 0, 0, 0, 0, 0, 0, 0x4f}, false)
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0x60, 0, 0, 0, 0, 8, 58, 64}, true)
	f.Fuzz(func(t *testing.T, msg []byte, v6 bool) {
		dst := netip.MustParseAddr("10.0.0.2")
		if v6 {
			dst = netip.MustParseAddr("fd00::2")
		}
		for _, method := range []string{MethodRaw, MethodDgram} {
			ic := &icmpConn{v6: v6, method: method, id: 0x1234}
			pkt := packet{from: dst, ttl: 64, msg: msg, at: time.Now()}
			if ev, ok := ic.match(pkt, dst); ok && (ev.wire < 0 || ev.wire > 0xffff) {
				t.Fatalf("wire sequence %d", ev.wire)
			}
			for _, tm := range []string{"udp", "icmp", "tcp"} {
				ic.traceMatch(pkt, dst, tm)
			}
		}
	})
}
