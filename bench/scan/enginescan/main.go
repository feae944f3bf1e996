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
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"socklab/internal/scan"
)

func main() {
	host := flag.String("host", "127.0.0.1", "target (loopback, private or link-local)")
	ports := flag.String("ports", "1-65535", "ports")
	conc := flag.Int("c", 0, "concurrency (0 = automatic)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	trace := flag.Bool("progress", false, "print progress every 100 ms on stderr (where the time goes)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "enginescan:", err)
			os.Exit(2)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
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
	opts := scan.Options{Concurrency: *conc}
	if *trace {
		start := time.Now()
		opts.Progress = func(done, total int) {
			fmt.Fprintf(os.Stderr, "%6.2fs %d/%d\n", time.Since(start).Seconds(), done, total)
		}
	}
	rep, err := scan.Scan(context.Background(), targets, ps, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginescan:", err)
		os.Exit(1)
	}
	pprof.StopCPUProfile()
	var open []string
	for _, r := range rep.Open() {
		open = append(open, strconv.Itoa(r.Port))
	}
	fmt.Println("open: " + strings.Join(open, ","))
	n := rep.Hosts * rep.Ports
	fmt.Fprintf(os.Stderr, "enginescan: %d ports in %v, %.0f ports/s, %d probes\n",
		n, rep.Elapsed.Round(time.Millisecond), float64(n)/rep.Elapsed.Seconds(), rep.Probes)
}
