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
	"time"

	"socklab/bench/scan/scancli"
	"socklab/internal/scan"
)

const name = "enginescan"

func main() {
	target := scancli.Flags("target (loopback, private or link-local)", 0, "concurrency (0 = automatic)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	trace := flag.Bool("progress", false, "print progress every 100 ms on stderr (where the time goes)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			scancli.Exit(name, 2, err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	targets, err := scan.ParseTargets([]string{target.Host})
	if err != nil {
		scancli.Exit(name, 2, err)
	}
	ps, err := scan.ParsePorts(target.Ports)
	if err != nil {
		scancli.Exit(name, 2, err)
	}
	opts := scan.Options{Concurrency: target.Conc}
	if *trace {
		start := time.Now()
		opts.Progress = func(done, total int) {
			fmt.Fprintf(os.Stderr, "%6.2fs %d/%d\n", time.Since(start).Seconds(), done, total)
		}
	}
	rep, err := scan.Scan(context.Background(), targets, ps, opts)
	if err != nil {
		scancli.Exit(name, 1, err)
	}
	pprof.StopCPUProfile()
	var open []int
	for _, r := range rep.Open() {
		open = append(open, r.Port)
	}
	scancli.Report(name, open, rep.Hosts*rep.Ports, rep.Elapsed, fmt.Sprintf(", %d probes", rep.Probes))
}
