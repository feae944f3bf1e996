package dns

import (
	"testing"

	miekg "github.com/miekg/dns"
)

// TestParsedCacheCopies: a text parsed again comes from the cache, as a
// copy the caller may change without changing what the next caller gets.
func TestParsedCacheCopies(t *testing.T) {
	const text = "cache.lab.test 60 A 127.0.0.7"
	first, err := ParseZone(text)
	if err != nil || len(first) != 1 {
		t.Fatal(first, err)
	}
	if _, ok := parsed.get(text); !ok {
		t.Fatal("the parsed text was not remembered")
	}
	first[0].(*miekg.A).A[3] = 99
	first[0].Header().Ttl = 1
	for try := range 2 { // the second and third parse come from the cache
		again, err := ParseZone(text)
		if err != nil || len(again) != 1 {
			t.Fatal(again, err)
		}
		if got := again[0].String(); got != "cache.lab.test.\t60\tIN\tA\t127.0.0.7" {
			t.Fatalf("parse %d gave %q", try+2, got)
		}
		again[0].(*miekg.A).A[3] = 98
	}
	rec := Record{Name: "built.lab.test", Type: miekg.TypeA, TTL: 5, Data: "127.0.0.8"}
	a, err := BuildRR(rec)
	if err != nil {
		t.Fatal(err)
	}
	a.Header().Name = "changed."
	b, err := BuildRR(rec)
	if err != nil || b.String() != "built.lab.test.\t5\tIN\tA\t127.0.0.8" {
		t.Fatalf("second build gave %v, %v", b, err)
	}
}

// TestParsedCacheBounds: long texts are not remembered, and the cache
// starts over rather than grow past its size.
func TestParsedCacheBounds(t *testing.T) {
	var c parsedCache
	rr, _ := miekg.NewRR("x.lab.test A 127.0.0.1")
	long := string(make([]byte, parsedCacheMaxLen+1))
	c.put(long, []miekg.RR{rr})
	if _, ok := c.get(long); ok {
		t.Fatal("a long text was remembered")
	}
	for i := range parsedCacheSize + 10 {
		c.put(string(rune(i+1))+"key", []miekg.RR{rr})
	}
	if len(c.m) > parsedCacheSize {
		t.Fatalf("cache grew to %d", len(c.m))
	}
}
