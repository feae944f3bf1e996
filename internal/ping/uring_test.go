package ping

import (
	"context"
	"net/netip"
	"os"
	"testing"
	"time"

	"socklab/internal/nstest"
)

// TestFloodBothWays floods 127.0.0.1 through the io_uring pair and through
// the plain calls: every echo answered once, the times measured.
func TestFloodBothWays(t *testing.T) {
	if os.Getuid() != 0 {
		nstest.SkipOrFail(t, "needs root for a raw ICMP socket")
	}
	if u, err := newURing(0); err != nil {
		// Any refusal (ENOSYS, EPERM under seccomp or io_uring_disabled,
		// ENOMEM under a small memlock limit) makes Ping take the plain
		// calls, as it does here.
		t.Logf("io_uring unavailable here (%v): both runs take the plain calls", err)
	} else {
		u.close()
	}
	lo := netip.MustParseAddr("127.0.0.1")
	for _, plain := range []bool{false, true} {
		plainCalls.Store(plain)
		r, err := Ping(context.Background(), "127.0.0.1", lo, Options{Count: 3000})
		plainCalls.Store(false)
		if err != nil {
			t.Fatal(err)
		}
		if r.Received != 3000 || r.Duplicates != 0 || r.Corrupted != 0 || r.NumReplies() != 3000 || r.Reply(2999).Seq != 3000 {
			t.Errorf("plain=%v: %d received, %d dups, %d corrupted, %d replies", plain, r.Received, r.Duplicates, r.Corrupted, r.NumReplies())
		}
		if _, _, _, _, ok := r.Stats(); !ok {
			t.Errorf("plain=%v: no times", plain)
		}
	}
}

// TestURingPair: echoes of ::1 through the ring, sent as sendto and as
// sendmsg; each reply read (in the same call when it was queued in time),
// with the hop limit from the control message.
func TestURingPair(t *testing.T) {
	if os.Getuid() != 0 {
		nstest.SkipOrFail(t, "needs root for a raw ICMP socket")
	}
	var skipped []string
	ic, err := openICMP(netip.MustParseAddr("::1"), MethodRaw, &skipped)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newICMPProber(ic, netip.MustParseAddr("::1"), 56, true)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	if p.io.ring == nil {
		t.Skip("io_uring unavailable here")
	}
	for seq, sendmsg := range []bool{false, true} {
		p.io.ring.sendmsg = sendmsg
		if err := p.send(seq + 1); err != nil {
			t.Fatal(err)
		}
		if p.io.pending < 0 { // (the kernel may defer loopback work on a loaded machine)
			t.Logf("sendmsg=%v: the reply was not queued yet; read by the plain call", sendmsg)
		}
		ev, ok := p.next(time.Now().Add(10 * time.Second))
		if !ok || ev.wire != seq+1 || ev.ttl != 64 || ev.bytes != 64 || ev.from != netip.MustParseAddr("::1") {
			t.Errorf("sendmsg=%v: reply %+v, ok %v", sendmsg, ev, ok)
		}
		if p.io.ring == nil || p.io.ring.sendmsg != sendmsg {
			t.Fatal("the ring failed and was dropped, or changed its way of sending")
		}
	}
}
