package dns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	miekg "github.com/miekg/dns"
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
	"socklab/luabind/runtime"
)

// A Lua handler runs for each query as a short task of the task that
// started the server (runtime.CallLocked, the runtime's one way for a Go
// goroutine to run Lua): the server's goroutines take the Lua lock in
// turn, so handlers never run at once, but one that blocks (sleep, a
// socket call) lets the others run meanwhile, and one stuck in a loop is
// preempted. Closing the server cancels the handlers still running.

// luaHandler wraps fn for the engine, and returns the error reporter that
// prints handler failures on the runtime's stderr.
func luaHandler(L *lua.LState, fn *lua.LFunction) (engine.Handler, func(engine.Request, error)) {
	rt := runtime.Of(L)
	task := runtime.CurrentTask(L)
	stderr := rt.Stderr()
	handler := func(ctx context.Context, req engine.Request) (*engine.Answer, error) {
		var ans *engine.Answer
		var herr error
		rt.Do(func(L *lua.LState) {
			results, err := rt.CallLocked(ctx, task, fn, requestTable(L, req))
			if err != nil {
				herr = errors.New(runtime.ErrorMessage(err))
				return
			}
			if len(results) == 0 {
				return
			}
			ans, herr = answerFrom(results[0])
		})
		return ans, herr
	}
	report := func(req engine.Request, err error) {
		q := req.Question
		fmt.Fprintf(stderr, "dns.serve: handler failed for %s %s (answered SERVFAIL): %v\n", q.Name, engine.TypeName(q.Qtype), err)
	}
	return handler, report
}

// requestTable is what a handler gets: {name, type, class, id, client,
// transport, rd, edns}.
func requestTable(L *lua.LState, req engine.Request) *lua.LTable {
	t := L.CreateTable(0, 8)
	q := req.Question
	t.RawSetString("name", lua.LString(q.Name))
	t.RawSetString("type", nameValue(typeValues, q.Qtype, engine.TypeName))
	t.RawSetString("class", nameValue(classValues, q.Qclass, engine.ClassName))
	t.RawSetString("id", lua.LNumber(req.Msg.Id))
	t.RawSetString("client", lua.LString(req.Client))
	transport := transportUDP
	if req.Transport != "udp" {
		transport = lua.LString(req.Transport)
	}
	t.RawSetString("transport", transport)
	t.RawSetString("rd", lua.LBool(req.Msg.RecursionDesired))
	t.RawSetString("edns", lua.LBool(req.Msg.IsEdns0() != nil))
	return t
}

// The names of types and classes as Lua values made once: a Lua value
// holding a string costs an allocation each time it is made, and every
// query's table needs two of them.
var (
	typeValues              = nameValues(miekg.TypeToString)
	classValues             = nameValues(miekg.ClassToString)
	rcodeValues             = nameValues(miekg.RcodeToString)
	opcodeValues            = nameValues(miekg.OpcodeToString)
	transportUDP lua.LValue = lua.LString("udp")
	transportTCP lua.LValue = lua.LString("tcp")
)

func nameValues[K comparable](names map[K]string) map[K]lua.LValue {
	m := make(map[K]lua.LValue, len(names))
	for n, s := range names {
		m[n] = lua.LString(s)
	}
	return m
}

func nameValue[K comparable](made map[K]lua.LValue, n K, name func(K) string) lua.LValue {
	if v, ok := made[n]; ok {
		return v
	}
	return lua.LString(name(n))
}

// answerFrom reads what a handler returned: nil (the zone answers), an
// rcode name, one positional record {name, type, data}, a list of records
// and zone lines, or {rcode =, answer =, authority =, additional =}.
func answerFrom(v lua.LValue) (*engine.Answer, error) {
	switch x := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LString:
		rcode, err := engine.ParseRcode(string(x))
		if err != nil {
			return nil, fmt.Errorf("returned %q: %v; return nil, an rcode name, or records", string(x), err)
		}
		return &engine.Answer{Rcode: rcode}, nil
	case *lua.LTable:
		if isPositionalRecord(x) {
			rrs, err := recordItem(x)
			if err != nil {
				return nil, err
			}
			return &engine.Answer{Answer: rrs}, nil
		}
		if x.RawGetString("rcode") != lua.LNil || x.RawGetString("answer") != lua.LNil ||
			x.RawGetString("authority") != lua.LNil || x.RawGetString("additional") != lua.LNil {
			return structuredAnswer(x)
		}
		rrs, err := recordList(x)
		if err != nil {
			return nil, fmt.Errorf("answer %v", err)
		}
		return &engine.Answer{Answer: rrs}, nil
	}
	return nil, fmt.Errorf("returned a %s; return nil, an rcode name, or records", typeName(v))
}

// isPositionalRecord tells {"web.lab.test", "A", "127.0.0.2"} from a list
// of zone lines: its second item is a record type.
func isPositionalRecord(t *lua.LTable) bool {
	name, ok1 := t.RawGetInt(1).(lua.LString)
	typ, ok2 := t.RawGetInt(2).(lua.LString)
	if !ok1 || !ok2 || strings.ContainsAny(string(name), " \t\n") {
		return false
	}
	_, err := engine.ParseType(string(typ))
	return err == nil
}

func structuredAnswer(t *lua.LTable) (*engine.Answer, error) {
	ans := &engine.Answer{}
	var err error
	var bad error
	t.ForEach(func(k, v lua.LValue) {
		key, _ := k.(lua.LString)
		switch string(key) {
		case "rcode":
			s, ok := v.(lua.LString)
			if !ok {
				bad = fmt.Errorf("rcode must be a name such as \"NXDOMAIN\", got %s", typeName(v))
				return
			}
			if ans.Rcode, err = engine.ParseRcode(string(s)); err != nil {
				bad = err
			}
		case "answer", "authority", "additional":
			list, ok := v.(*lua.LTable)
			if !ok {
				bad = fmt.Errorf("%s must be a list of records, got %s", key, typeName(v))
				return
			}
			rrs, err := recordList(list)
			if err != nil {
				bad = fmt.Errorf("%s %v", key, err)
				return
			}
			switch key {
			case "answer":
				ans.Answer = rrs
			case "authority":
				ans.Authority = rrs
			default:
				ans.Additional = rrs
			}
		default:
			bad = fmt.Errorf("unknown answer key %s (known: rcode, answer, authority, additional)", lua.LVAsString(k))
		}
	})
	return ans, bad
}
