package sock

import (
	"testing"
	"time"
)

// SpinRecv catches data that is already there or arrives within the spin,
// gives up on an idle peer, and then stops spinning for a few calls, so
// that a connection waiting on a person does not burn CPU.
func TestSpinRecv(t *testing.T) {
	t.Parallel()
	s, peer := connectedPair(t)
	buf := make([]byte, 16)

	peer.Write([]byte("ready"))
	waitReadable(t, s)
	if n, err, ok := s.SpinRecv(buf, 0, false); !ok || err != nil || string(buf[:n]) != "ready" {
		t.Fatalf("data waiting: %q, %v, %v", buf[:n], err, ok)
	}

	start := time.Now()
	if _, _, ok := s.SpinRecv(buf, 0, false); ok {
		t.Fatal("idle peer: SpinRecv says it received")
	}
	if spent := time.Since(start); spent < spinFor {
		t.Errorf("gave up after %v, before spinning %v", spent, spinFor)
	}
	if s.spin.Load() >= 0 {
		t.Errorf("after a fruitless spin the socket still spins (score %d)", s.spin.Load())
	}
	// Cooling down: the next call only tries once, one step back towards
	// spinning (a second fruitless spin would have reset the score).
	before := s.spin.Load()
	s.SpinRecv(buf, 0, false)
	if got := s.spin.Load(); got != before+1 {
		t.Errorf("cooling down: score %d → %d, want %d", before, got, before+1)
	}

	// A contended lock or a non-blocking socket: one try only.
	s.spin.Store(0)
	s.SpinRecv(buf, 0, true)
	if s.spin.Load() != 0 {
		t.Error("spun although other tasks wait for the lock")
	}
	s.SetTimeout(0)
	s.SpinRecv(buf, 0, false)
	if s.spin.Load() != 0 {
		t.Error("a non-blocking socket spun")
	}
}
