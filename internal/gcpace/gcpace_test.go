package gcpace

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int64
	}{
		{0, Floor},
		{10 << 20, 10<<20 + Floor},
		{80 << 20, 80<<20 + Floor},    // a fifth is exactly Floor
		{400 << 20, 400<<20 + 80<<20}, // a fifth above
	} {
		if got := Limit(c.live); got != c.want {
			t.Errorf("Limit(%d MiB) = %d MiB, want %d MiB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

// Start sets a soft memory limit after each collection, a fifth (at
// least Floor) above what the collection left live, and follows the live
// memory up.
func TestStartFollowsLiveMemory(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	if !Start() {
		t.Fatal("Start refused with GOGC and GOMEMLIMIT unset")
	}
	limitAfterGC := func(what string, ok func(limit int64) bool) int64 {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			runtime.GC()
			// The cleanup that re-paces runs on its own goroutine after
			// the collection: poll for it.
			for range 100 {
				if l := debug.SetMemoryLimit(-1); ok(l) {
					return l
				}
				time.Sleep(time.Millisecond)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: limit %d MiB, live %d MiB", what, debug.SetMemoryLimit(-1)>>20, Live()>>20)
			}
		}
	}
	first := limitAfterGC("limit set", func(l int64) bool { return l != math.MaxInt64 && l >= int64(Live())+Floor })
	ballast := make([][]byte, 64)
	for i := range ballast {
		ballast[i] = make([]byte, 1<<20) // 64 MiB live
	}
	limitAfterGC("limit follows 64 MiB more live memory", func(l int64) bool { return l >= first+64<<20 })
	runtime.KeepAlive(ballast)
}

func TestEnvironmentWins(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	if Start() {
		t.Error("Start paced the collector although GOMEMLIMIT is set")
	}
}
