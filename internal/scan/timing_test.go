package scan

import (
	"testing"
	"time"
)

// TestTemplates: the six templates are nmap's, in order, and out of range
// is an error.
func TestTemplates(t *testing.T) {
	t.Parallel()
	for n := range 6 {
		tm, err := Template(n)
		if err != nil || tm.MinRTT > tm.MaxRTT || tm.InitialRTT < tm.MinRTT {
			t.Errorf("Template(%d) = %+v, %v", n, tm, err)
		}
	}
	if t5, _ := Template(5); t5.MaxRTT != 300*time.Millisecond || t5.MaxRetries != 2 {
		t.Errorf("T5 %+v", t5)
	}
	for _, n := range []int{-1, 6} {
		if _, err := Template(n); err == nil {
			t.Errorf("Template(%d): no error", n)
		}
	}
}

// TestUDPRetryBackoff: each retry of a silent UDP port waits twice the
// try before (up to MaxRTT), so a reply the first timeout missed still
// gets in; a fixed Options.Timeout stays fixed. Without Options.Retries a
// silent port gets nmap's allowance: two tries, one more than the highest
// try the host ever answered.
func TestUDPRetryBackoff(t *testing.T) {
	t.Parallel()
	tm := Templates[DefaultTemplate]
	h := newHostTiming(8)
	h.answer(0, time.Millisecond) // the timeout is now MinRTT (100 ms)
	e := &engine{opts: &Options{UDP: true, Timing: &tm}}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, tm.MaxRTT, tm.MaxRTT}
	for try, w := range want {
		if got := e.retryTimeout(h, try); got != w {
			t.Errorf("try %d waits %v, want %v", try, got, w)
		}
	}
	fixed := &engine{opts: &Options{UDP: true, Timing: &tm, Timeout: 30 * time.Millisecond}}
	if got := fixed.retryTimeout(h, 3); got != 30*time.Millisecond {
		t.Errorf("fixed timeout: try 3 waits %v", got)
	}
	if got := e.allowedTries(h); got != 2 {
		t.Errorf("adaptive: %d tries, want 2", got)
	}
	h.answer(2, 300*time.Millisecond) // a reply that came on the third try
	if got := e.allowedTries(h); got != 4 {
		t.Errorf("after an answer to try 2: %d tries, want 4", got)
	}
}
