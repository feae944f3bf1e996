package gcpace

import (
	"math"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	for _, c := range []struct {
		live       uint64
		goroutines int
		want       int64
	}{
		{0, ManyGoroutines, Floor},
		{10 << 20, ManyGoroutines, 10<<20 + Floor},
		{80 << 20, 10000, 80<<20 + Floor},    // a fifth is exactly Floor
		{400 << 20, 10000, 400<<20 + 80<<20}, // a fifth above
		{400 << 20, ManyGoroutines - 1, math.MaxInt64},
		{10 << 20, 1, math.MaxInt64},
	} {
		if got := Limit(c.live, c.goroutines); got != c.want {
			t.Errorf("Limit(%d MiB, %d goroutines) = %d MiB, want %d MiB", c.live>>20, c.goroutines, got>>20, c.want>>20)
		}
	}
}

// Start sets a soft memory limit after each collection, a fifth (at
// least Floor) above what the collection left live, and follows the live
// memory up, while the process holds many goroutines; it lifts the limit
// when they are gone.
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
	park := make(chan struct{})
	var parked sync.WaitGroup
	for range ManyGoroutines {
		parked.Add(1)
		go func() { defer parked.Done(); <-park }()
	}
	first := limitAfterGC("limit set", func(l int64) bool { return l != math.MaxInt64 && l >= int64(Live())+Floor })
	// The first collection ended the start-up's GOGC=400.
	limitAfterGC("start-up over", func(int64) bool { return !starting.Load() })
	if percent := debug.SetGCPercent(-1); percent != 100 {
		t.Errorf("GOGC after the first collection: %d, want 100", percent)
	}
	debug.SetGCPercent(100)
	ballast := make([][]byte, 64)
	for i := range ballast {
		ballast[i] = make([]byte, 1<<20) // 64 MiB live
	}
	limitAfterGC("limit follows 64 MiB more live memory", func(l int64) bool { return l >= first+64<<20 })
	runtime.KeepAlive(ballast)
	close(park)
	parked.Wait()
	limitAfterGC("no limit with few goroutines", func(l int64) bool { return l == math.MaxInt64 })
}

func TestEnvironmentWins(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	if Start() {
		t.Error("Start paced the collector although GOMEMLIMIT is set")
	}
}
