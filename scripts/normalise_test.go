package scripts_test

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// What changes from run to run, or from machine to machine, and what the
// golden files hold instead.
var (
	hexAddr  = regexp.MustCompile(`0x[0-9a-fA-F]+`)
	port     = regexp.MustCompile(`(:|\bport |\{"[^"]*", )(\d{4,5})\b`) // 127.0.0.1:N, {"127.0.0.1", N}
	duration = regexp.MustCompile(`\b\d+(\.\d+)?\s?(ns|µs|us|ms|s)\b`)
	// The machine's name, where a script says it prints it, and its address.
	hostName = regexp.MustCompile(`\b(Host Name = |host name )` + regexp.QuoteMeta(thisHost()) + `\b`)
	hostIP   = regexp.MustCompile(`(\|\| IP = )\S+`)
	// netstat's PID/Program name column, for socklab's own sockets.
	pidProgram = regexp.MustCompile(`\b\d+/socklab\b`)
)

// perScript holds what only one script's output varies in.
var perScript = map[string][]struct {
	re   *regexp.Regexp
	with string
}{
	// How many datagrams fit in a small receive buffer depends on the kernel.
	"tcp_vs_udp": {{regexp.MustCompile(`kept \d+, the kernel dropped \d+`), "kept N, the kernel dropped M"}},
	// ping's round-trip statistics.
	"ping": {{regexp.MustCompile(`rtt min/avg/max/mdev = [\d./]+ ms`), "rtt min/avg/max/mdev = N/N/N/N ms"}},
	// dig's header: a random query ID, the time, the server's port, the date.
	"dns_records": {
		{regexp.MustCompile(`\bid: \d+`), "id: ID"},
		{regexp.MustCompile(`Query time: \d+ msec`), "Query time: N msec"},
		{regexp.MustCompile(`#\d+\(`), "#PORT("},
		{regexp.MustCompile(`;; WHEN: .*`), ";; WHEN: DATE"},
	},
}

func thisHost() string {
	name, err := os.Hostname()
	if err != nil || name == "" {
		return "\x00no host name\x00"
	}
	return name
}

// normalise replaces what changes from run to run: hex addresses, ports of
// 1024 and above (after ":", "port " or an address's `", `), durations, the machine's name and
// address, and the script's own variable parts (perScript).
func normalise(script, s string) string {
	for _, r := range perScript[script] { // first: they may hold ports and times
		s = r.re.ReplaceAllString(s, r.with)
	}
	s = hexAddr.ReplaceAllString(s, "0xADDR")
	s = port.ReplaceAllStringFunc(s, func(m string) string {
		sub := port.FindStringSubmatch(m)
		if n, _ := strconv.Atoi(sub[2]); n >= 1024 {
			return sub[1] + "PORT"
		}
		return m
	})
	s = duration.ReplaceAllString(s, "TIME")
	s = hostName.ReplaceAllString(s, "${1}HOSTNAME")
	s = hostIP.ReplaceAllString(s, "${1}HOSTIP")
	s = pidProgram.ReplaceAllString(s, "PID/socklab")
	return s
}

func TestNormalise(t *testing.T) {
	host := thisHost()
	tests := map[string]string{
		"listening on 127.0.0.1:40123":                  "listening on 127.0.0.1:PORT",
		"connect to port 8080 ok":                       "connect to port PORT ok",
		"http on :80 and port 443":                      "http on :80 and port 443",
		"took 0.123s, then 12 ms, 3µs":                  "took TIME, then TIME, TIME",
		"<socket fd=5 0xc000123abc>":                    "<socket fd=5 0xADDR>",
		"5 seconds is not a duration":                   "5 seconds is not a duration",
		"table: 0x1234 at [::1]:5353":                   "table: 0xADDR at [::1]:PORT",
		"Host Name = " + host + " || IP = 127.0.1.1":    "Host Name = HOSTNAME || IP = HOSTIP",
		"on host name " + host + ", port 1234":          "on host name HOSTNAME, port PORT",
		"Host Name = " + host + "x || IP = 10.0.0.1":    "Host Name = " + host + "x || IP = HOSTIP",
		"the kernel dropped 47 (tcp_vs_udp rules only)": "the kernel dropped 47 (tcp_vs_udp rules only)",
		"ESTABLISHED 10143/socklab":                     "ESTABLISHED PID/socklab",
	}
	for in, want := range tests {
		if got := normalise("", in); got != want {
			t.Errorf("normalise(%q) = %q, want %q", in, got, want)
		}
	}
	if got := normalise("tcp_vs_udp", "kept 3, the kernel dropped 47"); got != "kept N, the kernel dropped M" {
		t.Errorf("tcp_vs_udp rule: got %q", got)
	}
}
