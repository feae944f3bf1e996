package scan

// The scan result as Lua sees it: a list of entries with summary fields,
// r:open(), r:json() and the nmap-style table of __tostring.

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/scan"

	"socklab/internal/services"
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
	t := L.CreateTable(0, 8)
	t.RawSetString("host", lua.LString(r.Host))
	t.RawSetString("ip", lua.LString(r.IP.String()))
	t.RawSetString("port", lua.LNumber(r.Port))
	t.RawSetString("proto", lua.LString(r.Proto))
	t.RawSetString("state", lua.LString(string(r.State)))
	if s := services.name(r.Port, r.Proto); s != "" {
		t.RawSetString("service", lua.LString(s))
	}
	if r.Banner != "" {
		t.RawSetString("banner", lua.LString(r.Banner))
	}
	t.RawSetString("rtt", lua.LNumber(r.RTT.Seconds()))
	return t
}

// pushReport converts a report into the result list.
func pushReport(L *lua.LState, rep *engine.Report, interrupted bool) *lua.LTable {
	services := serviceCache{}
	list := L.CreateTable(0, 6)
	closed := 0
	for _, r := range rep.Results {
		if r.State == engine.Closed {
			closed++
			continue
		}
		list.Append(resultTable(L, r, services))
	}
	list.RawSetString("hosts", lua.LNumber(rep.Hosts))
	list.RawSetString("ports", lua.LNumber(rep.Ports))
	list.RawSetString("scanned", lua.LNumber(len(rep.Results)))
	list.RawSetString("closed", lua.LNumber(closed))
	list.RawSetString("elapsed", lua.LNumber(rep.Elapsed.Seconds()))
	if interrupted {
		list.RawSetString("interrupted", lua.LTrue)
	}
	L.SetMetatable(list, L.GetTypeMetatable(resultTypeName))
	return list
}

// summaryFields are copied by :open().
var summaryFields = []string{"hosts", "ports", "scanned", "closed", "elapsed", "interrupted"}

func checkResult(L *lua.LState) *lua.LTable {
	tbl, ok := L.Get(1).(*lua.LTable)
	if !ok {
		L.ArgError(1, "scan result expected (call it as r:open()), got "+typeName(L.Get(1)))
	}
	return tbl
}

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
	Service string  `json:"service,omitempty"`
	Banner  string  `json:"banner,omitempty"`
	RTT     float64 `json:"rtt"`
}

type summary struct {
	Hosts       int     `json:"hosts"`
	Ports       int     `json:"ports"`
	Scanned     int     `json:"scanned"`
	Closed      int     `json:"closed"`
	Elapsed     float64 `json:"elapsed"`
	Interrupted bool    `json:"interrupted,omitempty"`
	Results     []entry `json:"results"`
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
		Ports:       int(num(tbl, "ports")),
		Scanned:     int(num(tbl, "scanned")),
		Closed:      int(num(tbl, "closed")),
		Elapsed:     num(tbl, "elapsed"),
		Interrupted: lua.LVAsBool(tbl.RawGetString("interrupted")),
		Results:     []entry{},
	}
	for i := 1; i <= tbl.Len(); i++ {
		t, ok := tbl.RawGetInt(i).(*lua.LTable)
		if !ok {
			continue
		}
		s.Results = append(s.Results, entry{
			Host: str(t, "host"), IP: str(t, "ip"), Port: int(num(t, "port")), Proto: str(t, "proto"),
			State: str(t, "state"), Service: str(t, "service"), Banner: str(t, "banner"), RTT: num(t, "rtt"),
		})
	}
	return s
}

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

// maxBannerColumn bounds the BANNER column of the table.
const maxBannerColumn = 60

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// renderTable draws the nmap-style table:
//
//	PORT      STATE  SERVICE  BANNER
//	22/tcp    open   ssh      SSH-2.0-OpenSSH_9.2
//	8080/tcp  open   http-alt
//	Not shown: 65533 closed ports
//	Scanned 1 host, 65535 ports in 0.62 s: 2 open
//
// one block per host (headed "Host NAME (IP)") when several hosts were
// scanned. "Not shown" counts the ports of the host that are not listed:
// closed ones, or closed and filtered ones in an r:open() list.
func renderTable(s summary) string {
	var b strings.Builder
	// Group by host, keeping the list's order.
	type group struct {
		name    string
		entries []entry
	}
	var groups []*group
	byHost := map[string]*group{}
	for _, e := range s.Results {
		key := e.IP + "\x00" + e.Host
		g := byHost[key]
		if g == nil {
			name := e.IP
			if e.Host != "" && e.Host != e.IP {
				name = e.Host + " (" + e.IP + ")"
			}
			g = &group{name: name}
			byHost[key] = g
			groups = append(groups, g)
		}
		g.entries = append(g.entries, e)
	}
	complete := !s.Interrupted && s.Scanned == s.Hosts*s.Ports
	notListed := s.Hosts*s.Ports - len(s.Results)
	what := "closed ports"
	if complete && notListed != s.Closed {
		what = "closed or filtered ports" // an r:open() list
	}
	hasBanner := false
	for _, e := range s.Results {
		if e.Banner != "" {
			hasBanner = true
		}
	}
	for gi, g := range groups {
		if s.Hosts > 1 {
			if gi > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "Host %s\n", g.name)
		}
		rows := [][]string{{"PORT", "STATE", "SERVICE"}}
		if hasBanner {
			rows[0] = append(rows[0], "BANNER")
		}
		for _, e := range g.entries {
			row := []string{strconv.Itoa(e.Port) + "/" + e.Proto, e.State, e.Service}
			if hasBanner {
				row = append(row, truncate(e.Banner, maxBannerColumn))
			}
			rows = append(rows, row)
		}
		writeColumns(&b, rows)
		if complete {
			if n := s.Ports - len(g.entries); n > 0 {
				fmt.Fprintf(&b, "Not shown: %s\n", notShown(n, what))
			}
		}
	}
	switch {
	case len(groups) == 0 && complete && s.Hosts == 1:
		fmt.Fprintf(&b, "All %d scanned ports are %s\n", s.Ports, strings.TrimSuffix(what, " ports"))
	case len(groups) == 0 && complete:
		fmt.Fprintf(&b, "No port listed on %s: all %d × %d are %s\n", plural(s.Hosts, "host"), s.Hosts, s.Ports, strings.TrimSuffix(what, " ports"))
	case !complete && s.Closed > 0:
		fmt.Fprintf(&b, "Not shown: %s\n", notShown(s.Closed, "closed ports"))
	}
	counts := map[string]int{}
	for _, e := range s.Results {
		counts[e.State]++
	}
	var tally []string
	for _, st := range []string{string(engine.Open), string(engine.Filtered), string(engine.OpenFiltered)} {
		if counts[st] > 0 || st == string(engine.Open) {
			tally = append(tally, fmt.Sprintf("%d %s", counts[st], st))
		}
	}
	ports := plural(s.Ports, "port")
	if s.Hosts > 1 {
		ports += " each"
	}
	if complete {
		fmt.Fprintf(&b, "Scanned %s, %s in %.2f s: %s", plural(s.Hosts, "host"), ports, s.Elapsed, strings.Join(tally, ", "))
	} else {
		fmt.Fprintf(&b, "Interrupted after %d of %d probes (%s, %s) in %.2f s: %s",
			s.Scanned, s.Hosts*s.Ports, plural(s.Hosts, "host"), ports, s.Elapsed, strings.Join(tally, ", "))
	}
	return b.String()
}

// writeColumns writes rows as left-aligned columns two spaces apart, with
// no trailing blanks.
func writeColumns(w io.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-len([]rune(c))+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
