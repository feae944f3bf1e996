package dns

import (
	"sync"

	miekg "github.com/miekg/dns"
)

// A server's Lua handler returns the same few records query after query,
// as zone text or fields that BuildRR writes as zone text; the library's
// zone parser then costs more than the rest of the answer's path (its
// large frames also make each query's fresh goroutine grow its stack). So
// parsed texts are remembered, and each caller gets its own copies.

// parsedCache holds the records parsed from recent zone texts.
type parsedCache struct {
	mu sync.Mutex
	m  map[string][]miekg.RR
}

const (
	parsedCacheSize   = 4096 // texts remembered; the cache starts over when full
	parsedCacheMaxLen = 1024 // longer texts (whole zones) are parsed each time
	parsedCacheMaxRRs = 16   // and so are texts of more records
)

var parsed parsedCache

// get returns copies of the records parsed from text, if remembered.
func (c *parsedCache) get(text string) ([]miekg.RR, bool) {
	if len(text) > parsedCacheMaxLen {
		return nil, false
	}
	c.mu.Lock()
	rrs, ok := c.m[text]
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	return copyRRs(rrs), true
}

// getOne is get for a key that names one record.
func (c *parsedCache) getOne(key string) (miekg.RR, bool) {
	c.mu.Lock()
	rrs, ok := c.m[key]
	c.mu.Unlock()
	if !ok || len(rrs) != 1 {
		return nil, false
	}
	return miekg.Copy(rrs[0]), true
}

// put remembers what text parsed to; rrs stay the caller's.
func (c *parsedCache) put(text string, rrs []miekg.RR) {
	if len(text) > parsedCacheMaxLen || len(rrs) > parsedCacheMaxRRs {
		return
	}
	own := copyRRs(rrs)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= parsedCacheSize {
		c.m = make(map[string][]miekg.RR, 64)
	}
	c.m[text] = own
}

func copyRRs(rrs []miekg.RR) []miekg.RR {
	out := make([]miekg.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = miekg.Copy(rr)
	}
	return out
}
