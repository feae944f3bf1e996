package scan

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/scan"
	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

// resultTypeName names the metatable of scan results.
const resultTypeName = "scanresult"

// allowKey is where a runtime keeps its net.scan_allow list (a Lua list of
// prefix strings in the registry, so each runtime has its own).
const allowKey = "socklab.net.scan_allow"

// configKey is where a runtime keeps its scanner configuration (a
// *config in a userdata in the registry), so tests of different runtimes
// run in parallel with their own.
const configKey = "socklab.net.scan_config"

// config is what a runtime's net.scan uses besides its arguments.
type config struct {
	// lookup resolves host names.
	lookup engine.LookupFunc
	// scan runs the engine (tests replace it to keep packets in).
	scan func(context.Context, []engine.Target, []int, engine.Options) (*engine.Report, error)
	// progressDelay is how long a scan runs before its progress bar shows.
	progressDelay time.Duration
}

func defaultConfig() *config {
	return &config{lookup: engine.DefaultLookup, scan: engine.Scan, progressDelay: time.Second}
}

// configOf returns L's runtime's configuration, making the default one the
// first time.
func configOf(L *lua.LState) *config {
	reg := L.Get(lua.RegistryIndex)
	if ud, ok := L.GetField(reg, configKey).(*lua.LUserData); ok {
		if c, ok := ud.Value.(*config); ok {
			return c
		}
	}
	c := defaultConfig()
	ud := L.NewUserData()
	ud.Value = c
	L.SetField(reg, configKey, ud)
	return c
}

func init() {
	runtime.Register(&runtime.Module{
		Name:  "net",
		Doc:   "port scanning (scan, top_ports, parse_ports, scan_allow)",
		Funcs: []runtime.Function{scanFunc, scanAllowFunc, topPortsFunc, parsePortsFunc},
		Types: []*runtime.Type{resultType},
		Values: func(L *lua.LState, _ *lua.LTable) {
			// Results are tables, not userdata: methods are looked up in
			// the type's method table directly.
			mt := L.GetTypeMetatable(resultTypeName).(*lua.LTable)
			mt.RawSetString("__index", mt.RawGetString("__methods"))
		},
	})
}

var scanFunc = runtime.Function{Name: "scan", Args: "(targets, ports[, opts])", Fn: luaScan,
	Doc: "Scans ports like nmap's connect scan and returns the list of the ports nmap would list: the open ones, and every port of a state with at most 25 ports on its host. " +
		"Each entry is {host, ip, port, proto, state, reason, service, banner, rtt}; print(r) shows an nmap-style table (\"Not shown: 3999 filtered tcp ports (no-response)…\"), r:open() keeps the open ones, r:port(n) finds any port's entry, r:json() serialises, " +
		"and r.states (per address: groups {state, reason, count, ports = \"1-21,23\"}), r.closed, r.filtered, r.hosts, r.up, r.down, r.ports, r.scanned, r.elapsed summarise. " +
		"Targets: a host name, IPv4/IPv6 address or CIDR block (at most /16), or a list of them; with several, hosts that answer no discovery probe are reported down, not scanned. Ports: a number, a spec string (\"22,80,8000-8100\", \"-\" for all), a list, or {top = N}. " +
		"Options: timing (0-5 as nmap's -T0 … -T5, default 4: timeouts adapt to the host's round trips), timeout (seconds per probe, fixed), concurrency (default: from the open-files limit), rate (probes/s), retries (fixed count; default adaptive), " +
		"skip_discovery (nmap's -Pn), banner (true or {bytes = 256, timeout = 0.5}), udp, progress (false: never draw the bar; it is drawn only on a terminal, for scans over 1 s), " +
		"on_result (function(entry) called on this task for each port that is not closed, as it is found; an error in it stops the scan), " +
		"i_have_permission. Addresses outside loopback, private and link-local ranges are refused before any packet is sent: only scan hosts you have permission to scan. " +
		"Misuse raises an error; a name that does not resolve returns nil and a message."}

func luaScan(L *lua.LState) int {
	specs := checkTargets(L, 1)
	ports := checkPorts(L, 2)
	o := checkOptions(L, 3)
	if L.GetTop() > 3 {
		L.ArgError(4, "too many arguments: net.scan(targets, ports[, opts])")
	}
	opts := o.opts
	opts.Allow = allowed(L)
	cfg := configOf(L)

	// Resolve (a DNS query may block: without the lock). A lookup failure is
	// a network failure (nil, message); a malformed target is misuse.
	var (
		targets   []engine.Target
		parseErr  error
		lookupErr error
		lookupMu  sync.Mutex
	)
	lookup := func(ctx context.Context, host string) ([]netip.Addr, error) {
		addrs, err := cfg.lookup(ctx, host)
		if err == nil && len(addrs) == 0 {
			err = errors.New("no addresses")
		}
		if err != nil {
			lookupMu.Lock()
			lookupErr = fmt.Errorf("cannot resolve %q: %s", host, pyerr.Message(err))
			lookupMu.Unlock()
		}
		return addrs, err
	}
	runtime.Block(L, func(ctx context.Context) error {
		targets, parseErr = engine.ParseTargetsWith(ctx, specs, lookup)
		return nil
	})
	if parseErr != nil {
		if lookupErr != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(lookupErr.Error()))
			return 2
		}
		L.ArgError(1, parseErr.Error())
	}

	// The scope guard, before anything is sent (engine.Scan checks again).
	scope := make([]netip.Prefix, len(targets))
	for i, t := range targets {
		scope[i] = netip.PrefixFrom(t.IP, t.IP.BitLen())
	}
	if err := engine.CheckScope(scope, opts.Allow, opts.IHavePermission); err != nil {
		L.RaiseError("net.scan: %s", err.Error())
	}
	if len(targets) > engine.MaxProbes/len(ports) {
		L.RaiseError("net.scan: %d hosts × %d ports is more than %d probes; scan fewer hosts or ports", len(targets), len(ports), engine.MaxProbes)
	}

	rt := runtime.Of(L)
	var bar *progressBar
	if o.progress != lua.LFalse && runtime.OnTerminal(L) {
		bar = &progressBar{w: rt.Stderr(), start: time.Now(), delay: cfg.progressDelay, hosts: len(targets)}
		opts.Progress = bar.update
	}
	var q *resultQueue
	if o.onResult != nil || bar != nil {
		q = &resultQueue{ready: make(chan struct{}, 1), keep: o.onResult != nil}
		opts.OnResult = func(r engine.Result) {
			if r.State == engine.Open && bar != nil {
				bar.open.Add(1)
			}
			if q.keep && r.State != engine.Closed {
				q.add(r)
			}
		}
	}

	var (
		rep     *engine.Report
		scanErr error
		cbErr   error
	)
	if o.onResult == nil {
		runtime.Block(L, func(ctx context.Context) error {
			rep, scanErr = cfg.scan(ctx, targets, ports, opts)
			return nil
		})
	} else {
		rep, scanErr, cbErr = scanWithCallback(L, cfg, targets, ports, opts, q, o.onResult, bar)
	}
	if bar != nil {
		bar.clear()
	}
	interrupted := false
	if cbErr != nil && runtime.Interrupted(L) {
		// Ctrl-C during on_result: at the REPL the partial result is
		// returned as for a Ctrl-C during the scan (see below).
		if !runtime.Resume(L) {
			L.RaiseError("%s", runtime.ErrInterrupted.Error())
		}
		cbErr, scanErr, interrupted = nil, nil, true
	}
	if cbErr != nil {
		var apiErr *lua.ApiError
		if errors.As(cbErr, &apiErr) && apiErr.Object != nil {
			if s, ok := apiErr.Object.(lua.LString); ok {
				L.Error(lua.LString("net.scan: on_result: "+string(s)), 0)
			}
			L.Error(apiErr.Object, 0)
		}
		L.RaiseError("net.scan: on_result: %s", cbErr.Error())
	}
	if scanErr != nil {
		var scopeErr *engine.ScopeError
		switch {
		case errors.As(scanErr, &scopeErr):
			L.RaiseError("net.scan: %s", scanErr.Error())
		case errors.Is(scanErr, context.Canceled) || errors.Is(scanErr, context.DeadlineExceeded):
			// Ctrl-C or task:cancel(): return what was decided, marked
			// interrupted. At the REPL the line goes on (Resume), so
			// `r = net.scan(…)` keeps the partial result; elsewhere (a
			// script, a cancelled task) the VM raises "interrupted" at
			// its next instruction.
			interrupted = true
			runtime.Resume(L)
		default:
			L.Push(lua.LNil)
			L.Push(lua.LString("net.scan: " + scanErr.Error()))
			return 2
		}
	}
	if rep == nil {
		rep = &engine.Report{Hosts: len(targets), Ports: len(ports)}
	}
	L.Push(pushReport(L, rep, interrupted))
	return 1
}

// scanWithCallback runs the scan in a goroutine and calls onResult on the
// calling task for each queued result (see the file comment).
func scanWithCallback(L *lua.LState, cfg *config, targets []engine.Target, ports []int, opts engine.Options, q *resultQueue,
	onResult *lua.LFunction, bar *progressBar) (rep *engine.Report, scanErr, cbErr error) {
	ctx, cancel := context.WithCancel(runtime.Context(L))
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		rep, scanErr = cfg.scan(ctx, targets, ports, opts)
	}()
	wait := func() {
		runtime.Block(L, func(context.Context) error { <-done; return nil })
	}

	// The callback runs protected on this task (runtime.Call), so an error
	// in it unwinds only its own frames.
	services := serviceCache{}
	for {
		var batch []engine.Result
		finished := false
		runtime.Block(L, func(context.Context) error {
			select {
			case <-q.ready:
			case <-done:
			}
			select {
			case <-done:
				finished = true // every OnResult call happened before
			default:
			}
			batch = q.take()
			return nil
		})
		if len(batch) > 0 && bar != nil {
			bar.clear()
		}
		for _, r := range batch {
			if _, err := runtime.Call(L, onResult, resultTable(L, r, services)); err != nil {
				cancel()
				wait()
				return rep, scanErr, err
			}
		}
		if finished {
			return rep, scanErr, nil
		}
	}
}

// resultQueue carries results from the engine's workers to the caller.
type resultQueue struct {
	mu      sync.Mutex
	pending []engine.Result
	ready   chan struct{} // one slot: "pending is not empty"
	keep    bool
}

func (q *resultQueue) add(r engine.Result) {
	q.mu.Lock()
	q.pending = append(q.pending, r)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *resultQueue) take() []engine.Result {
	q.mu.Lock()
	defer q.mu.Unlock()
	b := q.pending
	q.pending = nil
	return b
}

// ---- the small functions ----

var scanAllowFunc = runtime.Function{Name: "scan_allow", Args: "([cidr])", Fn: luaScanAllow,
	Doc: "Adds an address or CIDR block (\"203.0.113.0/24\") that net.scan may scan in this session although it is not loopback, private or link-local. " +
		"Only allow hosts you have permission to scan. Returns the list of ranges allowed so far (with no argument, just returns it)."}

func luaScanAllow(L *lua.LState) int {
	reg := L.Get(lua.RegistryIndex)
	tbl, ok := L.GetField(reg, allowKey).(*lua.LTable)
	if !ok {
		tbl = L.NewTable()
		L.SetField(reg, allowKey, tbl)
	}
	if L.Get(1) != lua.LNil {
		p, err := parseAllow(L.CheckString(1))
		if err != nil {
			L.ArgError(1, err.Error())
		}
		s := p.String()
		known := false
		for i := 1; i <= tbl.Len(); i++ {
			known = known || lua.LVAsString(tbl.RawGetInt(i)) == s
		}
		if !known {
			tbl.Append(lua.LString(s))
		}
	}
	out := L.CreateTable(tbl.Len(), 0)
	for i := 1; i <= tbl.Len(); i++ {
		out.Append(tbl.RawGetInt(i))
	}
	L.Push(out)
	return 1
}

var topPortsFunc = runtime.Function{Name: "top_ports", Args: "(n)", Fn: luaTopPorts,
	Doc: "Returns the n TCP ports most often found open (1 ≤ n ≤ 1000), most frequent first (80, 23, 443, 21, 22, …), from nmap's service frequency table. " +
		"net.scan(host, {top = n}) scans them."}

func luaTopPorts(L *lua.LState) int {
	num := L.CheckNumber(1)
	if float64(num) != float64(int(num)) {
		L.ArgError(1, "n must be a whole number")
	}
	ports, err := engine.TopPorts(int(num))
	if err != nil {
		L.ArgError(1, err.Error())
	}
	L.Push(runtime.Numbers(L, ports))
	return 1
}

var parsePortsFunc = runtime.Function{Name: "parse_ports", Args: "(spec)", Fn: luaParsePorts,
	Doc: "Returns the sorted list of ports a port argument of net.scan means: a spec string (\"22,80,8000-8100\", \"-\" or \"1-65535\" for all), " +
		"a number, a list or {top = N}. Raises an error naming a bad item (\"bad port range 70000\")."}

func luaParsePorts(L *lua.LState) int {
	L.Push(runtime.Numbers(L, checkPorts(L, 1)))
	return 1
}
