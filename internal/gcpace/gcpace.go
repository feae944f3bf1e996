// Package gcpace paces Go's garbage collector for a process that may hold
// thousands of goroutines, as socklab does with one goroutine per task.
//
// Go's default (GOGC=100) lets the heap grow by as much as is live,
// goroutine stacks included, before it collects: 10,000 tasks, each with an
// 8 KiB goroutine stack and about 6 KiB of Lua thread, socket and context
// on the heap, hold about 150 MB live and were allowed to reach twice that
// (bench/memory: 245 MB peak RSS). Start adds a soft memory limit
// (runtime/debug.SetMemoryLimit) a fifth above what the last collection
// found live, and at least Floor above it, recomputed after every
// collection. A small program never reaches the limit (GOGC governs it as
// usual); a large one is collected when its memory has grown by a fifth
// rather than doubled. As the limit always stands above what is live, the
// collector never runs back to back trying to meet it.
//
// The pacing applies only while the process holds many goroutines
// (ManyGoroutines): that is where the doubling costs memory that matters.
// A busy loop on one task that allocates a lot (a million parsed URLs)
// would pay for a tight limit with five times as many collections and gain
// nothing, so there Go's default pacing stays.
//
// Until its first collection the process runs with GOGC=400 (see
// startGCPercent): a short script ends before it needs one.
//
// GOGC or GOMEMLIMIT in the environment turn the pacing off: the person's
// own setting wins.
package gcpace

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Floor is the least headroom above live memory, so that small programs
// keep Go's default pacing.
const Floor = 32 << 20

// ManyGoroutines is how many goroutines a process holds before the pacing
// applies: a thousand tasks or so.
const ManyGoroutines = 1000

// headroom is the growth allowed between collections, as a fraction of what
// is live (1/5).
const headroomDiv = 5

var once sync.Once

// Start begins pacing for the rest of the process, once. It reports whether
// pacing is on (false when GOGC or GOMEMLIMIT is set).
func Start() bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	once.Do(func() {
		starting.Store(true)
		debug.SetGCPercent(startGCPercent)
		repace()
	})
	return true
}

// startGCPercent is the GOGC of a process until its first collection: Go's
// least heap goal is 4 MiB times GOGC/100, so the first collection waits for
// a 16 MiB heap instead of 4 MiB. Most socklab runs are a script or a REPL
// line that ends before then: a listing of 10,000 connections allocates
// about 6 MiB of short-lived data and paid a whole collection for it, a
// tenth of its time. After the first collection GOGC is Go's default again,
// so nothing changes for a process that keeps running.
const startGCPercent = 400

// starting is true until the first collection's cleanup restores GOGC=100.
var starting atomic.Bool

// sentinel is garbage from birth: its cleanup runs after the next
// collection, re-paces and arms the next one. It holds a pointer so that
// the tiny allocator never batches it with other objects (a cleanup on a
// batched object may never run).
type sentinel struct {
	_ *byte
	_ [3]uintptr
}

func repace() {
	limit := int64(math.MaxInt64)
	// Live reads runtime/metrics, which costs more than the rest of the
	// start-up's pacing: read it only when the limit depends on it.
	if n := runtime.NumGoroutine(); n >= ManyGoroutines {
		limit = Limit(Live(), n)
	}
	debug.SetMemoryLimit(limit)
	runtime.AddCleanup(new(sentinel), func(struct{}) {
		if starting.CompareAndSwap(true, false) {
			debug.SetGCPercent(100)
		}
		repace()
	}, struct{}{})
}

// Limit is the soft memory limit for live bytes of live memory in a process
// with goroutines goroutines (none below ManyGoroutines).
func Limit(live uint64, goroutines int) int64 {
	if goroutines < ManyGoroutines {
		return math.MaxInt64
	}
	return int64(live + max(live/headroomDiv, Floor))
}

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
	{Name: "/memory/classes/heap/free:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/unused:bytes"},
}

var samplesMu sync.Mutex

// Live is the memory the last collection found in use: the live heap plus
// everything else the Go runtime holds mapped (goroutine and thread stacks,
// metadata), without free, dead or unused heap memory (the room that dead
// objects leave in partly used spans counts as unused).
func Live() uint64 {
	samplesMu.Lock()
	defer samplesMu.Unlock()
	metrics.Read(samples)
	heapLive := samples[0].Value.Uint64()
	total, released := samples[1].Value.Uint64(), samples[2].Value.Uint64()
	free, objects, unused := samples[3].Value.Uint64(), samples[4].Value.Uint64(), samples[5].Value.Uint64()
	other := total - released - free - objects - unused
	return heapLive + other
}
