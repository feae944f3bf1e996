// Command goscan holds bench/scan/run.sh's two Go scanners behind one
// command line and one output, so that they differ only in how they scan:
//
//	goscan -scanner ref     the yardstick: the plainest fast TCP connect scanner in Go (ref.go)
//	goscan -scanner engine  socklab's scanner engine (socklab/internal/scan) called directly,
//	                        without Lua: what the engine costs before the Lua face (engine.go)
//
// Common flags: [-host 127.0.0.1] [-ports 1-65535] [-c N] [-cpuprofile FILE].
// It prints "open: p1,p2,..." on stdout and the time and rate on stderr.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
)

// target is what both scanners are asked to scan.
type target struct {
	host  string // one address
	ports string // "lo-hi" (the engine also takes nmap's lists)
	conc  int    // probes at once; 0: the scanner's own default
}

// result is what both scanners report.
type result struct {
	open    []int
	ports   int // how many were probed
	elapsed time.Duration
	extra   string // appended to the rate line
}

func main() {
	var t target
	scanner := flag.String("scanner", "", "ref or engine")
	flag.StringVar(&t.host, "host", "127.0.0.1", "address to scan (ref: IPv4 loopback only; engine: loopback, private or link-local)")
	flag.StringVar(&t.ports, "ports", "1-65535", "ports (lo-hi)")
	flag.IntVar(&t.conc, "c", 0, "probes at once (0: ref 256 goroutines, engine automatic)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the scan to this file")
	timeout := flag.Duration("timeout", time.Second, "ref: connect timeout (SO_SNDTIMEO)")
	progress := flag.Bool("progress", false, "engine: print progress every 100 ms on stderr (where the time goes)")
	flag.Parse()

	var scan func() (result, error)
	switch *scanner {
	case "ref":
		scan = func() (result, error) { return refScan(t, *timeout) }
	case "engine":
		scan = func() (result, error) { return engineScan(t, *progress) }
	default:
		fail(2, "-scanner must be ref or engine")
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(2, err)
		}
		pprof.StartCPUProfile(f)
	}
	// Bad -host or -ports values come back from the scanner as errors.
	res, err := scan()
	pprof.StopCPUProfile()
	if err != nil {
		fail(1, err)
	}
	report(*scanner, res)
}

// fail prints msg on stderr and leaves with code (2: a bad command line,
// 1: a scan that could not run).
func fail(code int, msg any) {
	fmt.Fprintln(os.Stderr, "goscan:", msg)
	os.Exit(code)
}

// report prints the open ports in order on stdout, as run.sh reads them,
// and "NAME: N ports in T, R ports/s" on stderr.
func report(name string, res result) {
	open := slices.Sorted(slices.Values(res.open))
	s := make([]string, len(open))
	for i, p := range open {
		s[i] = strconv.Itoa(p)
	}
	fmt.Println("open: " + strings.Join(s, ","))
	fmt.Fprintf(os.Stderr, "%s: %d ports in %v, %.0f ports/s%s\n", name, res.ports,
		res.elapsed.Round(time.Millisecond), float64(res.ports)/res.elapsed.Seconds(), res.extra)
}
