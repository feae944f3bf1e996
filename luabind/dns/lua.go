// Package dns is the Lua face `dns`: queries like dig (dns.query), CNAME
// chasing (dns.resolve), reverse lookups (dns.reverse) and a DNS server
// for labs (dns.serve). It checks and converts arguments, calls the engine
// in socklab/internal/dns with the Lua lock released, and converts back.
//
// Errors follow the project's convention: misuse (an unknown type, a name
// over 255 bytes, a label over 63, a port out of range, a malformed zone
// line) raises a Lua error; a network failure (no answer, refused) returns
// nil and a message. An answer is never a failure: NXDOMAIN is a response
// whose rcode says so, as dig shows it. dns.resolve and dns.reverse, which
// promise records, return nil and "NXDOMAIN: … does not exist" instead.
package dns

import (
	"context"

	miekg "github.com/miekg/dns"
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
	"socklab/luabind/runtime"
)

func init() {
	runtime.Register(&runtime.Module{
		Name:  "dns",
		Doc:   "DNS queries like dig, CNAME chasing, reverse lookups, and a DNS server for labs",
		Funcs: []runtime.Function{queryFunc, resolveFunc, reverseFunc, reverseNameFunc},
	})
}

var queryFunc = runtime.Function{Name: "query", Args: "(name[, type[, opts]])",
	Fn: asker(engine.Query, func(L *lua.LState, resp *engine.Response, _ uint16) *lua.LTable { return responseTable(L, resp) }),
	Doc: "Asks a DNS server for name's records of type (a name such as \"A\", \"MX\", \"TXT\", \"TYPE65\", or a number; default \"A\") and returns the response: " +
		"{rcode, id, flags = {qr, aa, tc, rd, ra, ad, cd}, question, answer, authority, additional, edns, server, transport, truncated, time, size}; " +
		"each record has name, type, class, ttl, data and its own fields (address, target, preference and exchange, mname… serial, strings and text, priority weight port target, flags tag value). print(r) shows it as dig does. " +
		"Options: server (\"127.0.0.1:5353\", or a list; default the nameservers of /etc/resolv.conf), timeout (seconds per try, default 2), tries (default 2), " +
		"tcp, edns (default true), bufsize (EDNS0 size, default 1232), dnssec, recurse (default true), class. " +
		"A truncated UDP answer is asked again over TCP; replies that do not match the query are ignored. No answer returns nil and \"timed out: …\"."}

var resolveFunc = runtime.Function{Name: "resolve", Args: "(name[, type[, opts]])", Fn: asker(engine.Resolve, resolutionTable),
	Doc: "Follows name's CNAME chain to its records of type (default \"A\") and returns {name, canonical, aliases, records, addresses}; print shows it as the host command does " +
		"(\"www.lab.test. is an alias for web.lab.test.\"). A name that does not exist or has no such records returns nil and \"NXDOMAIN: …\" or \"NODATA: …\". Options as dns.query."}

// asker makes dns.query and dns.resolve, which take the same arguments
// (name[, type[, opts]]) and differ in what they ask the engine and in the
// table they make of its answer: ask runs with the Lua lock released; a
// failure returns nil and a message.
func asker[T any](ask func(context.Context, string, uint16, engine.Options) (T, error), table func(*lua.LState, T, uint16) *lua.LTable) lua.LGFunction {
	return func(L *lua.LState) int {
		name := checkName(L, 1)
		qtype := checkType(L, 2)
		opts := checkQueryOptions(L, 3)
		var answer T
		err := runtime.Block(L, func(ctx context.Context) (err error) {
			answer, err = ask(ctx, name, qtype, opts)
			return err
		})
		if err != nil {
			return runtime.Fail(L, err)
		}
		L.Push(table(L, answer, qtype))
		return 1
	}
}

func checkReverseName(L *lua.LState) string {
	name, err := engine.ReverseName(L.CheckString(1))
	if err != nil {
		L.ArgError(1, err.Error())
	}
	return name
}

var reverseFunc = runtime.Function{Name: "reverse", Args: "(ip[, opts])", Fn: luaReverse,
	Doc: "Returns the name an IPv4 or IPv6 address points back to (its PTR record, e.g. \"web.lab.test.\"), and the list of all of them; nil and a message if there is none. Options as dns.query."}

func luaReverse(L *lua.LState) int {
	name := checkReverseName(L)
	opts := checkQueryOptions(L, 2)
	var res *engine.Resolution
	err := runtime.Block(L, func(ctx context.Context) error {
		var err error
		res, err = engine.Resolve(ctx, name, miekg.TypePTR, opts)
		return err
	})
	if err != nil {
		return runtime.Fail(L, err)
	}
	all := L.CreateTable(len(res.Records), 0)
	for _, rr := range res.Records {
		if p, ok := rr.(*miekg.PTR); ok {
			all.Append(lua.LString(p.Ptr))
		}
	}
	L.Push(all.RawGetInt(1))
	L.Push(all)
	return 2
}

var reverseNameFunc = runtime.Function{Name: "reverse_name", Args: "(ip)", Fn: luaReverseName,
	Doc: "Returns the name under which an address's PTR record lives: \"2.0.0.127.in-addr.arpa.\" for 127.0.0.2, nibbles under ip6.arpa for IPv6."}

func luaReverseName(L *lua.LState) int {
	L.Push(lua.LString(checkReverseName(L)))
	return 1
}
