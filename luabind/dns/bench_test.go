package dns

import (
	"context"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	miekg "github.com/miekg/dns"
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// Run with: go test -run '^$' -bench Serve -cpuprofile cpu.out ./luabind/dns/
// BenchmarkServe floods a loopback server from 8 Go workers (one query in
// flight each, as bench/dns/run.sh does): a plain-Go handler on the engine,
// and dns.serve with a Lua handler; compare their ns/op.
func BenchmarkServe(b *testing.B) {
	b.Run("go", func(b *testing.B) {
		rr, _ := miekg.NewRR("web.lab.test. 3600 IN A 127.0.0.2")
		srv, err := engine.Serve(engine.ServerConfig{Handler: func(_ context.Context, req engine.Request) (*engine.Answer, error) {
			return &engine.Answer{Answer: []miekg.RR{rr}}, nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		flood(b, srv.Addr(), 8)
	})
	b.Run("lua", func(b *testing.B) {
		_, addr := luaServer(b, `function(q) return {q.name, "A", "127.0.0.2"} end`)
		flood(b, addr, 8)
	})
}

// flood sends b.N queries for web.lab.test A from workers goroutines.
func flood(b *testing.B, addr string, workers int) {
	b.Helper()
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	b.ResetTimer()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &miekg.Client{Timeout: 2 * time.Second}
			conn, err := c.Dial(addr)
			if err != nil {
				failed.Add(1)
				return
			}
			defer conn.Close()
			q := new(miekg.Msg)
			q.SetQuestion("web.lab.test.", miekg.TypeA)
			for next.Add(1) <= int64(b.N) {
				ok := false
				for try := 0; try < 5 && !ok; try++ {
					r, _, err := c.ExchangeWithConn(q, conn)
					ok = err == nil && len(r.Answer) == 1
				}
				if !ok {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// CPU time per query (server and client: one process) is steadier than
	// wall time on a loaded machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d queries failed", n)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkQueryLoop is the query loop of bench/dns/run.sh in one process:
// sequential queries against a zone server, from Lua's dns.query and from
// the library's own client.
func BenchmarkQueryLoop(b *testing.B) {
	rrs, _ := engine.ParseZone("web.lab.test A 127.0.0.2")
	srv, err := engine.Serve(engine.ServerConfig{Zone: engine.NewZone(rrs)})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	b.Run("go", func(b *testing.B) {
		c := &miekg.Client{Timeout: 2 * time.Second}
		cpu0 := cpuTime()
		for b.Loop() {
			q := new(miekg.Msg)
			q.SetQuestion("web.lab.test.", miekg.TypeA)
			q.SetEdns0(1232, false)
			if r, _, err := c.Exchange(q, srv.Addr()); err != nil || len(r.Answer) != 1 {
				b.Fatal(r, err)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
	b.Run("lua", func(b *testing.B) {
		e := runtimetest.New(b)
		proto, err := e.RT.Compile(`
			local addr, n = ...
			for i = 1, n do
				local r = dns.query("web.lab.test", "A", {server = addr})
				if #r.answer ~= 1 then error("bad answer") end
			end`, "loop")
		if err != nil {
			b.Fatal(err)
		}
		cpu0 := cpuTime()
		b.ResetTimer()
		if _, err := e.RT.Exec(context.Background(), proto, "loop", lua.LString(srv.Addr()), lua.LNumber(b.N)); err != nil {
			b.Fatal(runtime.ErrorMessage(err))
		}
		b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	})
}
