// Package scancli is the command line that bench/scan's Go scanners
// (refscan, enginescan) share, so that run.sh calls them alike and reads
// them alike: the flags -host, -ports and -c; the open ports on stdout as
// "open: p1,p2,..."; the time and rate on stderr.
package scancli

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Target is what the shared flags ask for.
type Target struct {
	Host  string // -host: one address
	Ports string // -ports: "lo-hi"
	Conc  int    // -c: probes at once
}

// Flags defines the shared flags on the default flag set, with conc as the
// default of -c; the caller adds its own and calls flag.Parse.
func Flags(hostDoc string, conc int, concDoc string) *Target {
	var t Target
	flag.StringVar(&t.Host, "host", "127.0.0.1", hostDoc)
	flag.StringVar(&t.Ports, "ports", "1-65535", "ports (lo-hi)")
	flag.IntVar(&t.Conc, "c", conc, concDoc)
	return &t
}

// Exit prints "name: " and msg on stderr and leaves with code (2 for a bad
// command line, 1 for a failed scan).
func Exit(name string, code int, msg any) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", name, msg)
	os.Exit(code)
}

// Report prints the result: the open ports in order on stdout, and on
// stderr "name: N ports in T, R ports/s" followed by extra.
func Report(name string, open []int, ports int, elapsed time.Duration, extra string) {
	open = slices.Sorted(slices.Values(open))
	s := make([]string, len(open))
	for i, p := range open {
		s[i] = strconv.Itoa(p)
	}
	fmt.Println("open: " + strings.Join(s, ","))
	fmt.Fprintf(os.Stderr, "%s: %d ports in %v, %.0f ports/s%s\n",
		name, ports, elapsed.Round(time.Millisecond), float64(ports)/elapsed.Seconds(), extra)
}
