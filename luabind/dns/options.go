package dns

import (
	"fmt"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
)

// optionReader checks an options table: each known key once, with its
// type; an unknown key is an error that lists the known ones.
type optionReader struct {
	L     *lua.LState
	n     int // argument position, for errors
	tbl   *lua.LTable
	known []string
}

func readOptions(L *lua.LState, n int, known ...string) *optionReader {
	r := &optionReader{L: L, n: n, known: known}
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
	case *lua.LTable:
		r.tbl = v
		v.ForEach(func(k, _ lua.LValue) {
			key, ok := k.(lua.LString)
			if !ok || !contains(known, string(key)) {
				sorted := append([]string(nil), known...)
				sort.Strings(sorted)
				r.bad("unknown option %s (known: %s)", lua.LVAsString(k), strings.Join(sorted, ", "))
			}
		})
	default:
		L.ArgError(n, "options table expected, got "+typeName(v))
	}
	return r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *optionReader) bad(format string, args ...any) {
	r.L.ArgError(r.n, fmt.Sprintf(format, args...))
}

func (r *optionReader) get(key string) lua.LValue {
	if r.tbl == nil {
		return lua.LNil
	}
	return r.tbl.RawGetString(key)
}

func (r *optionReader) boolean(key string, def bool) bool {
	switch v := r.get(key).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	default:
		r.bad("%s must be true or false, got %s", key, typeName(v))
	}
	return def
}

func (r *optionReader) seconds(key string) time.Duration {
	v := r.get(key)
	if v == lua.LNil {
		return 0
	}
	num, ok := v.(lua.LNumber)
	if !ok || !(num > 0) || num > 1e6 {
		r.bad("%s must be a number of seconds > 0, got %s", key, describe(v))
	}
	return time.Duration(float64(num) * float64(time.Second))
}

func (r *optionReader) whole(key string, min, max int) (int, bool) {
	v := r.get(key)
	if v == lua.LNil {
		return 0, false
	}
	num, ok := v.(lua.LNumber)
	if !ok || float64(num) != float64(int(num)) || int(num) < min || int(num) > max {
		r.bad("%s must be a whole number %d-%d, got %s", key, min, max, describe(v))
	}
	return int(num), true
}

func (r *optionReader) str(key string) (string, bool) {
	switch v := r.get(key).(type) {
	case *lua.LNilType:
		return "", false
	case lua.LString:
		return string(v), true
	default:
		r.bad("%s must be a string, got %s", key, typeName(v))
	}
	return "", false
}

func typeName(v lua.LValue) string {
	if v == lua.LNil {
		return "nil"
	}
	return v.Type().String()
}

func describe(v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		return fmt.Sprintf("%q", string(s))
	}
	if _, ok := v.(lua.LNumber); ok {
		return lua.LVAsString(v)
	}
	return typeName(v)
}

var queryOptions = []string{"server", "timeout", "tries", "tcp", "edns", "bufsize", "dnssec", "recurse", "class"}

// checkQueryOptions reads dns.query's options table at argument n.
func checkQueryOptions(L *lua.LState, n int) engine.Options {
	r := readOptions(L, n, queryOptions...)
	var o engine.Options
	switch v := r.get("server").(type) {
	case *lua.LNilType:
	case lua.LString:
		o.Servers = []string{r.server(string(v))}
	case *lua.LTable:
		for i := 1; i <= v.Len(); i++ {
			s, ok := v.RawGetInt(i).(lua.LString)
			if !ok {
				r.bad("server list item %d must be a string, got %s", i, typeName(v.RawGetInt(i)))
			}
			o.Servers = append(o.Servers, r.server(string(s)))
		}
		if len(o.Servers) == 0 {
			r.bad("server list is empty")
		}
	default:
		r.bad("server must be \"host:port\" or a list of them, got %s", typeName(v))
	}
	o.Timeout = r.seconds("timeout")
	o.Tries, _ = r.whole("tries", 1, 10)
	o.TCP = r.boolean("tcp", false)
	o.NoEDNS = !r.boolean("edns", true)
	if size, ok := r.whole("bufsize", 512, 65535); ok {
		o.UDPSize = uint16(size)
	}
	o.DNSSEC = r.boolean("dnssec", false)
	o.NoRecurse = !r.boolean("recurse", true)
	switch v := r.get("class").(type) {
	case *lua.LNilType:
	case lua.LString:
		c, err := engine.ParseClass(string(v))
		if err != nil {
			r.bad("%s", err)
		}
		o.Class = c
	case lua.LNumber:
		if float64(v) != float64(int(v)) || v < 0 || v > 65535 {
			r.bad("class must be 0-65535, got %s", describe(v))
		}
		o.Class = uint16(v)
	default:
		r.bad("class must be a name (\"IN\", \"CH\") or a number, got %s", typeName(v))
	}
	return o
}

func (r *optionReader) server(s string) string {
	addr, err := engine.ParseServer(s)
	if err != nil {
		r.bad("%s", err)
	}
	return addr
}

// checkType reads a record type argument: a name ("MX", "aaaa", "TYPE65")
// or a number; absent means A.
func checkType(L *lua.LState, n int) uint16 {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return 1
	case lua.LString:
		t, err := engine.ParseType(string(v))
		if err != nil {
			L.ArgError(n, err.Error())
		}
		return t
	case lua.LNumber:
		t, err := engine.TypeNumber(float64(v))
		if err != nil {
			L.ArgError(n, err.Error())
		}
		return t
	default:
		L.ArgError(n, "record type expected (a name such as \"MX\" or a number), got "+typeName(v))
	}
	return 0
}

// checkName reads a domain name argument and validates it.
func checkName(L *lua.LState, n int) string {
	name := L.CheckString(n)
	fqdn, err := engine.CheckName(name)
	if err != nil {
		L.ArgError(n, err.Error())
	}
	return fqdn
}
