package scan

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/scan"
)

// ---- arguments ----

// checkTargets reads argument n: a string or a list of strings.
func checkTargets(L *lua.LState, n int) []string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return []string{string(v)}
	case *lua.LTable:
		var specs []string
		for i := 1; i <= v.Len(); i++ {
			s, ok := v.RawGetInt(i).(lua.LString)
			if !ok {
				L.ArgError(n, fmt.Sprintf("targets: item %d is a %s, expected a host name, address or CIDR string", i, v.RawGetInt(i).Type()))
			}
			specs = append(specs, string(s))
		}
		if len(specs) == 0 {
			L.ArgError(n, "no targets given (an empty list)")
		}
		return specs
	}
	L.ArgError(n, "targets expected: a host name, address or CIDR string, or a list of them; got "+typeName(L.Get(n)))
	return nil
}

func typeName(v lua.LValue) string {
	if v == lua.LNil {
		return "no value"
	}
	return v.Type().String()
}

// checkPorts reads argument n as net.scan's ports: a number, a spec string,
// a list of numbers and specs, or {top = N}. The result is sorted, without
// duplicates.
func checkPorts(L *lua.LState, n int) []int {
	ports, err := portsOf(L.Get(n))
	if err != nil {
		L.ArgError(n, err.Error())
	}
	return ports
}

func portsOf(v lua.LValue) ([]int, error) {
	switch x := v.(type) {
	case lua.LNumber:
		p, err := portNumber(x)
		if err != nil {
			return nil, err
		}
		return []int{p}, nil
	case lua.LString:
		return engine.ParsePorts(string(x))
	case *lua.LTable:
		if top := x.RawGetString("top"); top != lua.LNil {
			num, ok := top.(lua.LNumber)
			if !ok || float64(num) != float64(int(num)) {
				return nil, fmt.Errorf("{top = N}: N must be a whole number, got %s", typeName(top))
			}
			ports, err := engine.TopPorts(int(num))
			slices.Sort(ports)
			return ports, err
		}
		var ports []int
		for i := 1; i <= x.Len(); i++ {
			switch item := x.RawGetInt(i).(type) {
			case lua.LNumber:
				p, err := portNumber(item)
				if err != nil {
					return nil, err
				}
				ports = append(ports, p)
			case lua.LString:
				ps, err := engine.ParsePorts(string(item))
				if err != nil {
					return nil, err
				}
				ports = append(ports, ps...)
			default:
				return nil, fmt.Errorf("ports: item %d is a %s, expected a number or a spec string", i, typeName(item))
			}
		}
		if len(ports) == 0 {
			return nil, errors.New("no ports given (an empty list; {top = N} for the most common ports)")
		}
		slices.Sort(ports)
		return slices.Compact(ports), nil
	}
	return nil, fmt.Errorf("ports expected: a number, a spec string like \"22,80,8000-8100\", a list or {top = N}; got %s", typeName(v))
}

func portNumber(x lua.LNumber) (int, error) {
	f := float64(x)
	if f != float64(int64(f)) {
		return 0, fmt.Errorf("bad port %v: ports are whole numbers", x)
	}
	if f < 1 || f > engine.MaxPort {
		return 0, fmt.Errorf("bad port range %v: ports are 1-65535", x)
	}
	return int(f), nil
}

// luaOptions is what net.scan's opts table holds besides engine engine.Options.
type luaOptions struct {
	opts     engine.Options
	progress lua.LValue // nil (auto), true or false
	onResult *lua.LFunction
}

var optionNames = []string{"banner", "concurrency", "i_have_permission", "on_result", "progress", "rate", "retries", "skip_discovery", "timeout", "timing", "udp"}

func checkOptions(L *lua.LState, n int) luaOptions {
	var o luaOptions
	o.progress = lua.LNil
	if L.Get(n) == lua.LNil {
		return o
	}
	tbl, ok := L.Get(n).(*lua.LTable)
	if !ok {
		L.ArgError(n, "options table expected, got "+typeName(L.Get(n)))
	}
	bad := func(format string, args ...any) { L.ArgError(n, fmt.Sprintf(format, args...)) }
	seconds := func(key string, v lua.LValue) time.Duration {
		num, ok := v.(lua.LNumber)
		if !ok || !(num > 0) || num > 1e6 {
			bad("%s must be a number of seconds > 0, got %s", key, lua.LVAsString(v)+typeSuffix(v))
		}
		return time.Duration(float64(num) * float64(time.Second))
	}
	whole := func(key string, v lua.LValue, min int) int {
		num, ok := v.(lua.LNumber)
		if !ok || float64(num) != float64(int(num)) || int(num) < min || num > 1<<24 {
			bad("%s must be a whole number ≥ %d, got %s", key, min, lua.LVAsString(v)+typeSuffix(v))
		}
		return int(num)
	}
	boolean := func(key string, v lua.LValue) bool {
		b, ok := v.(lua.LBool)
		if !ok {
			bad("%s must be true or false, got %s", key, typeName(v))
		}
		return bool(b)
	}
	tbl.ForEach(func(k, v lua.LValue) {
		key, _ := k.(lua.LString)
		switch string(key) {
		case "timeout":
			o.opts.Timeout = seconds("timeout", v)
		case "concurrency":
			o.opts.Concurrency = whole("concurrency", v, 1)
		case "rate":
			num, ok := v.(lua.LNumber)
			if !ok || !(num > 0) {
				bad("rate must be a number of probes per second > 0, got %s", lua.LVAsString(v)+typeSuffix(v))
			}
			o.opts.Rate = float64(num)
		case "retries":
			o.opts.Retries = whole("retries", v, 0)
			if o.opts.Retries == 0 {
				o.opts.Retries = -1 // the engine's 0 means its default
			}
		case "banner":
			switch b := v.(type) {
			case lua.LBool:
				o.opts.Banner = bool(b)
			case *lua.LTable:
				o.opts.Banner = true
				b.ForEach(func(k, v lua.LValue) {
					switch lua.LVAsString(k) {
					case "bytes":
						o.opts.BannerBytes = whole("banner.bytes", v, 1)
					case "timeout":
						o.opts.BannerTimeout = seconds("banner.timeout", v)
					default:
						bad("unknown banner option %q (known: bytes, timeout)", lua.LVAsString(k))
					}
				})
			default:
				bad("banner must be true, false or {bytes = N, timeout = seconds}, got %s", typeName(v))
			}
		case "timing":
			num, ok := v.(lua.LNumber)
			if !ok || float64(num) != float64(int(num)) {
				bad("timing must be a template number 0-5 (as nmap's -T0 … -T5), got %s", lua.LVAsString(v)+typeSuffix(v))
			}
			tm, err := engine.Template(int(num))
			if err != nil {
				bad("%s", err.Error())
			}
			o.opts.Timing = &tm
		case "skip_discovery":
			o.opts.SkipDiscovery = boolean("skip_discovery", v)
		case "udp":
			o.opts.UDP = boolean("udp", v)
		case "progress":
			boolean("progress", v)
			o.progress = v
		case "on_result":
			fn, ok := v.(*lua.LFunction)
			if !ok {
				bad("on_result must be a function, got %s", typeName(v))
			}
			o.onResult = fn
		case "i_have_permission":
			o.opts.IHavePermission = boolean("i_have_permission", v)
		default:
			bad("unknown option %s (known: %s)", quoteKey(k), strings.Join(optionNames, ", "))
		}
	})
	return o
}

func typeSuffix(v lua.LValue) string {
	if _, ok := v.(lua.LNumber); ok {
		return ""
	}
	return " (" + typeName(v) + ")"
}

func quoteKey(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok {
		return strconv.Quote(string(s))
	}
	return "[" + k.String() + "]"
}

// allowed returns the runtime's net.scan_allow list as prefixes.
func allowed(L *lua.LState) []netip.Prefix {
	tbl, ok := L.GetField(L.Get(lua.RegistryIndex), allowKey).(*lua.LTable)
	if !ok {
		return nil
	}
	var out []netip.Prefix
	for i := 1; i <= tbl.Len(); i++ {
		if p, err := parseAllow(lua.LVAsString(tbl.RawGetInt(i))); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// parseAllow reads "203.0.113.0/24" or a single address.
func parseAllow(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.Prefix{}, fmt.Errorf("bad range %q: expected an address or a CIDR block like 203.0.113.0/24", s)
}

// ---- net.scan ----
