// Command netinfo benchmarks net.connections() with many TCP sockets open
// against `ss -tanp` on the same sockets, in one run, and prints the ratio.
// run.sh runs it inside a private network namespace (only its sockets
// exist there). It holds the sockets itself, so both tools map them to its
// pid.
//
//	go run ./bench/netinfo -socklab /path/to/socklab -n 10000 -rounds 5
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"socklab/internal/netinfo"
)

func main() {
	n := flag.Int("n", 10000, "TCP sockets to hold open (pairs of n/2)")
	rounds := flag.Int("rounds", 5, "interleaved rounds; the median is shown")
	socklab := flag.String("socklab", "socklab", "the socklab binary")
	flag.Parse()

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	must(err)
	var conns []net.Conn
	for range *n / 2 {
		c, err := net.Dial("tcp4", ln.Addr().String())
		must(err)
		s, err := ln.Accept()
		must(err)
		conns = append(conns, c, s)
	}
	fmt.Printf("holding %d TCP sockets (pid %d)\n", len(conns)+1, os.Getpid())

	script := fmt.Sprintf(`local c = net.connections("tcp")
local owned = 0
for _, e in ipairs(c) do if e.pid == %d then owned = owned + 1 end end
assert(#c >= %d and owned >= %d, #c .. " sockets, " .. owned .. " with our pid")`, os.Getpid(), len(conns), len(conns))
	var tSocklab, tSS, tEngine, cSocklab, cSS, tStart, tTrue []time.Duration
	for range *rounds {
		wall, cpu := timed(*socklab, "-e", script)
		tSocklab, cSocklab = append(tSocklab, wall), append(cSocklab, cpu)
		wall, cpu = timed("ss", "-tanp")
		tSS, cSS = append(tSS, wall), append(cSS, cpu)
		wall, _ = timed(*socklab, "-e", "return")
		tStart = append(tStart, wall)
		wall, _ = timed("true")
		tTrue = append(tTrue, wall)
		start := time.Now()
		cs, err := netinfo.Connections(netinfo.Filter{Protos: []string{"tcp"}})
		must(err)
		tEngine = append(tEngine, time.Since(start))
		if len(cs) < len(conns) {
			panic("engine missed sockets")
		}
	}
	m := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	sl, ss, en, csl, css := m(tSocklab), m(tSS), m(tEngine), m(cSocklab), m(cSS)
	fmt.Printf("%-44s %8s %8s\n", "", "wall", "cpu")
	fmt.Printf("%-44s %8.1f %8.1f ms\n", "socklab -e 'net.connections(\"tcp\")' (process)", ms(sl), ms(csl))
	fmt.Printf("%-44s %8.1f %8.1f ms\n", "ss -tanp > /dev/null (process)", ms(ss), ms(css))
	fmt.Printf("%-44s %8.1f %8s ms\n", "engine netinfo.Connections (in process)", ms(en), "")
	fmt.Printf("%-44s %8.1f %8s ms\n", "socklab -e 'return' (start-up)", ms(m(tStart)), "")
	fmt.Printf("%-44s %8.1f %8s ms\n", "true (a process started from this one)", ms(m(tTrue)), "")
	fmt.Printf("ratio (ss / socklab): wall %.2fx, cpu %.2fx; engine alone wall %.2fx\n", float64(ss)/float64(sl), float64(css)/float64(csl), float64(ss)/float64(en))
	for _, c := range conns {
		c.Close()
	}
	ln.Close()
}

// timed runs a command (its output discarded, as `> /dev/null`) and
// returns its wall time and its CPU time (user + system): on a shared
// machine the CPU time is the steadier figure.
func timed(name string, args ...string) (time.Duration, time.Duration) {
	cmd := exec.Command(name, args...)
	var errb strings.Builder
	cmd.Stderr = &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n%s", name, err, errb.String())
		os.Exit(1)
	}
	wall := time.Since(start)
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func must(err error) {
	if err != nil {
		panic(err)
	}
}
