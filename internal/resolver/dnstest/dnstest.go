// Package dnstest is a tiny DNS server for tests of name resolution: it
// serves a fixed zone on a UDP socket the test gives it (on loopback, or
// on port 53 inside a private network namespace), so that no query leaves
// the machine.
//
// The zone: alias.test is a CNAME for real.test; real.test is 127.0.0.9,
// which reverses to real.test; every other name is NXDOMAIN.
package dnstest

import (
	"encoding/binary"
	"net"
	"strings"
	"testing"

	"socklab/internal/sock/socktest"
)

// Query types the zone answers.
const (
	typeA     = 1
	typeCNAME = 5
	typePTR   = 12
)

// Serve answers queries on c until the test ends.
func Serve(tb testing.TB, c net.PacketConn) {
	socktest.ServePackets(tb, c, func(q []byte, from net.Addr) {
		if resp := Answer(q); resp != nil {
			c.WriteTo(resp, from)
		}
	})
}

// Start serves the zone on a fresh UDP port of 127.0.0.1 and returns it.
func Start(tb testing.TB) int {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("dns server: %v", err)
	}
	Serve(tb, c)
	return c.LocalAddr().(*net.UDPAddr).Port
}

// Answer is the zone's answer to the query q (nil if q is no query).
func Answer(q []byte) []byte {
	name, off, ok := question(q)
	if !ok {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[off:])
	resp := append([]byte(nil), q[:off+4]...)
	resp[2] = 0x81 // QR, RD
	resp[3] = 0x80 // RA
	binary.BigEndian.PutUint16(resp[4:], 1)
	for i := 6; i < 12; i++ {
		resp[i] = 0
	}
	var answers [][]byte
	switch strings.ToLower(name) {
	case "alias.test":
		answers = append(answers, rr(name, typeCNAME, wire("real.test")))
		if qtype == typeA {
			answers = append(answers, rr("real.test", typeA, []byte{127, 0, 0, 9}))
		}
	case "real.test":
		if qtype == typeA {
			answers = append(answers, rr(name, typeA, []byte{127, 0, 0, 9}))
		}
	case "9.0.0.127.in-addr.arpa":
		if qtype == typePTR {
			answers = append(answers, rr(name, typePTR, wire("real.test")))
		}
	default:
		resp[3] |= 3 // NXDOMAIN
	}
	for _, a := range answers {
		resp = append(resp, a...)
	}
	binary.BigEndian.PutUint16(resp[6:], uint16(len(answers)))
	return resp
}

// question reads the one question of a query (no compression in queries):
// its name and the offset of its type.
func question(q []byte) (string, int, bool) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return "", 0, false
	}
	var labels []string
	off := 12
	for off < len(q) && q[off] != 0 {
		l := int(q[off])
		if l > 63 || off+1+l > len(q) {
			return "", 0, false
		}
		labels = append(labels, string(q[off+1:off+1+l]))
		off += 1 + l
	}
	off++
	if off+4 > len(q) {
		return "", 0, false
	}
	return strings.Join(labels, "."), off, true
}

func wire(name string) []byte {
	var b []byte
	for l := range strings.SplitSeq(name, ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

func rr(owner string, typ uint16, rdata []byte) []byte {
	b := wire(owner)
	b = append(b, byte(typ>>8), byte(typ), 0, 1, 0, 0, 0, 60, byte(len(rdata)>>8), byte(len(rdata)))
	return append(b, rdata...)
}
