package ping

import (
	"context"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/ping"
	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

var traceKeys = map[string]bool{"method": true, "max_ttl": true, "first_ttl": true, "queries": true,
	"wait": true, "port": true, "family": true}

func checkTraceOpts(L *lua.LState, n int) (engine.TraceOptions, int) {
	var o engine.TraceOptions
	family := 0
	opts, ok := L.Get(n).(*lua.LTable)
	if L.Get(n) == lua.LNil {
		return o, 0
	}
	if !ok {
		L.ArgError(n, "opts: a table expected, got "+L.Get(n).Type().String())
	}
	opts.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); !ok || !traceKeys[string(s)] {
			L.ArgError(n, fmt.Sprintf("unknown option %s (expected method, max_ttl, first_ttl, queries, wait, port, family)", lua.LVAsString(k)))
		}
	})
	if m := opts.RawGetString("method"); m != lua.LNil {
		s, ok := m.(lua.LString)
		if !ok || (s != "udp" && s != "icmp" && s != "tcp") {
			L.ArgError(n, "opts.method must be \"udp\", \"icmp\" or \"tcp\", got "+lua.LVAsString(m))
		}
		o.Method = string(s)
	}
	if v, ok := optInt(L, opts, "max_ttl", n, 1, 255); ok {
		o.MaxTTL = v
	}
	if v, ok := optInt(L, opts, "first_ttl", n, 1, 255); ok {
		o.FirstTTL = v
	}
	if o.MaxTTL != 0 && o.FirstTTL > o.MaxTTL {
		L.ArgError(n, fmt.Sprintf("opts.first_ttl (%d) is above max_ttl (%d)", o.FirstTTL, o.MaxTTL))
	}
	if v, ok := optInt(L, opts, "queries", n, 1, 10); ok {
		o.Queries = v
	}
	if d, ok := optSeconds(L, opts, "wait", n); ok {
		if d == 0 {
			L.ArgError(n, "opts.wait must be > 0")
		}
		o.Wait = d
	}
	if v, ok := optInt(L, opts, "port", n, 1, 65535); ok {
		o.Port = v
	}
	if v, ok := optInt(L, opts, "family", n, 4, 6); ok {
		if v == 5 {
			L.ArgError(n, "opts.family must be 4 or 6")
		}
		family = v
	}
	return o, family
}

var tracerouteFunc = runtime.Function{Name: "traceroute", Args: "(host[, opts])", Fn: luaTraceroute,
	Doc: "Traces the route to host like traceroute: probes with increasing TTL, three per hop, and returns the hops, which print like traceroute's output. " +
		"Each hop is {ttl, probes = {{addr, time (ms)} or {timeout = true}, …}, addr (the first that answered)}; the result has host, addr, method, reached. " +
		"Options: method (\"udp\" default, \"icmp\" or \"tcp\"), max_ttl (default 30), first_ttl (1), queries (3 per hop), wait (seconds per probe, default 5), port (UDP: 33434 and up; TCP: 80), family (4 or 6)."}

func luaTraceroute(L *lua.LState) int {
	host := checkHost(L, "a name or address string")
	o, family := checkTraceOpts(L, 2)
	var tr *engine.Trace
	err := runtime.Block(L, func(ctx context.Context) error {
		addr, err := engine.Resolve(ctx, host, family)
		if err != nil {
			return err
		}
		tr, err = engine.Traceroute(ctx, host, addr, o)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	if tr.Interrupted {
		fmt.Fprint(runtime.Of(L).Stdout(), tr.String())
	}
	t := newResult(L, traceType, tr.String)
	t.RawSetString("host", lua.LString(tr.Host))
	t.RawSetString("addr", lua.LString(tr.Addr.String()))
	t.RawSetString("method", lua.LString(tr.Method))
	t.RawSetString("reached", lua.LBool(tr.Reached))
	t.RawSetString("interrupted", lua.LBool(tr.Interrupted))
	hops := L.CreateTable(len(tr.Hops), 0)
	for _, h := range tr.Hops {
		ht := L.CreateTable(0, 3)
		ht.RawSetString("ttl", lua.LNumber(h.TTL))
		probes := L.CreateTable(len(h.Probes), 0)
		for _, p := range h.Probes {
			pt := L.CreateTable(0, 3)
			if p.Timeout {
				pt.RawSetString("timeout", lua.LTrue)
			} else {
				pt.RawSetString("addr", lua.LString(p.Addr.String()))
				pt.RawSetString("time", ms(p.RTT))
				if ht.RawGetString("addr") == lua.LNil {
					ht.RawSetString("addr", lua.LString(p.Addr.String()))
				}
				if p.Note != "" {
					pt.RawSetString("note", lua.LString(p.Note))
				}
			}
			probes.Append(pt)
		}
		ht.RawSetString("probes", probes)
		hops.Append(ht)
	}
	t.RawSetString("hops", hops)
	L.Push(t)
	return 1
}
