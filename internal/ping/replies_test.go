package ping

import (
	"net/netip"
	"reflect"
	"testing"
	"time"
)

// TestRepliesRoundTrip: what store keeps compact comes back as it went in,
// whatever mix of sources, texts and flags.
func TestRepliesRoundTrip(t *testing.T) {
	a, b := netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("fe80::1%eth0")
	in := []Reply{
		{Seq: 1, From: a, Bytes: 64, TTL: 64, RTT: 1234 * time.Microsecond},
		{Seq: 1, From: a, Bytes: 64, TTL: 64, RTT: 2 * time.Millisecond, Dup: true},
		{Seq: 2, From: a, Bytes: 64, TTL: 64, RTT: 3 * time.Millisecond, Corrupt: true},
		{Seq: 2, From: b, Bytes: 8, TTL: 255, Error: "Time exceeded: Hop limit"},
		{Seq: 3, Error: "Network is unreachable", sendErr: true},
		{Seq: 4, From: a, RTT: time.Second, Note: "refused"},
		{Seq: 5, From: b, Bytes: 65515, Error: "Time exceeded: Hop limit"},
		{Seq: 1 << 40, From: a, Bytes: 64, TTL: 1, RTT: 90 * time.Minute},
	}
	// A flood: in order but for one lost reply, then a change of TTL.
	for seq := 100; seq < 200; seq++ {
		if seq != 150 {
			in = append(in, Reply{Seq: seq, From: a, Bytes: 64, TTL: 64 - seq/180, RTT: time.Duration(seq) * time.Microsecond})
		}
	}
	r := &Result{}
	for _, rep := range in {
		r.store(rep)
	}
	if r.NumReplies() != len(in) || len(r.froms) != 3 || len(r.texts) != 3 {
		t.Fatalf("%d replies, %d sources, %d texts", r.NumReplies(), len(r.froms), len(r.texts))
	}
	if len(r.odd) != 8+3 {
		t.Errorf("%d odd replies, want the first 8 and 3 in the flood", len(r.odd))
	}
	for i, want := range in {
		if got := r.Reply(i); !reflect.DeepEqual(got, want) {
			t.Errorf("reply %d: got %+v, want %+v", i, got, want)
		}
	}
	if got := r.Replies(); !reflect.DeepEqual(got, in) {
		t.Errorf("Replies() = %+v", got)
	}
}
