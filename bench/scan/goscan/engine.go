package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"socklab/internal/scan"
)

// engineScan runs socklab's scanner engine as net.scan does, minus Lua.
func engineScan(t target, progress bool) (result, error) {
	targets, err := scan.ParseTargets([]string{t.host})
	if err != nil {
		return result{}, err
	}
	ps, err := scan.ParsePorts(t.ports)
	if err != nil {
		return result{}, err
	}
	opts := scan.Options{Concurrency: t.conc}
	if progress {
		start := time.Now()
		opts.Progress = func(done, total int) {
			fmt.Fprintf(os.Stderr, "%6.2fs %d/%d\n", time.Since(start).Seconds(), done, total)
		}
	}
	rep, err := scan.Scan(context.Background(), targets, ps, opts)
	if err != nil {
		return result{}, err
	}
	var open []int
	for _, r := range rep.Open() {
		open = append(open, r.Port)
	}
	return result{open, rep.Hosts * rep.Ports, rep.Elapsed, fmt.Sprintf(", %d probes", rep.Probes)}, nil
}
