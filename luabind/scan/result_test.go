package scan

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// The result of net.scan: the list, its fields, :open(), :port(), :json()
// and the nmap-style table.

// TestLuaScanResult checks the result list, :open(), :json() and the table.
func TestLuaScanResult(t *testing.T) {
	t.Parallel()
	silent1 := tcpListener(t, "")
	silent2 := tcpListener(t, "")
	talker := tcpListener(t, "SSH-2.0-socklab_test\r\n")
	closed := closedPorts(t, 2)
	e := newLua(t)
	ports := []int{silent1, silent2, talker, closed[0], closed[1]}
	e.setInts("PORTS", ports...)
	vs := e.run(t, `
		local r = net.scan("127.0.0.1", PORTS, {banner = {timeout = 2}}) -- (what the silent ports cost; the talker speaks at once, even on a loaded machine)
		assert(getmetatable(r) == getmetatable(r:open()))
		local n = 0
		for i, res in ipairs(r) do n = n + 1 end
		return r, tostring(r), r:json(), #r, n, r.closed, r.hosts, r.ports, r.scanned, r.elapsed, r.interrupted`)
	if got := fmt.Sprint(vs[3:9]); got != "[5 5 2 1 5 5]" {
		t.Errorf("#r, ipairs, closed, hosts, ports, scanned = %s, want [5 5 2 1 5 5]", got)
	}
	if el := float64(vs[9].(lua.LNumber)); el <= 0 || vs[10] != lua.LNil {
		t.Errorf("elapsed %v interrupted %v", vs[9], vs[10])
	}

	// The JSON round trip: every port listed (both states have few ports).
	var s summary
	if err := json.Unmarshal([]byte(vs[2].String()), &s); err != nil {
		t.Fatalf("json: %v\n%s", err, vs[2])
	}
	open := []int{silent1, silent2, talker}
	slices.Sort(open)
	all := slices.Sorted(slices.Values(ports))
	if s.Hosts != 1 || s.Ports != 5 || s.Scanned != 5 || s.Closed != 2 || len(s.Results) != 5 || len(s.States["127.0.0.1"]) != 2 {
		t.Fatalf("json summary %+v", s)
	}
	for i, r := range s.Results {
		wantState, wantReason, wantBanner := "closed", "conn-refused", ""
		if slices.Contains(open, r.Port) {
			wantState, wantReason = "open", "syn-ack"
		}
		if r.Port == talker {
			wantBanner = "SSH-2.0-socklab_test"
		}
		if r.Host != "127.0.0.1" || r.IP != "127.0.0.1" || r.Port != all[i] || r.Proto != "tcp" || r.State != wantState ||
			r.Reason != wantReason || r.Banner != wantBanner || r.Service != "" || r.RTT <= 0 {
			t.Errorf("json result %d: %+v", i, r)
		}
	}

	// The nmap-style table lists both states (few ports each).
	var rows []string
	for _, p := range all {
		row := fmt.Sprintf("%d/tcp  closed", p)
		if slices.Contains(open, p) {
			row = fmt.Sprintf("%d/tcp  open  ", p)
		}
		if p == talker {
			row = fmt.Sprintf("%d/tcp  open%sSSH-2.0-socklab_test", p, strings.Repeat(" ", 13))
		}
		rows = append(rows, strings.TrimRight(row, " "))
	}
	want := "PORT       STATE   SERVICE  BANNER\n" + strings.Join(rows, "\n") +
		"\nScanned 1 host, 5 ports in ELAPSED s: 3 open, 2 closed"
	got := regexp.MustCompile(`in \d+\.\d\d s`).ReplaceAllString(vs[1].String(), "in ELAPSED s")
	if got != want {
		t.Errorf("tostring:\n%s\nwant:\n%s", got, want)
	}
	// print() and the REPL go through __tostring too.
	before := len(e.out.String())
	e.setGlobal("R", vs[0])
	e.run(t, `print(R)`)
	if printed := e.out.String()[before:]; printed != vs[1].String()+"\n" {
		t.Errorf("print(r) = %q", printed)
	}

	// :open() drops what is not open; the table says what is not shown.
	// r:port finds any port.
	e.setInts("CLOSED", closed...)
	vs = e.run(t, `local o = R:open()
		return #o, tostring(o), R:port(CLOSED[1]).state, R:port(CLOSED[1]).reason, R:port(1) == nil, o:port(CLOSED[2]).state`)
	if got := fmt.Sprintln(vs[0], vs[2], vs[3], vs[4], vs[5]); got != "3 closed conn-refused true closed\n" {
		t.Errorf(":open() and :port(): %v", vs)
	}
	if s := vs[1].String(); !strings.HasPrefix(s, "Not shown: 2 closed tcp ports (conn-refused)\nPORT") || !strings.HasSuffix(s, ": 3 open, 2 closed") {
		t.Errorf("tostring(r:open()):\n%s", s)
	}
}

func TestRenderTableHosts(t *testing.T) {
	t.Parallel()
	s := summary{Hosts: 3, Ports: 100, Scanned: 300, Closed: 296, Filtered: 1, Elapsed: 1.234, Down: []string{"10.0.0.3"},
		Results: []entry{
			{Host: "a.lan", IP: "10.0.0.1", Port: 22, Proto: "tcp", State: "open", Service: "ssh"},
			{Host: "a.lan", IP: "10.0.0.1", Port: 8080, Proto: "tcp", State: "filtered", Reason: "no-response", Service: "http-alt"},
			{Host: "10.0.0.2", IP: "10.0.0.2", Port: 80, Proto: "tcp", State: "open", Service: "http"},
			{Host: "10.0.0.2", IP: "10.0.0.2", Port: 443, Proto: "tcp", State: "open", Service: "https"},
		},
		States: map[string][]portGroup{
			"10.0.0.1": {{State: "closed", Reason: "conn-refused", Count: 98}, {State: "open", Count: 1}, {State: "filtered", Reason: "no-response", Count: 1}},
			"10.0.0.2": {{State: "closed", Reason: "conn-refused", Count: 98}, {State: "open", Count: 2}},
		}}
	want := `Host a.lan (10.0.0.1)
Not shown: 98 closed tcp ports (conn-refused)
PORT      STATE     SERVICE
22/tcp    open      ssh
8080/tcp  filtered  http-alt

Host 10.0.0.2
Not shown: 98 closed tcp ports (conn-refused)
PORT     STATE  SERVICE
80/tcp   open   http
443/tcp  open   https
Down (no answer to discovery): 10.0.0.3
Scanned 3 hosts (2 up), 100 ports each in 1.23 s: 3 open, 296 closed, 1 filtered`
	if got := renderTable(s); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	empty := renderTable(summary{Hosts: 1, Ports: 65535, Scanned: 65535, Closed: 65535, Elapsed: 0.5,
		States: map[string][]portGroup{"127.0.0.1": {{State: "closed", Reason: "conn-refused", Count: 65535}}}})
	if empty != "All 65535 scanned ports are closed (conn-refused)\nScanned 1 host, 65535 ports in 0.50 s: 0 open, 65535 closed" {
		t.Errorf("empty: %q", empty)
	}
	cut := renderTable(summary{Hosts: 1, Ports: 65535, Scanned: 1000, Closed: 999, Elapsed: 0.05, Interrupted: true,
		Results: []entry{{Host: "127.0.0.1", IP: "127.0.0.1", Port: 22, Proto: "tcp", State: "open", Banner: strings.Repeat("x", 100)}},
		States:  map[string][]portGroup{"127.0.0.1": {{State: "closed", Reason: "conn-refused", Count: 999}, {State: "open", Count: 1}}}})
	if !strings.Contains(cut, "Not shown: 999 closed tcp ports (conn-refused)\nPORT") || !strings.Contains(cut, "Interrupted after 1000 of 65535 probes") ||
		!strings.Contains(cut, strings.Repeat("x", 59)+"…") {
		t.Errorf("interrupted:\n%s", cut)
	}
}
