package dns

import (
	"context"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
	"socklab/luabind/runtime"
)

// server is what dns.serve returns: the engine's server, tracked by the
// task that started it.
type server struct {
	*engine.Server
	records int
	handler bool
}

// Close is what the runtime calls when the owning task ends, with the Lua
// lock held: it must not wait for handlers, which need that lock to
// finish. Stop frees the port at once; the handlers end by themselves.
func (s *server) Close() error {
	s.Stop()
	return nil
}

var serverType = &runtime.Type{
	Name:    serverTypeName,
	Doc:     "a DNS server started by dns.serve",
	Methods: []runtime.Function{serverCloseMethod, serverWaitMethod},
	Fields:  []string{"addr", "host", "port", "queries", "errors", "records"},
	Field: func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
		s := ud.Value.(*server)
		switch key {
		case "addr":
			return lua.LString(s.Addr())
		case "host":
			return lua.LString(strings.Trim(s.Addr()[:strings.LastIndexByte(s.Addr(), ':')], "[]"))
		case "port":
			return lua.LNumber(s.Port())
		case "queries":
			return lua.LNumber(s.Queries())
		case "errors":
			return lua.LNumber(s.Errors())
		case "records":
			return lua.LNumber(s.records)
		}
		return nil
	},
	Tostring: func(ud *lua.LUserData) string {
		s := ud.Value.(*server)
		state := "serving"
		select {
		case <-s.Done():
			state = "closed"
		default:
		}
		what := fmt.Sprintf("%d records", s.records)
		if s.handler {
			what += " and a handler"
		}
		return fmt.Sprintf("<dns.server %s %s, %s, %d queries>", s.Addr(), state, what, s.Queries())
	},
}

// dns.serve and the server it returns join the module declared in lua.go.
func init() {
	runtime.Register(&runtime.Module{
		Name:  "dns",
		Funcs: []runtime.Function{serveFunc},
		Types: []*runtime.Type{serverType},
	})
}

var serveFunc = runtime.Function{Name: "serve", Args: "{listen = \"127.0.0.1:5353\", zone = …, handler = function(q) … end, outside = \"REFUSED\"}", Fn: luaServe,
	Doc: "Starts a DNS server for labs on UDP and TCP and returns it at once (srv.addr, srv.port, srv.queries; srv:close(), srv:wait()). " +
		"zone: zone-file text (\"www.lab.test CNAME web.lab.test\\nweb.lab.test A 127.0.0.2\", one record a line) or a list of lines and records " +
		"({\"web.lab.test\", \"A\", \"127.0.0.2\"} or {name = \"lab.test\", type = \"MX\", preference = 10, exchange = \"mail.lab.test\"}). " +
		"handler: function(q) called for each query with q = {name, type, class, id, client, transport, rd, edns}; it returns nil (the zone answers), " +
		"records (a list of zone lines and record tables, or one {name, type, data}), an rcode name (\"NXDOMAIN\", \"REFUSED\"…), " +
		"or {rcode =, answer =, authority =, additional =}; an error in it answers SERVFAIL (reported on stderr) and the server goes on. " +
		"Names under the zone's domain that it lacks get NXDOMAIN; other names get outside (default \"REFUSED\", or \"NXDOMAIN\"). " +
		"Answers too large for the asker's UDP size are truncated (TC) so it retries over TCP. listen defaults to 127.0.0.1 on a free port. " +
		"The server stops when srv:close() is called or when the task that started it ends (Ctrl-C ends a script's)."}

var serveOptions = []string{"listen", "zone", "handler", "outside"}

func luaServe(L *lua.LState) int {
	if _, ok := L.Get(1).(*lua.LTable); !ok {
		L.ArgError(1, "table expected: dns.serve{listen = \"127.0.0.1:5353\", zone = \"…\"}, got "+typeName(L.Get(1)))
	}
	r := readOptions(L, 1, serveOptions...)
	cfg := engine.ServerConfig{}
	cfg.Listen, _ = r.str("listen")
	if _, err := checkListen(cfg.Listen); err != nil {
		r.bad("%s", err)
	}
	var rrs = zoneRecords(L, r)
	cfg.Zone = engine.NewZone(rrs)
	if out, ok := r.str("outside"); ok {
		code, err := engine.ParseRcode(out)
		if err != nil || code == 0 {
			r.bad("outside must be \"REFUSED\" or \"NXDOMAIN\" (or another error rcode), got %q", out)
		}
		cfg.Outside = code
	}
	hasHandler := false
	if h := r.get("handler"); h != lua.LNil {
		fn, ok := h.(*lua.LFunction)
		if !ok {
			r.bad("handler must be a function, got %s", typeName(h))
		}
		cfg.Handler, cfg.OnError = luaHandler(L, fn)
		hasHandler = true
	}
	var srv *engine.Server
	err := runtime.Block(L, func(ctx context.Context) error {
		var err error
		srv, err = engine.Serve(cfg)
		return err
	})
	if err != nil {
		return runtime.Fail(L, err)
	}
	s := &server{Server: srv, records: len(rrs), handler: hasHandler}
	runtime.Track(L, s)
	L.Push(runtime.NewUserData(L, serverType.Name, s))
	return 1
}

// checkListen validates listen before any socket is made, so that a port
// out of range is a Lua error and not a failure.
func checkListen(listen string) (string, error) {
	if listen == "" {
		return "", nil
	}
	i := strings.LastIndexByte(listen, ':')
	if i < 0 {
		return "", fmt.Errorf("listen must be \"host:port\", like \"127.0.0.1:5353\", got %q", listen)
	}
	port := listen[i+1:]
	n := 0
	for _, c := range port {
		if c < '0' || c > '9' || n > 65535 {
			return "", fmt.Errorf("listen port must be 0-65535, got %q", port)
		}
		n = n*10 + int(c-'0')
	}
	if port == "" || n > 65535 {
		return "", fmt.Errorf("listen port must be 0-65535, got %q", port)
	}
	return listen, nil
}

const serverTypeName = "dns.server"

func serverOf(L *lua.LState) *server { return runtime.Check[*server](L, 1, serverTypeName) }

var serverCloseMethod = runtime.Function{Name: "close", Args: "()", Fn: serverClose, Doc: "Stops the server and frees its port. Closing twice is harmless."}

func serverClose(L *lua.LState) int {
	s := serverOf(L)
	runtime.Untrack(L, s)
	runtime.Block(L, func(context.Context) error { return s.Server.Close() })
	return 0
}

var serverWaitMethod = runtime.Function{Name: "wait", Args: "([timeout])", Fn: serverWait,
	Doc: "Blocks this task until the server stops (closed elsewhere, or Ctrl-C) or timeout seconds pass; returns true if it stopped. A script that only serves ends with srv:wait()."}

func serverWait(L *lua.LState) int {
	s := serverOf(L)
	timeout := runtime.OptTimeout(L, 2)
	L.Push(lua.LBool(runtime.BlockUntil(L, s.Done(), timeout)))
	return 1
}
