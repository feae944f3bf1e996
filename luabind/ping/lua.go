// Package ping is the Lua face of internal/ping: net.ping and
// net.traceroute, registered into the `net` module beside net.scan and the
// netinfo functions. It checks options, resolves names, runs the engine
// with the Lua lock released and returns tables that print like iputils'
// ping and traceroute.
//
// net.ping does not print while it runs unless opts.live is set: its result
// prints the whole transcript, so at the REPL the lines appear once, when it
// ends. Ctrl-C is the exception, as in iputils: what was gathered so far is
// printed before the call is interrupted (with live, only the summary).
package ping

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/ping"
	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

const (
	resultType = "net.pingresult"
	multiType  = "net.pingmulti"
	traceType  = "net.traceresult"
)

// defaultCount bounds a ping given neither count nor deadline (iputils would
// run until Ctrl-C; every loop that sends traffic here is bounded).
const defaultCount = 4

func init() {
	runtime.Register(&runtime.Module{
		Name:    "net",
		Doc:     "ping and traceroute (ping, traceroute)",
		Funcs:   []runtime.Function{pingFunc, tracerouteFunc},
		Types:   []*runtime.Type{replyType},
		Results: map[string]lua.LGFunction{resultType: tostringHeld, multiType: tostringHeld, traceType: tostringHeld},
	})
}

// held is the Go value a result table prints from.
type held struct{ text func() string }

// newResult makes a table with its own metatable that prints text().
func newResult(L *lua.LState, typeName string, text func() string) *lua.LTable {
	return runtime.NewHeld(L, typeName, held{text})
}

func tostringHeld(L *lua.LState) int {
	text := ""
	if h, ok := runtime.Held(L, L.Get(1)).(held); ok {
		text = h.text()
	}
	L.Push(lua.LString(strings.TrimRight(text, "\n")))
	return 1
}

// ---- options ----

type pingOpts struct {
	engine.Options
	family  int
	live    bool
	counted bool
}

func optNumber(L *lua.LState, opts *lua.LTable, key string, n int) (float64, bool) {
	v := opts.RawGetString(key)
	if v == lua.LNil {
		return 0, false
	}
	num, ok := v.(lua.LNumber)
	if !ok || math.IsNaN(float64(num)) || math.IsInf(float64(num), 0) {
		L.ArgError(n, fmt.Sprintf("opts.%s: a number expected, got %s", key, v.Type()))
	}
	return float64(num), true
}

func optInt(L *lua.LState, opts *lua.LTable, key string, n, lo, hi int) (int, bool) {
	f, ok := optNumber(L, opts, key, n)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		L.ArgError(n, fmt.Sprintf("opts.%s must be an integer %d-%d, got %v", key, lo, hi, f))
	}
	return int(f), true
}

func optSeconds(L *lua.LState, opts *lua.LTable, key string, n int) (time.Duration, bool) {
	f, ok := optNumber(L, opts, key, n)
	if !ok {
		return 0, false
	}
	if f < 0 || f > 1e6 {
		L.ArgError(n, fmt.Sprintf("opts.%s must be 0-1e6 seconds, got %v", key, f))
	}
	return time.Duration(f * float64(time.Second)), true
}

var pingKeys = map[string]bool{"count": true, "interval": true, "deadline": true, "timeout": true, "size": true,
	"ttl": true, "family": true, "method": true, "port": true, "live": true}

func checkPingOpts(L *lua.LState, n int, multi bool) pingOpts {
	o := pingOpts{}
	o.Interval = time.Second
	var opts *lua.LTable
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		opts = L.NewTable()
	case *lua.LTable:
		opts = v
	default:
		L.ArgError(n, "opts: a table expected, got "+v.Type().String())
	}
	opts.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); !ok || !pingKeys[string(s)] {
			L.ArgError(n, fmt.Sprintf("unknown option %s (expected count, interval, deadline, timeout, size, ttl, family, method, port, live)", lua.LVAsString(k)))
		}
	})
	if c, ok := optInt(L, opts, "count", n, 1, 1<<31-1); ok {
		o.Count, o.counted = c, true
	}
	if d, ok := optSeconds(L, opts, "interval", n); ok {
		o.Interval = d
	}
	if d, ok := optSeconds(L, opts, "deadline", n); ok {
		o.Deadline = d
	}
	if d, ok := optSeconds(L, opts, "timeout", n); ok {
		o.Timeout = d
		if d == 0 {
			L.ArgError(n, "opts.timeout must be > 0")
		}
	}
	if s, ok := optInt(L, opts, "size", n, 0, engine.MaxSize); ok {
		o.Size, o.Sized = s, true
	}
	if t, ok := optInt(L, opts, "ttl", n, 1, 255); ok {
		o.TTL = t
	}
	if f, ok := optInt(L, opts, "family", n, 4, 6); ok {
		if f == 5 {
			L.ArgError(n, "opts.family must be 4 or 6")
		}
		o.family = f
	}
	if p, ok := optInt(L, opts, "port", n, 1, 65535); ok {
		o.Port = p
	}
	if m := opts.RawGetString("method"); m != lua.LNil {
		s, ok := m.(lua.LString)
		if !ok || (s != engine.MethodRaw && s != engine.MethodDgram && s != engine.MethodTCP) {
			L.ArgError(n, fmt.Sprintf("opts.method must be \"raw\", \"dgram\" or \"tcp\", got %s", lua.LVAsString(m)))
		}
		o.Method = string(s)
	}
	o.live = lua.LVAsBool(opts.RawGetString("live"))
	if !o.counted && o.Deadline == 0 {
		o.Count = defaultCount
		if multi {
			o.Count = 1
		}
	}
	return o
}

// checkHost returns argument 1, the host to probe: a non-empty string.
// expected says what the function accepts, for the error.
func checkHost(L *lua.LState, expected string) string {
	hv, ok := L.Get(1).(lua.LString)
	if !ok {
		L.ArgError(1, "host expected: "+expected+"; got "+L.Get(1).Type().String())
	}
	host := string(hv)
	if strings.TrimSpace(host) == "" {
		L.ArgError(1, "host must not be empty")
	}
	return host
}

// ---- net.ping ----

var pingFunc = runtime.Function{Name: "ping", Args: "(host[, opts])", Fn: luaPing,
	Doc: "Pings host (a name or an address) as iputils' ping does and returns the result, which prints like ping's output. " +
		"Fields: host, addr, method (\"raw\", \"dgram\" or \"tcp\": a raw ICMP socket when permitted, an ICMP datagram socket when net.ipv4.ping_group_range allows, else a TCP connect to opts.port, where a refusal proves the host is up), " +
		"skipped (why other methods were not used), transmitted, received, duplicates, corrupted (bad checksums), errors, loss (percent), time (ms), min, avg, max, mdev (ms; nil without replies), alive, interrupted, " +
		"replies (each {seq, from, bytes, ttl, time (ms), dup, corrupt, error, line}). " +
		"Options: count (default 4 unless deadline is given), interval (seconds, default 1; 0 floods), deadline (seconds for the whole run), timeout (seconds to wait for a reply when none came, default 10), " +
		"size (payload bytes 0-65507, default 56), ttl, family (4 or 6), method, port (TCP probes, default 80), live (print each line as it comes). " +
		"With a list of hosts, pings them all at once like fping (count 1 unless given) and returns {alive = {…}, unreachable = {…}, results = {host = result}}. " +
		"Misuse raises an error; a name that does not resolve returns nil and a message."}

func luaPing(L *lua.LState) int {
	if hosts, ok := L.Get(1).(*lua.LTable); ok {
		return pingMany(L, hosts)
	}
	host := checkHost(L, "a name or address string, or a list of them")
	o := checkPingOpts(L, 2, false)
	out := runtime.Of(L).Stdout()
	if o.live {
		o.OnLine = func(line string) { fmt.Fprintln(out, line) }
		o.OnMark = func(mark string) { fmt.Fprint(out, mark) }
	}
	var r *engine.Result
	err := runtime.Block(L, func(ctx context.Context) error {
		addr, err := engine.Resolve(ctx, host, o.family)
		if err != nil {
			return err
		}
		r, err = engine.Ping(ctx, host, addr, o.Options)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	if r.Interrupted { // iputils prints the statistics on SIGINT
		if o.live {
			fmt.Fprint(out, "\n"+r.Summary())
		} else {
			fmt.Fprint(out, r.String())
		}
	}
	L.Push(resultTable(L, r))
	return 1
}

func ms(d time.Duration) lua.LNumber { return lua.LNumber(float64(d.Microseconds()) / 1000) }

func resultTable(L *lua.LState, r *engine.Result) *lua.LTable {
	t := newResult(L, resultType, r.String)
	t.RawSetString("host", lua.LString(r.Host))
	t.RawSetString("addr", lua.LString(r.Addr.String()))
	t.RawSetString("method", lua.LString(r.Method))
	t.RawSetString("skipped", runtime.Strings(L, r.Skipped))
	t.RawSetString("transmitted", lua.LNumber(r.Transmitted))
	t.RawSetString("received", lua.LNumber(r.Received))
	t.RawSetString("duplicates", lua.LNumber(r.Duplicates))
	t.RawSetString("corrupted", lua.LNumber(r.Corrupted))
	t.RawSetString("errors", lua.LNumber(r.Errors))
	t.RawSetString("loss", lua.LNumber(r.Loss()))
	t.RawSetString("time", lua.LNumber((r.Elapsed + 500*time.Microsecond).Milliseconds()))
	t.RawSetString("alive", lua.LBool(r.Received > 0))
	t.RawSetString("interrupted", lua.LBool(r.Interrupted))
	if mn, avg, mx, mdev, ok := r.Stats(); ok {
		t.RawSetString("min", ms(mn))
		t.RawSetString("avg", ms(avg))
		t.RawSetString("max", ms(mx))
		t.RawSetString("mdev", ms(mdev))
	}
	lazyReplies(L, t, r)
	return t
}

// pingMany pings several hosts at once, as fping does.
func pingMany(L *lua.LState, hosts *lua.LTable) int {
	var names []string
	for i := 1; i <= hosts.Len(); i++ {
		s, ok := hosts.RawGetInt(i).(lua.LString)
		if !ok || strings.TrimSpace(string(s)) == "" {
			L.ArgError(1, fmt.Sprintf("hosts: item %d must be a non-empty host string", i))
		}
		names = append(names, string(s))
	}
	if len(names) == 0 {
		L.ArgError(1, "no hosts given (an empty list)")
	}
	if len(names) > 1024 {
		L.ArgError(1, "at most 1024 hosts at once")
	}
	o := checkPingOpts(L, 2, true)
	if o.live {
		L.ArgError(2, "opts.live is for one host")
	}
	results := make([]*engine.Result, len(names))
	failures := make([]error, len(names))
	runtime.Block(L, func(ctx context.Context) error {
		var wg sync.WaitGroup
		for i, h := range names {
			wg.Go(func() {
				addr, err := engine.Resolve(ctx, h, o.family)
				if err == nil {
					results[i], err = engine.Ping(ctx, h, addr, o.Options)
				}
				failures[i] = err
			})
		}
		wg.Wait()
		return nil
	})
	var text strings.Builder
	out := newResult(L, multiType, text.String)
	alive, unreachable, byHost := L.NewTable(), L.NewTable(), L.NewTable()
	for i, h := range names {
		switch r := results[i]; {
		case r != nil && r.Received > 0:
			alive.Append(lua.LString(h))
			fmt.Fprintf(&text, "%s is alive (%s)\n", h, strings.TrimSpace(strings.SplitN(r.Summary(), "\n", 3)[1]))
			byHost.RawSetString(h, resultTable(L, r))
		case r != nil:
			unreachable.Append(lua.LString(h))
			fmt.Fprintf(&text, "%s is unreachable\n", h)
			byHost.RawSetString(h, resultTable(L, r))
		default:
			unreachable.Append(lua.LString(h))
			fmt.Fprintf(&text, "%s: %s\n", h, pyerr.Message(failures[i]))
		}
	}
	out.RawSetString("alive", alive)
	out.RawSetString("unreachable", unreachable)
	out.RawSetString("results", byHost)
	final := text.String()
	runtime.SetHeld(L, out, held{func() string { return final }})
	L.Push(out)
	return 1
}
