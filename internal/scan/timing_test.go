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
