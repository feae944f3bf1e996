package scan

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MaxPort is the highest TCP/UDP port number.
const MaxPort = 65535

// ParsePorts parses a port specification such as "22,80,8000-8100".
//
// Items are separated by commas (spaces around them are tolerated); an item
// is a port ("80") or an inclusive range ("8000-8100"). "-" alone, and open
// ranges "-1024" / "60000-", extend to 1 / 65535, so "-" and "1-65535" both
// mean every port. The result is sorted ascending without duplicates.
//
// Errors name the offending item: `bad port spec "abc"`, `bad port range
// 70000` (outside 1–65535), `bad port range 90-80` (reversed).
func ParsePorts(spec string) ([]int, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("bad port spec %q: empty", spec)
	}
	var ranges [][2]int
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("bad port spec %q: empty item", spec)
		}
		lo, hi, err := parsePortItem(item)
		if err != nil {
			return nil, err
		}
		ranges = append(ranges, [2]int{lo, hi})
	}
	slices.SortFunc(ranges, func(a, b [2]int) int { return a[0] - b[0] })
	var out []int
	next := 1 // the lowest port not yet in out
	for _, r := range ranges {
		for p := max(r[0], next); p <= r[1]; p++ {
			out = append(out, p)
		}
		next = max(next, r[1]+1)
	}
	return out, nil
}

func parsePortItem(item string) (lo, hi int, err error) {
	a, b, isRange := strings.Cut(item, "-")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !isRange {
		p, err := parsePortNumber(a, item)
		return p, p, err
	}
	lo, hi = 1, MaxPort
	if a != "" {
		if lo, err = parsePortNumber(a, item); err != nil {
			return 0, 0, err
		}
	}
	if b != "" {
		if hi, err = parsePortNumber(b, item); err != nil {
			return 0, 0, err
		}
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("bad port range %d-%d: start is after end", lo, hi)
	}
	return lo, hi, nil
}

func parsePortNumber(s, item string) (int, error) {
	if s == "" || len(s) > 12 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("bad port spec %q", item)
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > MaxPort {
		return 0, fmt.Errorf("bad port range %s: ports are 1-65535", s)
	}
	return p, nil
}

// topPortsText is the embedded "top ports" table: the 1000 TCP ports most
// often found open, most frequent first (with nmap's service names, which
// only document the list: names come from internal/services). It
// was derived from Nmap 7.93's nmap-services open-frequency column (TCP
// entries sorted by frequency, descending, ties by port number); its set
// equals what `nmap --top-ports 1000` scans. See the header of the file.
//
//go:embed topports.txt
var topPortsText string

var topPorts = sync.OnceValue(func() []int {
	var ports []int
	for line := range strings.SplitSeq(topPortsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		num, _, _ := strings.Cut(line, " ")
		p, err := strconv.Atoi(num)
		if err != nil {
			panic("scan: corrupt topports.txt line " + strconv.Quote(line))
		}
		ports = append(ports, p)
	}
	return ports
})

// TopPorts returns the n TCP ports most often found open, most frequent
// first (80, 23, 443, 21, 22, …), as nmap's --top-ports orders them. n must be
// between 1 and NumTopPorts.
func TopPorts(n int) ([]int, error) {
	all := topPorts()
	if n < 1 || n > len(all) {
		return nil, fmt.Errorf("top ports: n must be between 1 and %d, got %d", len(all), n)
	}
	return slices.Clone(all[:n]), nil
}

// NumTopPorts is how many ports TopPorts knows (1000).
func NumTopPorts() int { all := topPorts(); return len(all) }
