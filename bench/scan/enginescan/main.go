// Command enginescan runs socklab's scanner engine (socklab/internal/scan)
// directly, without Lua, for bench/scan/run.sh: it shows what the engine
// costs before the Lua face is added.
//
//	enginescan [-host 127.0.0.1] [-ports 1-65535] [-c 0]
//
// It prints "open: p1,p2,..." on stdout and the time and rate on stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"socklab/internal/scan"
)

func main() {
	host := flag.String("host", "127.0.0.1", "target (loopback, private or link-local)")
	ports := flag.String("ports", "1-65535", "ports")
	conc := flag.Int("c", 0, "concurrency (0 = automatic)")
	flag.Parse()
	targets, err := scan.ParseTargets([]string{*host})
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginescan:", err)
		os.Exit(2)
	}
	ps, err := scan.ParsePorts(*ports)
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginescan:", err)
		os.Exit(2)
	}
	rep, err := scan.Scan(context.Background(), targets, ps, scan.Options{Concurrency: *conc})
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginescan:", err)
		os.Exit(1)
	}
	var open []string
	for _, r := range rep.Open() {
		open = append(open, strconv.Itoa(r.Port))
	}
	fmt.Println("open: " + strings.Join(open, ","))
	n := rep.Hosts * rep.Ports
	fmt.Fprintf(os.Stderr, "enginescan: %d ports in %v, %.0f ports/s, %d probes\n",
		n, rep.Elapsed.Round(time.Millisecond), float64(n)/rep.Elapsed.Seconds(), rep.Probes)
}
