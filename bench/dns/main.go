// Command dnsbench is the plain-Go side of bench/dns/run.sh, on the same
// library socklab uses (github.com/miekg/dns):
//
//	dnsbench serve                   a miekg server answering web.lab.test A; prints its address
//	dnsbench loop ADDR N             N sequential queries, one at a time; prints seconds
//	dnsbench flood ADDR[,ADDR…] N WORKERS
//	                                 N queries to each server from WORKERS goroutines,
//	                                 in slices that take turns; prints seconds per server
//
// Traffic goes to loopback only; every loop is bounded by N and by a
// per-query timeout.
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	miekg "github.com/miekg/dns"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "serve":
		serve()
	case "loop":
		addr, n := os.Args[2], atoi(os.Args[3])
		fmt.Printf("%.4f\n", loop(addr, n))
	case "flood":
		addrs, n, workers := strings.Split(os.Args[2], ","), atoi(os.Args[3]), atoi(os.Args[4])
		for _, s := range floodInterleaved(addrs, n, workers) {
			fmt.Printf("%.4f\n", s)
		}
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: dnsbench serve | loop ADDR N | flood ADDR N WORKERS")
	os.Exit(2)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		usage()
	}
	return n
}

// serve answers every query for web.lab.test A with 127.0.0.2, as the
// static zone of dns.serve in run.sh does, truncating as dns.serve does.
func serve() {
	rr, _ := miekg.NewRR("web.lab.test. 3600 IN A 127.0.0.2")
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &miekg.Server{PacketConn: pc, Handler: miekg.HandlerFunc(func(w miekg.ResponseWriter, r *miekg.Msg) {
		m := new(miekg.Msg)
		m.SetReply(r)
		m.Authoritative = true
		if len(r.Question) == 1 && r.Question[0].Qtype == miekg.TypeA {
			m.Answer = []miekg.RR{rr}
		} else {
			m.Rcode = miekg.RcodeNameError
		}
		if opt := r.IsEdns0(); opt != nil {
			m.SetEdns0(1232, false)
		}
		m.Truncate(1232)
		w.WriteMsg(m)
	})}
	fmt.Println(pc.LocalAddr().String())
	if err := srv.ActivateAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func query() *miekg.Msg {
	q := new(miekg.Msg)
	q.SetQuestion("web.lab.test.", miekg.TypeA)
	q.SetEdns0(1232, false)
	return q
}

// loop is the plain-Go twin of the Lua loop: one query at a time, a new
// socket per query, as dns.query makes.
func loop(addr string, n int) float64 {
	c := &miekg.Client{Timeout: 2 * time.Second}
	start := time.Now()
	for i := 0; i < n; i++ {
		r, _, err := c.Exchange(query(), addr)
		if err != nil || len(r.Answer) != 1 {
			fmt.Fprintln(os.Stderr, "query failed:", err)
			os.Exit(1)
		}
	}
	return time.Since(start).Seconds()
}

// floodSlices is how many turns each server gets in floodInterleaved.
const floodSlices = 10

// floodInterleaved sends n queries to each of addrs, in slices that take
// turns (a slice to the first server, one to the second…), and returns the
// seconds each server took in all. On a machine whose load comes and goes,
// servers measured one after the other would each see a different machine;
// taking turns lets them share its moods.
func floodInterleaved(addrs []string, n, workers int) []float64 {
	secs := make([]float64, len(addrs))
	for i := 0; i < floodSlices; i++ {
		slice := n / floodSlices
		if i == floodSlices-1 {
			slice = n - slice*(floodSlices-1)
		}
		for j, addr := range addrs {
			secs[j] += flood(addr, slice, workers)
		}
	}
	return secs
}

// flood sends n queries from workers goroutines, each on its own connected
// UDP socket, one query in flight per worker; a lost datagram is asked
// again (at most 5 times).
func flood(addr string, n, workers int) float64 {
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &miekg.Client{Timeout: time.Second}
			conn, err := c.Dial(addr)
			if err != nil {
				failed.Add(1)
				return
			}
			defer conn.Close()
			for next.Add(1) <= int64(n) {
				ok := false
				for try := 0; try < 5 && !ok; try++ {
					r, _, err := c.ExchangeWithConn(query(), conn)
					ok = err == nil && len(r.Answer) == 1
				}
				if !ok {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		fmt.Fprintf(os.Stderr, "%d queries failed\n", f)
		os.Exit(1)
	}
	return time.Since(start).Seconds()
}
