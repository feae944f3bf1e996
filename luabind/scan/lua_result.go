package scan

// The scan result as Lua sees it: a list of entries with summary fields,
// r:open(), r:json() and the nmap-style table of __tostring.

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/scan"
	"socklab/internal/services"
	"socklab/luabind/runtime"
)

// serviceCache memoises services.Name (a table walk) per port/proto.
type serviceCache map[string]string

func (c serviceCache) name(port int, proto string) string {
	key := strconv.Itoa(port) + "/" + proto
	if s, ok := c[key]; ok {
		return s
	}
	s := services.Name(port, proto)
	c[key] = s
	return s
}

// resultTable makes the Lua entry for one result.
func resultTable(L *lua.LState, r engine.Result, services serviceCache) *lua.LTable {
	t := L.CreateTable(0, 9)
	t.RawSetString("host", lua.LString(r.Host))
	t.RawSetString("ip", lua.LString(r.IP.String()))
	t.RawSetString("port", lua.LNumber(r.Port))
	t.RawSetString("proto", lua.LString(r.Proto))
	t.RawSetString("state", lua.LString(string(r.State)))
	if r.Reason != "" {
		t.RawSetString("reason", lua.LString(r.Reason))
	}
	if s := services.name(r.Port, r.Proto); s != "" {
		t.RawSetString("service", lua.LString(s))
	}
	if r.Banner != "" {
		t.RawSetString("banner", lua.LString(r.Banner))
	}
	t.RawSetString("rtt", lua.LNumber(r.RTT.Seconds()))
	return t
}

// maxListed is nmap's threshold: a state with more ports than this on a
// host is collapsed into "Not shown" (open ports are always listed).
const maxListed = 25

// portGroup is the ports of one host that share a state and a reason.
type portGroup struct {
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
	Count  int    `json:"count"`
	Ports  string `json:"ports"` // ranges: "1-21,23-79"
	Listed bool   `json:"listed"`
}

// groupPorts groups one host's results (sorted by port) by state and
// reason, most ports first.
func groupPorts(rs []engine.Result) []portGroup {
	type key struct{ state, reason string }
	byKey := map[key]*portGroup{}
	var order []key
	perState := map[string]int{}
	var ranges = map[key]*strings.Builder{}
	last := map[key][2]int{}
	flush := func(k key) {
		r := last[k]
		b := ranges[k]
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(r[0]))
		if r[1] != r[0] {
			b.WriteString("-" + strconv.Itoa(r[1]))
		}
	}
	for _, r := range rs {
		k := key{string(r.State), r.Reason}
		g := byKey[k]
		if g == nil {
			g = &portGroup{State: k.state, Reason: k.reason}
			byKey[k] = g
			order = append(order, k)
			ranges[k] = &strings.Builder{}
			last[k] = [2]int{r.Port, r.Port}
		} else if lr := last[k]; r.Port == lr[1]+1 {
			last[k] = [2]int{lr[0], r.Port}
		} else {
			flush(k)
			last[k] = [2]int{r.Port, r.Port}
		}
		g.Count++
		perState[k.state]++
	}
	out := make([]portGroup, 0, len(order))
	for _, k := range order {
		flush(k)
		g := byKey[k]
		g.Ports = ranges[k].String()
		g.Listed = g.State == string(engine.Open) || perState[g.State] <= maxListed
		out = append(out, *g)
	}
	slices.SortStableFunc(out, func(a, b portGroup) int { return b.Count - a.Count })
	return out
}

// pushReport converts a report into the result list: the entries nmap
// would list (open ports, and every port of a state with at most
// maxListed ports on its host), and r.states with every port's state.
func pushReport(L *lua.LState, rep *engine.Report, interrupted bool) *lua.LTable {
	services := serviceCache{}
	list := L.CreateTable(0, 10)
	states := L.CreateTable(0, 1)
	counts := map[engine.State]int{}
	for lo := 0; lo < len(rep.Results); {
		hi := lo
		for hi < len(rep.Results) && rep.Results[hi].IP == rep.Results[lo].IP {
			hi++
		}
		host := rep.Results[lo:hi]
		groups := groupPorts(host)
		listed := map[string]bool{}
		gt := L.CreateTable(len(groups), 0)
		for _, g := range groups {
			listed[g.State] = listed[g.State] || g.Listed
			e := L.CreateTable(0, 5)
			e.RawSetString("state", lua.LString(g.State))
			if g.Reason != "" {
				e.RawSetString("reason", lua.LString(g.Reason))
			}
			e.RawSetString("count", lua.LNumber(g.Count))
			e.RawSetString("ports", lua.LString(g.Ports))
			e.RawSetString("listed", lua.LBool(g.Listed))
			gt.Append(e)
		}
		states.RawSetString(host[0].IP.String(), gt)
		for _, r := range host {
			counts[r.State]++
			if listed[string(r.State)] {
				list.Append(resultTable(L, r, services))
			}
		}
		lo = hi
	}
	up, down := 0, L.CreateTable(0, 0)
	for _, h := range rep.HostList {
		switch h.State {
		case engine.HostDown:
			down.Append(lua.LString(h.IP.String()))
		case engine.HostUp:
			up++
		}
	}
	list.RawSetString("hosts", lua.LNumber(rep.Hosts))
	list.RawSetString("up", lua.LNumber(up))
	list.RawSetString("down", down)
	list.RawSetString("ports", lua.LNumber(rep.Ports))
	list.RawSetString("scanned", lua.LNumber(len(rep.Results)))
	list.RawSetString("closed", lua.LNumber(counts[engine.Closed]))
	list.RawSetString("filtered", lua.LNumber(counts[engine.Filtered]+counts[engine.OpenFiltered]))
	list.RawSetString("elapsed", lua.LNumber(rep.Elapsed.Seconds()))
	list.RawSetString("states", states)
	if interrupted {
		list.RawSetString("interrupted", lua.LTrue)
	}
	L.SetMetatable(list, L.GetTypeMetatable(resultTypeName))
	return list
}

// resultType gives net.scan's results their methods and help.
var resultType = &runtime.Type{
	Name:    resultTypeName,
	Doc:     "the list net.scan returns: entries {host, ip, port, proto, state, reason, service, banner, rtt} as nmap lists them, plus fields states, hosts, up, down, ports, scanned, closed, filtered, elapsed; print it for an nmap-style table",
	Methods: []runtime.Function{resultOpenMethod, resultPortMethod, resultJSONMethod},
	Meta:    map[string]lua.LGFunction{"__tostring": luaResultTostring},
}

// summaryFields are copied by :open().
var summaryFields = []string{"hosts", "up", "down", "ports", "scanned", "closed", "filtered", "elapsed", "states", "interrupted"}

func checkResult(L *lua.LState) *lua.LTable {
	tbl, ok := L.Get(1).(*lua.LTable)
	if !ok {
		L.ArgError(1, "scan result expected (call it as r:open()), got "+typeName(L.Get(1)))
	}
	return tbl
}

var resultOpenMethod = runtime.Function{Name: "open", Args: "()", Fn: luaResultOpen,
	Doc: "Returns a new result list holding only the open entries, with the same summary fields and methods."}

func luaResultOpen(L *lua.LState) int {
	tbl := checkResult(L)
	out := L.CreateTable(0, 6)
	for i := 1; i <= tbl.Len(); i++ {
		e := tbl.RawGetInt(i)
		if et, ok := e.(*lua.LTable); ok && lua.LVAsString(et.RawGetString("state")) == string(engine.Open) {
			out.Append(e)
		}
	}
	for _, k := range summaryFields {
		out.RawSetString(k, tbl.RawGetString(k))
	}
	L.SetMetatable(out, L.GetMetatable(tbl))
	L.Push(out)
	return 1
}

// ---- rendering: JSON and the nmap-style table ----

type entry struct {
	Host    string  `json:"host"`
	IP      string  `json:"ip"`
	Port    int     `json:"port"`
	Proto   string  `json:"proto"`
	State   string  `json:"state"`
	Reason  string  `json:"reason,omitempty"`
	Service string  `json:"service,omitempty"`
	Banner  string  `json:"banner,omitempty"`
	RTT     float64 `json:"rtt"`
}

type summary struct {
	Hosts       int                    `json:"hosts"`
	Up          int                    `json:"up"`
	Down        []string               `json:"down"`
	Ports       int                    `json:"ports"`
	Scanned     int                    `json:"scanned"`
	Closed      int                    `json:"closed"`
	Filtered    int                    `json:"filtered"`
	Elapsed     float64                `json:"elapsed"`
	Interrupted bool                   `json:"interrupted,omitempty"`
	Results     []entry                `json:"results"`
	States      map[string][]portGroup `json:"states"`
}

// readResult reads a result list (possibly edited by the user) back.
func readResult(tbl *lua.LTable) summary {
	num := func(t *lua.LTable, k string) float64 { return float64(lua.LVAsNumber(t.RawGetString(k))) }
	str := func(t *lua.LTable, k string) string {
		if v := t.RawGetString(k); v != lua.LNil {
			return lua.LVAsString(v)
		}
		return ""
	}
	s := summary{
		Hosts:       int(num(tbl, "hosts")),
		Up:          int(num(tbl, "up")),
		Down:        []string{},
		Ports:       int(num(tbl, "ports")),
		Scanned:     int(num(tbl, "scanned")),
		Closed:      int(num(tbl, "closed")),
		Filtered:    int(num(tbl, "filtered")),
		Elapsed:     num(tbl, "elapsed"),
		Interrupted: lua.LVAsBool(tbl.RawGetString("interrupted")),
		Results:     []entry{},
		States:      map[string][]portGroup{},
	}
	if down, ok := tbl.RawGetString("down").(*lua.LTable); ok {
		for i := 1; i <= down.Len(); i++ {
			s.Down = append(s.Down, lua.LVAsString(down.RawGetInt(i)))
		}
	}
	if states, ok := tbl.RawGetString("states").(*lua.LTable); ok {
		states.ForEach(func(k, v lua.LValue) {
			groups, ok := v.(*lua.LTable)
			if !ok {
				return
			}
			for i := 1; i <= groups.Len(); i++ {
				g, ok := groups.RawGetInt(i).(*lua.LTable)
				if !ok {
					continue
				}
				s.States[lua.LVAsString(k)] = append(s.States[lua.LVAsString(k)], portGroup{
					State: str(g, "state"), Reason: str(g, "reason"), Count: int(num(g, "count")),
					Ports: str(g, "ports"), Listed: lua.LVAsBool(g.RawGetString("listed")),
				})
			}
		})
	}
	for i := 1; i <= tbl.Len(); i++ {
		t, ok := tbl.RawGetInt(i).(*lua.LTable)
		if !ok {
			continue
		}
		s.Results = append(s.Results, entry{
			Host: str(t, "host"), IP: str(t, "ip"), Port: int(num(t, "port")), Proto: str(t, "proto"),
			State: str(t, "state"), Reason: str(t, "reason"), Service: str(t, "service"), Banner: str(t, "banner"), RTT: num(t, "rtt"),
		})
	}
	return s
}

var resultJSONMethod = runtime.Function{Name: "json", Args: "([pretty])", Fn: luaResultJSON,
	Doc: "Returns the result as a JSON string: {hosts, up, down, ports, scanned, closed, filtered, elapsed, interrupted, results = [{host, ip, port, proto, state, reason, service, banner, rtt}], states = {ip = [{state, reason, count, ports, listed}]}}. " +
		"pretty = true indents it."}

func luaResultJSON(L *lua.LState) int {
	s := readResult(checkResult(L))
	var b []byte
	var err error
	if lua.LVAsBool(L.Get(2)) {
		b, err = json.MarshalIndent(s, "", "  ")
	} else {
		b, err = json.Marshal(s)
	}
	if err != nil {
		L.RaiseError("json: %v", err)
	}
	L.Push(lua.LString(b))
	return 1
}

func luaResultTostring(L *lua.LState) int {
	L.Push(lua.LString(renderTable(readResult(checkResult(L)))))
	return 1
}

var resultPortMethod = runtime.Function{Name: "port", Args: "(n[, host])", Fn: luaResultPort,
	Doc: "Returns the entry {host, ip, port, proto, state, reason, …} of port n (of host, an address or name, when several were scanned), whether it is listed or collapsed into \"Not shown\"; nil if it was not scanned."}

// luaResultPort is r:port(n[, host]).
func luaResultPort(L *lua.LState) int {
	tbl := checkResult(L)
	port := L.CheckInt(2)
	host := L.OptString(3, "")
	for i := 1; i <= tbl.Len(); i++ {
		e, ok := tbl.RawGetInt(i).(*lua.LTable)
		if !ok || int(lua.LVAsNumber(e.RawGetString("port"))) != port {
			continue
		}
		if host == "" || lua.LVAsString(e.RawGetString("ip")) == host || lua.LVAsString(e.RawGetString("host")) == host {
			L.Push(e)
			return 1
		}
	}
	states, ok := tbl.RawGetString("states").(*lua.LTable)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	var ips []string
	states.ForEach(func(k, _ lua.LValue) { ips = append(ips, lua.LVAsString(k)) })
	slices.SortFunc(ips, compareIP)
	proto := "tcp"
	if first, ok := tbl.RawGetInt(1).(*lua.LTable); ok {
		proto = lua.LVAsString(first.RawGetString("proto"))
	}
	for _, ip := range ips {
		if host != "" && host != ip {
			continue
		}
		groups, _ := states.RawGetString(ip).(*lua.LTable)
		for i := 1; groups != nil && i <= groups.Len(); i++ {
			g, ok := groups.RawGetInt(i).(*lua.LTable)
			if !ok || !inRanges(lua.LVAsString(g.RawGetString("ports")), port) {
				continue
			}
			e := L.CreateTable(0, 6)
			e.RawSetString("host", lua.LString(ip))
			e.RawSetString("ip", lua.LString(ip))
			e.RawSetString("port", lua.LNumber(port))
			e.RawSetString("proto", lua.LString(proto))
			e.RawSetString("state", g.RawGetString("state"))
			e.RawSetString("reason", g.RawGetString("reason"))
			L.Push(e)
			return 1
		}
		if host == "" {
			break // the first host only, unless one is named
		}
	}
	L.Push(lua.LNil)
	return 1
}

// inRanges reports whether port is in "1-21,23,25-79".
func inRanges(ranges string, port int) bool {
	for item := range strings.SplitSeq(ranges, ",") {
		a, b, isRange := strings.Cut(item, "-")
		lo, err := strconv.Atoi(a)
		if err != nil {
			continue
		}
		hi := lo
		if isRange {
			if hi, err = strconv.Atoi(b); err != nil {
				continue
			}
		}
		if port >= lo && port <= hi {
			return true
		}
	}
	return false
}
