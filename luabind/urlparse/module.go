// Package urlparse is Python's urllib.parse for Lua, on the plain-Go engine
// socklab/internal/urlparse: `urllib.parse.urlparse(u).scheme`, with `url`
// as a short alias and require("urllib.parse") working. The dotted name is
// made here, from the module's Values hook (a global table urllib whose
// field parse is the module), so the runtime's registry needs no change.
package urlparse

import (
	"fmt"
	"sort"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/urlparse"
	"socklab/luabind/runtime"
)

func init() {
	runtime.Register(&runtime.Module{
		Name: "url",
		Doc:  "Python's urllib.parse (also reachable as urllib.parse): urlparse, urljoin, quote, parse_qs…",
		Funcs: []runtime.Function{urlparseFunc, urlsplitFunc, urlunparseFunc, urlunsplitFunc, urljoinFunc, urldefragFunc,
			quoteFunc, quotePlusFunc, quoteFromBytesFunc, unquoteFunc, unquotePlusFunc, unquoteToBytesFunc,
			urlencodeFunc, parseQSFunc, parseQSLFunc},
		Types:  []*runtime.Type{urlResultType},
		Values: install,
	})
}

func install(L *lua.LState, mod *lua.LTable) {
	installDottedName(L, mod)
	mt := L.GetTypeMetatable(resultType).(*lua.LTable)
	methods := mt.RawGetString("__methods").(*lua.LTable)
	mt.RawSetString("__index", L.NewFunction(fieldsFirstIndex(methods)))
}

// installDottedName makes urllib.parse the same table as url, for the
// globals and for require("urllib.parse").
func installDottedName(L *lua.LState, mod *lua.LTable) {
	urllib, ok := L.GetGlobal("urllib").(*lua.LTable)
	if !ok {
		urllib = L.NewTable()
		L.SetGlobal("urllib", urllib)
	}
	urllib.RawSetString("parse", mod)
	preload := L.GetField(L.GetField(L.G.Global, "package"), "preload")
	if t, ok := preload.(*lua.LTable); ok {
		get := L.NewFunction(func(L *lua.LState) int { L.Push(mod); return 1 })
		t.RawSetString("urllib.parse", get)
		t.RawSetString("urllib", L.NewFunction(func(L *lua.LState) int { L.Push(urllib); return 1 }))
	}
}

func raiseErr(L *lua.LState, err error) { raiseMsg(L, err.Error()) }

func optBool(L *lua.LState, n int, def bool) bool {
	if L.Get(n) == lua.LNil {
		return def
	}
	return lua.LVAsBool(L.Get(n))
}

var urlparseFunc = runtime.Function{Name: "urlparse", Args: "(url[, scheme[, allow_fragments]])", Doc: "Splits url into a ParseResult (scheme, netloc, path, params, query, fragment) exactly as Python does; r.hostname, r.port, r.username, r.password come from the netloc. socket.getservbyname(urllib.parse.urlparse(u).scheme) gives the scheme's port.", Fn: splitter(urlparse.Parse, fromParse)}
var urlsplitFunc = runtime.Function{Name: "urlsplit", Args: "(url[, scheme[, allow_fragments]])", Doc: "Like urlparse without splitting ;params off the path: a SplitResult (scheme, netloc, path, query, fragment).", Fn: splitter(urlparse.Split, fromSplit)}

// splitter is urlparse or urlsplit: split(url, scheme = "",
// allow_fragments = true) as Python defaults them, its answer pushed as a
// result value.
func splitter[R any](split func(url, scheme string, allowFragments bool) (R, error), toResult func(url string, r R) *result) lua.LGFunction {
	return func(L *lua.LState) int {
		url := L.CheckString(1)
		r, err := split(url, L.OptString(2, ""), optBool(L, 3, true))
		if err != nil {
			raiseErr(L, err)
		}
		toResult(url, r).push(L)
		return 1
	}
}

// parts reads argument 1 as n fields: a URL result or a table of strings
// (nil entries as "").
func parts(L *lua.LState, n int) []string {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if r, ok := ud.Value.(*result); ok && len(r.names()) == n {
			return r.values()
		}
	}
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		L.ArgError(1, fmt.Sprintf("table of %d parts expected, got %s", n, L.Get(1).Type()))
	}
	out := make([]string, n)
	for i := range out {
		switch v := t.RawGetInt(i + 1).(type) {
		case lua.LString:
			out[i] = string(v)
		case lua.LNumber:
			out[i] = v.String()
		default:
			if v != lua.LNil {
				L.ArgError(1, fmt.Sprintf("part %d must be a string, got %s", i+1, v.Type()))
			}
		}
	}
	if t.Len() > n {
		L.ArgError(1, fmt.Sprintf("expected %d parts, got %d", n, t.Len()))
	}
	return out
}

var urlunparseFunc = runtime.Function{Name: "urlunparse", Args: "(parts)", Doc: "The URL from a ParseResult or a table of 6 parts.", Fn: luaURLUnparse}

func luaURLUnparse(L *lua.LState) int {
	p := parts(L, 6)
	L.Push(lua.LString(urlparse.Unparse(urlparse.ParseResult{Scheme: p[0], Netloc: p[1], Path: p[2], Params: p[3], Query: p[4], Fragment: p[5]})))
	return 1
}

var urlunsplitFunc = runtime.Function{Name: "urlunsplit", Args: "(parts)", Doc: "The URL from a SplitResult or a table of 5 parts.", Fn: luaURLUnsplit}

func luaURLUnsplit(L *lua.LState) int {
	p := parts(L, 5)
	L.Push(lua.LString(urlparse.Unsplit(urlparse.SplitResult{Scheme: p[0], Netloc: p[1], Path: p[2], Query: p[3], Fragment: p[4]})))
	return 1
}

var urljoinFunc = runtime.Function{Name: "urljoin", Args: "(base, url[, allow_fragments])", Doc: "url resolved against base, as a browser would (RFC 3986 with Python's rules): urljoin(\"http://a/b/c\", \"../d\") is \"http://a/d\".", Fn: luaURLJoin}

func luaURLJoin(L *lua.LState) int {
	j, err := urlparse.Join(L.CheckString(1), L.CheckString(2), optBool(L, 3, true))
	if err != nil {
		raiseErr(L, err)
	}
	L.Push(lua.LString(j))
	return 1
}

var urldefragFunc = runtime.Function{Name: "urldefrag", Args: "(url)", Doc: "A DefragResult (url without its fragment, fragment).", Fn: luaURLDefrag}

func luaURLDefrag(L *lua.LState) int {
	u, f, err := urlparse.Defrag(L.CheckString(1))
	if err != nil {
		raiseErr(L, err)
	}
	newResult(defragKind, u, [6]string{u, f}).push(L)
	return 1
}

var unquoteFunc = runtime.Function{Name: "unquote", Args: "(s)", Doc: "s with %XX escapes decoded as UTF-8; bytes that are not UTF-8 become U+FFFD, as in Python (unquote_to_bytes keeps them).", Fn: stringFn(urlparse.Unquote)}
var unquotePlusFunc = runtime.Function{Name: "unquote_plus", Args: "(s)", Doc: "unquote with + as a space (form values).", Fn: stringFn(urlparse.UnquotePlus)}
var unquoteToBytesFunc = runtime.Function{Name: "unquote_to_bytes", Args: "(s)", Doc: "s with %XX escapes decoded to raw bytes.", Fn: stringFn(urlparse.UnquoteToBytes)}

func stringFn(f func(string) string) lua.LGFunction {
	return func(L *lua.LState) int { L.Push(lua.LString(f(L.CheckString(1)))); return 1 }
}

var quoteFunc = runtime.Function{Name: "quote", Args: "(s[, safe])", Doc: "s with every byte but letters, digits, _.-~ and safe (default \"/\") as %XX.", Fn: quoteFn(urlparse.Quote, "/")}
var quotePlusFunc = runtime.Function{Name: "quote_plus", Args: "(s[, safe])", Doc: "quote for form values: spaces become +, and / is escaped too (safe defaults to \"\").", Fn: quoteFn(urlparse.QuotePlus, "")}
var quoteFromBytesFunc = runtime.Function{Name: "quote_from_bytes", Args: "(bytes[, safe])", Doc: "quote of raw bytes (the same as quote: Lua strings are bytes).", Fn: quoteFn(urlparse.Quote, "/")}

func quoteFn(f func(s, safe string) string, defSafe string) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(lua.LString(f(L.CheckString(1), L.OptString(2, defSafe))))
		return 1
	}
}

// qsOptions reads parse_qs's options: a boolean keep_blank_values or a
// table {keep_blank_values, strict_parsing, max_num_fields, separator}.
func qsOptions(L *lua.LState) urlparse.QSOptions {
	var o urlparse.QSOptions
	switch v := L.Get(2).(type) {
	case lua.LBool:
		o.KeepBlankValues = bool(v)
		o.StrictParsing = optBool(L, 3, false)
	case *lua.LTable:
		o.KeepBlankValues = lua.LVAsBool(v.RawGetString("keep_blank_values"))
		o.StrictParsing = lua.LVAsBool(v.RawGetString("strict_parsing"))
		if n, ok := v.RawGetString("max_num_fields").(lua.LNumber); ok {
			if n < 1 {
				L.ArgError(2, "max_num_fields must be at least 1")
			}
			o.MaxNumFields = int(n)
		}
		if s := v.RawGetString("separator"); s != lua.LNil {
			str, ok := s.(lua.LString)
			if !ok || str == "" {
				raiseMsg(L, "Separator must be of type string or bytes.")
			}
			o.Separator = string(str)
		}
	default:
		if v != lua.LNil {
			L.ArgError(2, "keep_blank_values boolean or options table expected, got "+v.Type().String())
		}
	}
	return o
}

var parseQSLFunc = runtime.Function{Name: "parse_qsl", Args: "(qs[, keep_blank_values | options])", Doc: "The query string as a list of {name, value} pairs in order.", Fn: luaParseQSL}

func luaParseQSL(L *lua.LState) int {
	pairs, err := urlparse.ParseQSL(L.CheckString(1), qsOptions(L))
	if err != nil {
		raiseErr(L, err)
	}
	t := L.CreateTable(len(pairs), 0)
	for _, p := range pairs {
		pair := L.CreateTable(2, 0)
		pair.Append(lua.LString(p[0]))
		pair.Append(lua.LString(p[1]))
		t.Append(pair)
	}
	L.Push(t)
	return 1
}

var parseQSFunc = runtime.Function{Name: "parse_qs", Args: "(qs[, keep_blank_values | {keep_blank_values, strict_parsing, max_num_fields, separator}])", Doc: "The query string as a table name → list of values: parse_qs(\"a=1&a=2\").a[2] is \"2\". Only & separates fields (not ;), as in Python 3.10+.", Fn: luaParseQS}

func luaParseQS(L *lua.LState) int {
	pairs, err := urlparse.ParseQSL(L.CheckString(1), qsOptions(L))
	if err != nil {
		raiseErr(L, err)
	}
	t := L.NewTable()
	for _, p := range pairs {
		list, ok := t.RawGetString(p[0]).(*lua.LTable)
		if !ok {
			list = L.NewTable()
			t.RawSetString(p[0], list)
		}
		list.Append(lua.LString(p[1]))
	}
	L.Push(t)
	return 1
}

// text is str(v) for a query value: strings, numbers and booleans.
func text(L *lua.LState, v lua.LValue, what string) string {
	switch x := v.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber, lua.LBool:
		return x.String()
	}
	L.ArgError(1, fmt.Sprintf("%s must be a string, number or boolean, got %s", what, v.Type()))
	return ""
}

var urlencodeFunc = runtime.Function{Name: "urlencode", Args: "(query[, doseq | {doseq, safe, quote_via}])", Doc: "A query string from {{name, value}, …} (in order) or {name = value, …} (sorted by name): \"a=1&b=x+y\". With doseq a table value repeats the name for each element.", Fn: luaURLEncode}

func luaURLEncode(L *lua.LState) int {
	query := L.CheckTable(1)
	doseq, safe := false, ""
	quote := urlparse.QuotePlus
	switch o := L.Get(2).(type) {
	case lua.LBool:
		doseq = bool(o)
	case *lua.LTable:
		doseq = lua.LVAsBool(o.RawGetString("doseq"))
		if s, ok := o.RawGetString("safe").(lua.LString); ok {
			safe = string(s)
		}
		switch lua.LVAsString(o.RawGetString("quote_via")) {
		case "", "quote_plus":
		case "quote":
			quote = urlparse.Quote
		default:
			L.ArgError(2, "quote_via must be \"quote\" or \"quote_plus\"")
		}
	}
	// an ordered list of {name, value} pairs, or a table name = value
	// (sorted by name, since Lua tables have no order)
	type kv struct {
		k string
		v lua.LValue
	}
	var items []kv
	if query.Len() > 0 {
		for i := 1; i <= query.Len(); i++ {
			pair, ok := query.RawGetInt(i).(*lua.LTable)
			if !ok {
				L.ArgError(1, fmt.Sprintf("item %d must be a {name, value} pair", i))
			}
			items = append(items, kv{text(L, pair.RawGetInt(1), "a name"), pair.RawGetInt(2)})
		}
	} else {
		query.ForEach(func(k, v lua.LValue) { items = append(items, kv{text(L, k, "a name"), v}) })
		sort.Slice(items, func(i, j int) bool { return items[i].k < items[j].k })
	}
	var pairs [][2]string
	for _, it := range items {
		if list, ok := it.v.(*lua.LTable); ok {
			if !doseq {
				L.ArgError(1, fmt.Sprintf("the value of %q is a table: pass doseq = true to repeat the name for each element", it.k))
			}
			for i := 1; i <= list.Len(); i++ {
				pairs = append(pairs, [2]string{it.k, text(L, list.RawGetInt(i), "a value")})
			}
			continue
		}
		pairs = append(pairs, [2]string{it.k, text(L, it.v, "a value")})
	}
	L.Push(lua.LString(urlparse.Encode(pairs, safe, quote)))
	return 1
}
