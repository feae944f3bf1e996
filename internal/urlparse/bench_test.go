package urlparse

import (
	"strconv"
	"testing"
)

// BenchmarkParseHostPort is the engine's share of bench/addrurl's loop:
// urlparse of a URL, then its hostname and port.
func BenchmarkParseHostPort(b *testing.B) {
	urls := make([]string, 1000)
	for i := range urls {
		n := strconv.Itoa(i)
		urls[i] = "http://user" + n + "@host" + n + ".example.com:" + strconv.Itoa(1024+i) + "/path/" + n + "/page;p?q=" + n + "&r=x#frag" + n
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p, err := Parse(urls[i%len(urls)], "", true)
		if err != nil {
			b.Fatal(err)
		}
		Hostname(p.Netloc)
		if _, _, err := Port(p.Netloc); err != nil {
			b.Fatal(err)
		}
	}
}
