package ping

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestMatchChecksum: a raw IPv4 socket checks an echo reply's sum itself
// (the kernel does not for raw sockets); a datagram socket and ICMPv6 rely
// on the kernel, which checked it before.
func TestMatchChecksum(t *testing.T) {
	reply := make([]byte, 64)
	binary.BigEndian.PutUint16(reply[4:], 0x1234)
	binary.BigEndian.PutUint16(reply[6:], 7)
	for i := 8; i < len(reply); i++ {
		reply[i] = byte(i)
	}
	binary.BigEndian.PutUint16(reply[2:], checksum(reply))
	bad := append([]byte(nil), reply...)
	bad[40] ^= 0x10
	v4 := netip.MustParseAddr("127.0.0.1")
	cases := []struct {
		name        string
		method      string
		msg         []byte
		wantCorrupt bool
	}{
		{"raw, good sum", MethodRaw, reply, false},
		{"raw, bad sum", MethodRaw, bad, true},
		{"dgram, bad sum (the kernel checked)", MethodDgram, bad, false},
	}
	for _, c := range cases {
		ic := &icmpConn{method: c.method, id: 0x1234}
		ev, ok := ic.match(packet{from: v4, msg: c.msg, at: time.Now()}, v4)
		if !ok || ev.wire != 7 || ev.corrupt != c.wantCorrupt {
			t.Errorf("%s: ok %v, wire %d, corrupt %v", c.name, ok, ev.wire, ev.corrupt)
		}
	}
	// A corrupted reply counts as iputils counts it.
	r := &Result{timing: true, tmin: -1, Flood: true, Transmitted: 2}
	var marks string
	o := Options{OnMark: func(m string) { marks += m }}
	echoes := newEchoLog(2)
	r.record(event{wire: 1, from: v4, bytes: 64, at: time.Now()}, 1, time.Now(), echoes, o)
	r.record(event{wire: 2, from: v4, bytes: 64, at: time.Now(), corrupt: true}, 2, time.Now(), echoes, o)
	if r.Received != 1 || r.Corrupted != 1 || echoes.answer(2) || marks != "\b \b\bC" || r.floodMarks() != "C" {
		t.Errorf("received %d, corrupted %d, marks %q, screen %q", r.Received, r.Corrupted, marks, r.floodMarks())
	}
	if rep := r.Reply(1); !rep.Corrupt || !strings.HasPrefix(r.Line(rep), "64 bytes from 127.0.0.1: icmp_seq=2 time=") ||
		!strings.HasSuffix(r.Line(rep), " ms (BAD CHECKSUM!)") {
		t.Errorf("line %q", r.Line(rep))
	}
	if s := r.Summary(); !strings.Contains(s, "2 packets transmitted, 1 received, +1 corrupted, 50% packet loss") {
		t.Errorf("summary %q", s)
	}
}
