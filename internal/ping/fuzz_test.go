package ping

import (
	"encoding/binary"
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

// FuzzEchoParse feeds arbitrary datagrams and control messages to the
// flood path's reader: never a panic; a raw IPv4 packet's TTL and message
// come from its own header.
func FuzzEchoParse(f *testing.F) {
	ip := []byte{0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1}
	cmsg := make([]byte, 24)
	binary.NativeEndian.PutUint64(cmsg, 20)
	binary.NativeEndian.PutUint32(cmsg[8:], 0)  // IPPROTO_IP
	binary.NativeEndian.PutUint32(cmsg[12:], 2) // IP_TTL
	binary.NativeEndian.PutUint32(cmsg[16:], 61)
	f.Add(ip, cmsg)
	f.Add([]byte{0x4f, 0}, []byte{255, 255, 255, 255, 255, 255, 255, 255})
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, pkt, oob []byte) {
		for _, rawV4 := range []bool{true, false} {
			e := &echoIO{ic: &icmpConn{}, rawV4: rawV4, rbuf: make([]byte, len(pkt)+1)}
			copy(e.rbuf, pkt)
			n := copy(e.oob[:], oob)
			e.hdr.Controllen = uint64(n)
			p, err := e.parse(len(pkt))
			if err == nil && rawV4 && (p.ttl != int(pkt[8]) || len(p.msg) > len(pkt)-20) {
				t.Fatalf("ttl %d msg %d bytes from a %d-byte packet", p.ttl, len(p.msg), len(pkt))
			}
		}
		_ = cmsgTTL(oob)
	})
}
