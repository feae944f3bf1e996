package scan

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"socklab/internal/scan/scantest"
)

// Banner grabbing, in the machine's own namespace: only the ports of the
// test's own listeners are scanned.

// TestBanner: a listener that speaks has its banner reported (trimmed,
// printable); one that accepts and stays silent gives an empty banner after
// BannerTimeout, without hanging. Also over ::1.
func TestBanner(t *testing.T) {
	t.Parallel()
	speak := func(network, addr, msg string) int {
		ln, err := net.Listen(network, addr)
		if err != nil {
			scantest.SkipOrFail(t, "listen %s %s: %v", network, addr, err)
		}
		return scantest.ServeBanner(t, ln, msg)
	}
	talker := speak("tcp4", "127.0.0.1:0", "SSH-2.0-socklab_test\r\n")
	binary := speak("tcp4", "127.0.0.1:0", "\x00\x01hi\xff\n")
	silent := speak("tcp4", "127.0.0.1:0", "")

	// The silent port costs the whole BannerTimeout; the others speak at once,
	// but a loaded machine may be slow to run their goroutines.
	opts := Options{Banner: true, BannerTimeout: 2 * time.Second, Service: func(int, string) string { return "x" }}
	rep, err := Scan(context.Background(), loopback4, []int{talker, binary, silent}, opts)
	if err != nil {
		t.Fatal(err)
	}
	banners := map[int]string{}
	for _, r := range rep.Results {
		if r.State != Open {
			t.Fatalf("port %d: %s", r.Port, r.State)
		}
		banners[r.Port] = r.Banner
	}
	if banners[talker] != "SSH-2.0-socklab_test" || banners[binary] != `\x00\x01hi\xff` || banners[silent] != "" {
		t.Errorf("banners %v", banners)
	}

	// BannerBytes caps what is read.
	rep, err = Scan(context.Background(), loopback4, []int{talker}, Options{Banner: true, BannerBytes: 7})
	if err != nil || rep.Results[0].Banner != "SSH-2.0" {
		t.Errorf("BannerBytes 7: %+v %v", rep, err)
	}

	// IPv6 loopback.
	v6 := speak("tcp6", "[::1]:0", "hello6\n")
	rep, err = Scan(context.Background(), []Target{{Host: "::1", IP: netip.IPv6Loopback()}}, []int{v6}, opts)
	if err != nil || rep.Results[0].State != Open || rep.Results[0].Banner != "hello6" {
		t.Errorf("::1: %+v %v", rep, err)
	}
}
