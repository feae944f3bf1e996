package dns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	miekg "github.com/miekg/dns"
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
	"socklab/internal/sock/socktest"
	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// TestLuaHandler: every kind of answer a handler can give, and a handler
// that errors (SERVFAIL, reported, the server goes on).
func TestLuaHandler(t *testing.T) {
	e := runtimetest.New(t)
	err := e.Exec(t, context.Background(), "test", `
		local seen = 0
		local srv = dns.serve{zone = "web.lab.test A 127.0.0.2", handler = function(q)
			seen = seen + 1
			if q.name == "dyn.lab.test." then
				return {q.name .. " 5 IN TXT \"" .. q.transport .. " " .. q.type .. "\""}
			elseif q.name == "one.lab.test." then
				return {q.name, "A", "127.0.0.9"}
			elseif q.name == "gone.lab.test." then
				return "NXDOMAIN"
			elseif q.name == "full.lab.test." then
				return {rcode = "NOERROR", answer = {{q.name, "A", "127.0.0.10"}},
				        additional = {"extra.lab.test A 127.0.0.11"}}
			elseif q.name == "boom.lab.test." then
				error("boom")
			elseif q.name == "bad.lab.test." then
				return 42
			end
		end}
		local o = {server = srv.addr, timeout = 10}
		local r = dns.query("dyn.lab.test", "TXT", o)
		assert(r.answer[1].text == "udp TXT" and r.flags.aa, tostring(r))
		assert(dns.query("dyn.lab.test", "TXT", {server = srv.addr, tcp = true}).answer[1].text == "tcp TXT")
		assert(dns.query("one.lab.test", "A", o).answer[1].address == "127.0.0.9")
		assert(dns.query("gone.lab.test", "A", o).rcode == "NXDOMAIN")
		local full = dns.query("full.lab.test", "A", o)
		assert(full.answer[1].address == "127.0.0.10" and full.additional[1].address == "127.0.0.11")
		assert(dns.query("boom.lab.test", "A", o).rcode == "SERVFAIL")
		assert(dns.query("bad.lab.test", "A", o).rcode == "SERVFAIL")
		assert(dns.query("web.lab.test", "A", o).answer[1].address == "127.0.0.2") -- the zone, after the handler declined
		assert(seen == 8, tostring(seen))
		assert(srv.errors == 2, tostring(srv.errors))
	`)
	if err != nil {
		t.Fatal(runtime.ErrorMessage(err), runtime.Traceback(err))
	}
	stderr := e.Err.String()
	if !strings.Contains(stderr, "dns.serve: handler failed for boom.lab.test. A (answered SERVFAIL): test:") || !strings.Contains(stderr, ": boom\n") ||
		!strings.Contains(stderr, "returned a number") {
		t.Fatalf("stderr %q", stderr)
	}
}

// TestLuaHandlerBlocks: a handler that blocks makes its query time out
// while the server answers others; closing the server ends it.
func TestLuaHandlerBlocks(t *testing.T) {
	out := run(t, nil, `
		local entered = chan(10)
		local srv = dns.serve{zone = "web.lab.test A 127.0.0.2", handler = function(q)
			if q.name == "slow.lab.test." then
				entered:send(true)
				sleep(3600)
			end
		end}
		local slow = spawn(function()
			return dns.query("slow.lab.test", "A", {server = srv.addr, timeout = 0.3, tries = 1})
		end)
		entered:recv()
		for i = 1, 20 do
			assert(dns.query("web.lab.test", "A", {server = srv.addr, timeout = 10}).answer[1].address == "127.0.0.2")
		end
		local r, err = slow:join()
		assert(r == nil and err:find("^timed out"), err)
		srv:close()
		print("ok", #tasks())
	`)
	if out != "ok\t0\n" {
		t.Fatalf("output %q", out)
	}
}

// TestLuaHandler1000Concurrent: 1,000 queries at once from Go clients, a
// Lua handler answering each with its own name.
func TestLuaHandler1000Concurrent(t *testing.T) {
	e, addr := luaServer(t, `function(q) return {q.name, "TXT", '"' .. q.name .. '"'} end`)
	var wg sync.WaitGroup
	errc := make(chan error, 1000)
	for i := range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("q%d.lab.test.", i)
			// The handlers take turns, so on a loaded machine (and under
			// -race) the last answers come seconds after the burst: a short
			// per-try timeout would only add retries to the queue. A
			// datagram the kernel dropped (the receive buffer overflowing)
			// is asked again, as resolvers do.
			o := engine.Options{Servers: []string{addr}, Timeout: 30 * time.Second, Tries: 4}
			if i%10 == 0 {
				o = engine.Options{Servers: []string{addr}, Timeout: 60 * time.Second, TCP: true}
			}
			resp, err := engine.Query(context.Background(), name, miekg.TypeTXT, o)
			if err == nil && (len(resp.Msg.Answer) != 1 || resp.Msg.Answer[0].(*miekg.TXT).Txt[0] != name) {
				err = fmt.Errorf("%s: answer %v", name, resp.Msg.Answer)
			}
			if err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	err := e.Exec(t, context.Background(), "check", `assert(srv.queries >= 1000, tostring(srv.queries)); srv:close()`)
	if err != nil {
		t.Fatal(runtime.ErrorMessage(err))
	}
}

// TestServerStopsWithItsTask: a server started by a task stops when the
// task is cancelled, and one started by a script when Ctrl-C interrupts it.
func TestServerStopsWithItsTask(t *testing.T) {
	run(t, nil, `
		local ch = chan(1)
		local h = spawn(function()
			local srv = dns.serve{zone = "web.lab.test A 127.0.0.2", handler = function() sleep(3600) end}
			ch:send(srv.addr)
			srv:wait()
		end)
		local addr = ch:recv()
		local r, err = dns.query("web.lab.test", "A", {server = addr, timeout = 0.2, tries = 1})
		assert(r == nil and err:find("timed out"), err)  -- the handler sleeps
		h:cancel()
		h:join()
		local deadline = now() + 20
		repeat
			r, err = dns.query("web.lab.test", "A", {server = addr, timeout = 0.2, tries = 1})
		until (r == nil and err:find("connection refused")) or now() > deadline
		assert(err and err:find("connection refused"), err)
	`)
	e := runtimetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- e.Exec(t, ctx, "script", `srv = dns.serve{zone = "web.lab.test A 127.0.0.2"}; ADDR = srv.addr; srv:wait()`)
	}()
	var addr string
	socktest.Eventually(t, "the script starts its server", func() bool {
		e.RT.Do(func(L *lua.LState) { addr = lua.LVAsString(L.GetGlobal("ADDR")) })
		return addr != ""
	})
	if _, err := engine.Query(context.Background(), "web.lab.test", miekg.TypeA, engine.Options{Servers: []string{addr}, Timeout: 10 * time.Second}); err != nil {
		t.Fatal(err)
	}
	cancel() // Ctrl-C
	if err := <-done; !runtime.IsInterrupted(err) {
		t.Fatalf("script: %v", err)
	}
	_, err := engine.Query(context.Background(), "web.lab.test", miekg.TypeA, engine.Options{Servers: []string{addr}, Timeout: 200 * time.Millisecond, Tries: 1})
	var se *engine.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("after Ctrl-C the server still answers: %v", err)
	}
}
