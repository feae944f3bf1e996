package scan

import (
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	engine "socklab/internal/scan"
)

// maxBannerColumn bounds the BANNER column of the table.
const maxBannerColumn = 60

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// renderTable draws the nmap-style table, per host (headed "Host NAME
// (IP)" when several were scanned):
//
//	Not shown: 3999 filtered tcp ports (no-response), 1000 closed tcp ports (conn-refused)
//	PORT      STATE  SERVICE  BANNER
//	22/tcp    open   ssh      SSH-2.0-OpenSSH_9.2
//	8080/tcp  open   http-alt
//	Scanned 1 host, 5000 ports in 1.62 s: 2 open, 1000 closed, 3999 filtered
//
// "Not shown" counts, by state and reason (r.states), the ports of the
// host that are not in the list.
func renderTable(s summary) string {
	var b strings.Builder
	type group struct {
		name    string
		ip      string
		entries []entry
	}
	var groups []*group
	byIP := map[string]*group{}
	add := func(ip, name string) *group {
		g := byIP[ip]
		if g == nil {
			g = &group{name: ip, ip: ip}
			if name != "" && name != ip {
				g.name = name + " (" + ip + ")"
			}
			byIP[ip] = g
			groups = append(groups, g)
		}
		return g
	}
	for _, e := range s.Results {
		g := add(e.IP, e.Host)
		g.entries = append(g.entries, e)
	}
	for _, ip := range slices.Sorted(maps.Keys(s.States)) {
		add(ip, "")
	}
	slices.SortStableFunc(groups, func(a, c *group) int { return compareIP(a.ip, c.ip) })
	proto := "tcp"
	for _, e := range s.Results {
		proto = e.Proto
	}
	hasBanner := false
	for _, e := range s.Results {
		hasBanner = hasBanner || e.Banner != ""
	}
	for gi, g := range groups {
		if len(groups) > 1 || s.Hosts > 1 {
			if gi > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "Host %s\n", g.name)
		}
		shown := map[string]int{}
		for _, e := range g.entries {
			shown[e.State+"\x00"+e.Reason]++
		}
		var hidden []string
		total := 0
		for _, pg := range s.States[g.ip] {
			total += pg.Count
			if n := pg.Count - shown[pg.State+"\x00"+pg.Reason]; n > 0 {
				what := fmt.Sprintf("%d %s %s %s", n, pg.State, proto, pluralWord(n, "port"))
				if pg.Reason != "" {
					what += " (" + pg.Reason + ")"
				}
				hidden = append(hidden, what)
			}
		}
		if len(g.entries) == 0 && len(hidden) == 1 && len(s.States[g.ip]) == 1 {
			pg := s.States[g.ip][0]
			fmt.Fprintf(&b, "All %d scanned ports are %s", total, pg.State)
			if pg.Reason != "" {
				fmt.Fprintf(&b, " (%s)", pg.Reason)
			}
			b.WriteByte('\n')
			continue
		}
		if len(hidden) > 0 {
			fmt.Fprintf(&b, "Not shown: %s\n", strings.Join(hidden, ", "))
		}
		if len(g.entries) == 0 {
			continue
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
	}
	if n := len(s.Down); n > 0 {
		if n <= 5 {
			fmt.Fprintf(&b, "Down (no answer to discovery): %s\n", strings.Join(s.Down, ", "))
		} else {
			fmt.Fprintf(&b, "Down (no answer to discovery): %d hosts\n", n)
		}
	}
	open := 0
	for _, e := range s.Results {
		if e.State == string(engine.Open) {
			open++
		}
	}
	tally := []string{fmt.Sprintf("%d open", open)}
	if s.Closed > 0 {
		tally = append(tally, fmt.Sprintf("%d closed", s.Closed))
	}
	if s.Filtered > 0 {
		tally = append(tally, fmt.Sprintf("%d filtered", s.Filtered))
	}
	hosts := plural(s.Hosts, "host")
	if len(s.Down) > 0 {
		hosts += fmt.Sprintf(" (%d up)", s.Hosts-len(s.Down))
	}
	ports := plural(s.Ports, "port")
	if s.Hosts > 1 {
		ports += " each"
	}
	if !s.Interrupted {
		fmt.Fprintf(&b, "Scanned %s, %s in %.2f s: %s", hosts, ports, s.Elapsed, strings.Join(tally, ", "))
	} else {
		fmt.Fprintf(&b, "Interrupted after %d of %d probes (%s, %s) in %.2f s: %s",
			s.Scanned, s.Hosts*s.Ports, hosts, ports, s.Elapsed, strings.Join(tally, ", "))
	}
	return b.String()
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// compareIP orders address strings as addresses (unparsable ones last).
func compareIP(a, b string) int {
	x, errx := netip.ParseAddr(a)
	y, erry := netip.ParseAddr(b)
	switch {
	case errx != nil && erry != nil:
		return strings.Compare(a, b)
	case errx != nil:
		return 1
	case erry != nil:
		return -1
	}
	return x.Compare(y)
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
