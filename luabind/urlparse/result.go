package urlparse

import (
	"fmt"
	"strings"
	"sync/atomic"
	"weak"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/pyrepr"
	"socklab/internal/urlparse"
	"socklab/luabind/runtime"
)

// result is what urlparse, urlsplit and urldefrag return: a named tuple
// whose fields read by name (r.scheme) and by position (r[1], 1-based as
// Lua counts), and whose netloc answers username, password, hostname and
// port lazily, as Python's do. The userdata Lua sees is part of the same
// allocation, and the fields are cut from the URL (fields.go): urlparse in
// a loop allocates 96 bytes once per URL.
type result struct {
	ud     lua.LUserData
	kind   resultKind
	fields fields // in the order of kind's names
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

// newResult keeps values as cuts of text when they are cut from it.
func newResult(kind resultKind, text string, values [6]string) *result {
	return &result{kind: kind, fields: cutFields(text, &values)}
}

// push gives r to Lua as a value of resultType.
func (r *result) push(L *lua.LState) {
	r.ud = lua.LUserData{Value: r, Env: L.Env, Metatable: resultMetatable(L)}
	L.Push(&r.ud)
}

// lastMetatable remembers the results' metatable of the last runtime that
// made a result, so a loop of urlparse calls skips the registry lookup.
// Weak pointers: the cache must not keep a closed runtime alive.
type metatableCache struct {
	registry weak.Pointer[lua.LTable]
	mt       weak.Pointer[lua.LTable]
}

var lastMetatable atomic.Pointer[metatableCache]

func resultMetatable(L *lua.LState) lua.LValue {
	if c := lastMetatable.Load(); c != nil && c.registry.Value() == L.G.Registry {
		if mt := c.mt.Value(); mt != nil {
			return mt
		}
	}
	mt := L.GetTypeMetatable(resultType)
	if t, ok := mt.(*lua.LTable); ok {
		lastMetatable.Store(&metatableCache{weak.Make(L.G.Registry), weak.Make(t)})
	}
	return mt
}

func (r *result) names() []string { return kindNames[r.kind] }
func (r *result) values() []string {
	all := r.fields.all()
	return all[:len(kindNames[r.kind])]
}

func fromParse(url string, p urlparse.ParseResult) *result {
	return newResult(parseKind, url, [6]string{p.Scheme, p.Netloc, p.Path, p.Params, p.Query, p.Fragment})
}

func fromSplit(url string, s urlparse.SplitResult) *result {
	return newResult(splitKind, url, [6]string{s.Scheme, s.Netloc, s.Path, s.Query, s.Fragment})
}

func (r *result) field(name string) (string, bool) {
	for i, n := range r.names() {
		if n == name {
			return r.fields.at(i), true
		}
	}
	return "", false
}

func (r *result) geturl() string {
	v := r.fields.all()
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
		parts[i] = n + "=" + pyrepr.Str(r.fields.at(i))
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

// resultField answers the netloc's attributes first: r.hostname and r.port
// are what loops ask for, and their names are in no kind's field list.
func resultField(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	r, ok := ud.Value.(*result)
	if !ok {
		return nil
	}
	if r.kind != defragKind {
		netloc := r.fields.at(1)
		switch key {
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
		case "username":
			return optString(urlparse.Username(netloc))
		case "password":
			return optString(urlparse.Password(netloc))
		}
	}
	if v, ok := r.field(key); ok {
		return lua.LString(v)
	}
	return nil
}

// fieldsFirstIndex is the results' __index, installed over the runtime's
// generic one, which looks every key up among the methods first: a URL loop
// asks r.hostname and r.port millions of times and r:geturl() rarely, so
// fields are answered first, then methods, then positions.
func fieldsFirstIndex(methods *lua.LTable) lua.LGFunction {
	return func(L *lua.LState) int {
		ud, _ := L.Get(1).(*lua.LUserData)
		if ud == nil {
			checkResult(L) // raises the argument error
		}
		if k, ok := L.Get(2).(lua.LString); ok {
			if v := resultField(L, ud, string(k)); v != nil {
				L.Push(v)
			} else {
				L.Push(methods.RawGetString(string(k)))
			}
			return 1
		}
		return resultAt(L)
	}
}

// resultAt is r[i] for 1 <= i <= #r.
func resultAt(L *lua.LState) int {
	r := checkResult(L)
	if n, ok := L.Get(2).(lua.LNumber); ok {
		i := int(n)
		if float64(i) == float64(n) && i >= 1 && i <= len(r.names()) {
			L.Push(lua.LString(r.fields.at(i - 1)))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

func luaReplace(L *lua.LState) int {
	r := checkResult(L)
	changes := L.CheckTable(2)
	values := r.fields.all()
	changes.ForEach(func(k, v lua.LValue) {
		name := lua.LVAsString(k)
		for i, n := range r.names() {
			if n == name {
				s, ok := v.(lua.LString)
				if !ok {
					L.ArgError(2, fmt.Sprintf("%s must be a string, got %s", name, v.Type()))
				}
				values[i] = string(s)
				return
			}
		}
		L.ArgError(2, fmt.Sprintf("Got unexpected field names: ['%s']", name))
	})
	newResult(r.kind, "", values).push(L)
	return 1
}

func luaAsDict(L *lua.LState) int {
	r := checkResult(L)
	t := L.CreateTable(0, len(r.names()))
	for i, n := range r.names() {
		t.RawSetString(n, lua.LString(r.fields.at(i)))
	}
	L.Push(t)
	return 1
}

func luaUnpack(L *lua.LState) int {
	r := checkResult(L)
	values := r.values()
	for _, v := range values {
		L.Push(lua.LString(v))
	}
	return len(values)
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
			L.Push(lua.LBool(a.kind == b.kind && a.fields.all() == b.fields.all()))
			return 1
		},
	},
}

// raiseMsg raises msg prefixed with the position of the calling Lua code.
func raiseMsg(L *lua.LState, msg string) { runtime.RaiseHere(L, msg) }
