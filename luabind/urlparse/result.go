package urlparse

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/pyrepr"
	"socklab/internal/urlparse"
	"socklab/luabind/runtime"
)

// result is what urlparse, urlsplit and urldefrag return: a named tuple
// whose fields read by name (r.scheme) and by position (r[1], 1-based as
// Lua counts), and whose netloc answers username, password, hostname and
// port lazily, as Python's do.
type result struct {
	kind  resultKind
	store [6]string // the fields, in the order of kind's names
}

type resultKind uint8

const (
	parseKind resultKind = iota
	splitKind
	defragKind
)

var (
	parseNames  = []string{"scheme", "netloc", "path", "params", "query", "fragment"}
	splitNames  = []string{"scheme", "netloc", "path", "query", "fragment"}
	defragNames = []string{"url", "fragment"}
	kindNames   = [...][]string{parseNames, splitNames, defragNames}
	kindTitles  = [...]string{"ParseResult", "SplitResult", "DefragResult"}
)

func newResult(kind resultKind, values ...string) *result {
	r := &result{kind: kind}
	copy(r.store[:], values)
	return r
}

func (r *result) names() []string  { return kindNames[r.kind] }
func (r *result) values() []string { return r.store[:len(kindNames[r.kind])] }

func fromParse(p urlparse.ParseResult) *result {
	return newResult(parseKind, p.Scheme, p.Netloc, p.Path, p.Params, p.Query, p.Fragment)
}

func fromSplit(s urlparse.SplitResult) *result {
	return newResult(splitKind, s.Scheme, s.Netloc, s.Path, s.Query, s.Fragment)
}

func (r *result) field(name string) (string, bool) {
	for i, n := range r.names() {
		if n == name {
			return r.store[i], true
		}
	}
	return "", false
}

func (r *result) geturl() string {
	v := r.store
	switch r.kind {
	case parseKind:
		return urlparse.Unparse(urlparse.ParseResult{Scheme: v[0], Netloc: v[1], Path: v[2], Params: v[3], Query: v[4], Fragment: v[5]})
	case splitKind:
		return urlparse.Unsplit(urlparse.SplitResult{Scheme: v[0], Netloc: v[1], Path: v[2], Query: v[3], Fragment: v[4]})
	}
	if v[1] == "" {
		return v[0]
	}
	return v[0] + "#" + v[1]
}

// repr is Python's repr of the named tuple.
func (r *result) repr() string {
	names := r.names()
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + pyrepr.Str(r.store[i])
	}
	return kindTitles[r.kind] + "(" + strings.Join(parts, ", ") + ")"
}

func checkResult(L *lua.LState) *result {
	return runtime.Check[*result](L, 1, "URL result")
}

func optString(s string, ok bool) lua.LValue {
	if !ok {
		return lua.LNil
	}
	return lua.LString(s)
}

func resultField(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	r, ok := ud.Value.(*result)
	if !ok {
		return nil
	}
	if v, ok := r.field(key); ok {
		return lua.LString(v)
	}
	netloc, hasNetloc := r.field("netloc")
	if !hasNetloc {
		return nil
	}
	switch key {
	case "username":
		return optString(urlparse.Username(netloc))
	case "password":
		return optString(urlparse.Password(netloc))
	case "hostname":
		return optString(urlparse.Hostname(netloc))
	case "port":
		port, ok, err := urlparse.Port(netloc)
		if err != nil {
			raiseMsg(L, err.Error())
		}
		if !ok {
			return lua.LNil
		}
		return lua.LNumber(port)
	}
	return nil
}

// resultAt is r[i] for 1 <= i <= #r.
func resultAt(L *lua.LState) int {
	r := checkResult(L)
	if n, ok := L.Get(2).(lua.LNumber); ok {
		i := int(n)
		if float64(i) == float64(n) && i >= 1 && i <= len(r.names()) {
			L.Push(lua.LString(r.store[i-1]))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

func luaReplace(L *lua.LState) int {
	r := checkResult(L)
	changes := L.CheckTable(2)
	out := newResult(r.kind, r.values()...)
	changes.ForEach(func(k, v lua.LValue) {
		name := lua.LVAsString(k)
		for i, n := range r.names() {
			if n == name {
				s, ok := v.(lua.LString)
				if !ok {
					L.ArgError(2, fmt.Sprintf("%s must be a string, got %s", name, v.Type()))
				}
				out.store[i] = string(s)
				return
			}
		}
		L.ArgError(2, fmt.Sprintf("Got unexpected field names: ['%s']", name))
	})
	L.Push(runtime.NewUserData(L, resultType, out))
	return 1
}

func luaAsDict(L *lua.LState) int {
	r := checkResult(L)
	t := L.CreateTable(0, len(r.names()))
	for i, n := range r.names() {
		t.RawSetString(n, lua.LString(r.store[i]))
	}
	L.Push(t)
	return 1
}

func luaUnpack(L *lua.LState) int {
	r := checkResult(L)
	for _, v := range r.values() {
		L.Push(lua.LString(v))
	}
	return len(r.values())
}

const resultType = "URLResult"

var urlResultType = &runtime.Type{
	Name: resultType,
	Doc: "a ParseResult, SplitResult or DefragResult: fields by name (r.scheme, r.netloc, r.path…) and by " +
		"position (r[1] is the scheme; #r fields), plus r.username, r.password, r.hostname (lowercased) and " +
		"r.port (raises Python's error when the port is bad)",
	Fields: []string{"scheme", "netloc", "path", "params", "query", "fragment", "url",
		"username", "password", "hostname", "port"},
	Field: resultField,
	Tostring: func(ud *lua.LUserData) string {
		if r, ok := ud.Value.(*result); ok {
			return r.repr()
		}
		return "?"
	},
	Methods: []runtime.Function{
		{Name: "geturl", Args: "()", Doc: "The URL put back together (urlunparse of the fields): may differ from the input by dropping an empty ? or #.",
			Fn: func(L *lua.LState) int { L.Push(lua.LString(checkResult(L).geturl())); return 1 }},
		{Name: "unpack", Args: "()", Doc: "Every field in order as multiple values: local scheme, netloc, path = r:unpack().",
			Fn: luaUnpack},
		{Name: "_replace", Args: "(fields)", Doc: "A copy with some fields replaced: r:_replace{scheme = \"https\"}.",
			Fn: luaReplace},
		{Name: "_asdict", Args: "()", Doc: "The fields as a table of name = value.",
			Fn: luaAsDict},
	},
	Meta: map[string]lua.LGFunction{
		"__index": resultAt,
		"__len": func(L *lua.LState) int {
			L.Push(lua.LNumber(len(checkResult(L).names())))
			return 1
		},
		"__eq": func(L *lua.LState) int {
			a, b := checkResult(L), runtime.Check[*result](L, 2, "URL result")
			L.Push(lua.LBool(a.kind == b.kind && a.store == b.store))
			return 1
		},
	},
}

// raiseMsg raises msg prefixed with the position of the calling Lua code.
func raiseMsg(L *lua.LState, msg string) { runtime.RaiseHere(L, msg) }
