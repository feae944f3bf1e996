package scan

import (
	"bufio"
	"context"
	"errors"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParsePorts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		spec string
		want []int
		err  string
	}{
		{"80", []int{80}, ""},
		{"22,80,8000-8003", []int{22, 80, 8000, 8001, 8002, 8003}, ""},
		{" 443 , 22 ,22, 80-81 ", []int{22, 80, 81, 443}, ""},
		{"5-3", nil, "bad port range 5-3"},
		{"70000", nil, "bad port range 70000"},
		{"0", nil, "bad port range 0"},
		{"1-70000", nil, "bad port range 70000"},
		{"abc", nil, `bad port spec "abc"`},
		{"80,", nil, "empty item"},
		{"", nil, "empty"},
		{"1-2-3", nil, `bad port spec "1-2-3"`},
		{"+80", nil, `bad port spec "+80"`},
		{"65534-", []int{65534, 65535}, ""},
		{"-3", []int{1, 2, 3}, ""},
	}
	for _, c := range cases {
		got, err := ParsePorts(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParsePorts(%q) error = %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParsePorts(%q) = %v, %v; want %v", c.spec, got, err, c.want)
		}
	}
	for _, spec := range []string{"-", "1-65535", " - "} {
		got, err := ParsePorts(spec)
		if err != nil || len(got) != 65535 || got[0] != 1 || got[65534] != 65535 {
			t.Errorf("ParsePorts(%q): %d ports, %v", spec, len(got), err)
		}
	}
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"80", "22,80,8000-8100", "-", "1-65535", "70000", "abc", " 1 , 2 ", "5-3", "-10", "65535-", ",", "1--2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ports, err := ParsePorts(spec)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "bad port") || !utf8.ValidString(strings.ToValidUTF8(msg, "")) {
				t.Fatalf("unclear error for %q: %q", spec, msg)
			}
			return
		}
		if len(ports) == 0 || !sort.IntsAreSorted(ports) {
			t.Fatalf("ParsePorts(%q) = %v", spec, ports)
		}
		for i, p := range ports {
			if p < 1 || p > MaxPort || i > 0 && ports[i-1] == p {
				t.Fatalf("ParsePorts(%q): bad or duplicate port %d", spec, p)
			}
		}
	})
}

func TestTopPorts(t *testing.T) {
	t.Parallel()
	top, err := TopPorts(5)
	if err != nil || !slices.Equal(top, []int{80, 23, 443, 21, 22}) {
		t.Fatalf("TopPorts(5) = %v, %v", top, err)
	}
	all, err := TopPorts(1000)
	if err != nil || len(all) != 1000 || NumTopPorts() != 1000 {
		t.Fatalf("TopPorts(1000): %d, %v", len(all), err)
	}
	seen := map[int]bool{}
	for _, p := range all {
		if p < 1 || p > MaxPort || seen[p] {
			t.Fatalf("bad or duplicate port %d", p)
		}
		seen[p] = true
	}
	for _, n := range []int{0, -1, 1001} {
		if _, err := TopPorts(n); err == nil {
			t.Errorf("TopPorts(%d): no error", n)
		}
	}
	top[0] = 1 // the caller's copy
	if again, _ := TopPorts(1); again[0] != 80 {
		t.Fatal("TopPorts shares its slice")
	}

	// Where nmap is installed, the embedded order is re-derived from its
	// nmap-services: TCP entries by open frequency, descending, ties by port.
	f, err := os.Open("/usr/share/nmap/nmap-services")
	if err != nil {
		t.Logf("nmap-services not installed; embedded list not re-checked: %v", err)
		return
	}
	defer f.Close()
	type ent struct {
		port int
		freq float64
	}
	var ents []ent
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fl := strings.Split(sc.Text(), "\t")
		if len(fl) < 3 || strings.HasPrefix(fl[0], "#") || !strings.HasSuffix(fl[1], "/tcp") {
			continue
		}
		p, _ := strconv.Atoi(strings.TrimSuffix(fl[1], "/tcp"))
		fr, _ := strconv.ParseFloat(fl[2], 64)
		ents = append(ents, ent{p, fr})
	}
	slices.SortFunc(ents, func(a, b ent) int {
		if a.freq != b.freq {
			if a.freq > b.freq {
				return -1
			}
			return 1
		}
		return a.port - b.port
	})
	for i := range 1000 {
		if ents[i].port != all[i] {
			t.Fatalf("top port #%d: embedded %d, nmap-services %d", i+1, all[i], ents[i].port)
		}
	}
}

// noLookup refuses every name: tests never send DNS queries.
func noLookup(_ context.Context, host string) ([]netip.Addr, error) {
	return nil, errors.New("lookups disabled in tests")
}

func fakeLookup(_ context.Context, host string) ([]netip.Addr, error) {
	switch host {
	case "dual.test":
		return []netip.Addr{netip.MustParseAddr("::1"), netip.MustParseAddr("127.0.0.2")}, nil
	case "v6only.test":
		return []netip.Addr{netip.MustParseAddr("::1")}, nil
	}
	return nil, errors.New("no such host")
}

func TestParseTargets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts, err := ParseTargetsWith(ctx, []string{"127.0.0.1, ::1 [::1]", "dual.test", "v6only.test 127.0.0.1"}, fakeLookup)
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{"127.0.0.1", netip.MustParseAddr("127.0.0.1")},
		{"::1", netip.MustParseAddr("::1")},
		{"dual.test", netip.MustParseAddr("127.0.0.2")},
	}
	if !slices.Equal(ts, want) {
		t.Fatalf("got %v, want %v", ts, want)
	}

	ts, err = ParseTargetsWith(ctx, []string{"192.168.1.0/30"}, noLookup)
	if err != nil || len(ts) != 4 || ts[0].IP.String() != "192.168.1.0" || ts[3].IP.String() != "192.168.1.3" {
		t.Fatalf("/30: %v %v", ts, err)
	}
	ts, err = ParseTargetsWith(ctx, []string{"10.0.0.0/16"}, noLookup)
	if err != nil || len(ts) != 65536 {
		t.Fatalf("/16: %d %v", len(ts), err)
	}
	ts, err = ParseTargetsWith(ctx, []string{"fd00::/120", "10.1.1.5-7", "::ffff:127.0.0.1"}, noLookup)
	if err != nil || len(ts) != 256+3+1 || ts[256].IP.String() != "10.1.1.5" || !ts[259].IP.Is4() {
		t.Fatalf("v6 /120 + range: %d %v", len(ts), err)
	}

	for spec, msg := range map[string]string{
		"10.0.0.0/8":        "too large (16777216 addresses); the limit is /16",
		"fd00::/64":         "the limit is /112",
		"1.2.3.4/33":        "not a CIDR block",
		"no-such.example":   `cannot resolve "no-such.example"`,
		"bad_target!":       `bad target "bad_target!"`,
		"1.2.3.4.5":         `bad target "1.2.3.4.5"`,
		"10.0.0.9-3":        "range start is after its end",
		"999.1.1.1":         `bad target "999.1.1.1"`,
		"-leadinghyphen.io": "bad target",
		" , ":               "no targets given",
	} {
		_, err := ParseTargetsWith(ctx, []string{spec}, noLookup)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: error %v, want %q", spec, err, msg)
		}
	}

	// The real resolver, for localhost only (answered from /etc/hosts).
	ts, err = ParseTargets([]string{"localhost"})
	if err != nil || len(ts) != 1 || !ts[0].IP.IsLoopback() || ts[0].Host != "localhost" {
		t.Fatalf("localhost: %v %v", ts, err)
	}
}

func FuzzParseTargets(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "::1", "[::1]", "fe80::1%lo", "10.0.0.0/24", "192.168.0.1-9",
		"localhost", "a.b,c d", "1.2.3.4/8", "::/0", "x..y", "0.0.0.0/16", "::ffff:1.2.3.4", "1.2.3.4-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		asked := ""
		refuse := func(_ context.Context, host string) ([]netip.Addr, error) {
			asked = host
			return nil, errors.New("lookups disabled in fuzzing")
		}
		ts, err := ParseTargetsWith(context.Background(), []string{spec}, refuse)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("empty error for %q", spec)
			}
			if asked != "" && !validHostName(asked) {
				t.Fatalf("looked up an invalid name %q", asked)
			}
			return
		}
		if len(ts) == 0 || len(ts) > MaxTargets {
			t.Fatalf("%q: %d targets", spec, len(ts))
		}
		seen := map[netip.Addr]bool{}
		for _, tg := range ts {
			if !tg.IP.IsValid() || tg.IP.Is4In6() || seen[tg.IP] || tg.Host == "" {
				t.Fatalf("%q: bad target %+v", spec, tg)
			}
			seen[tg.IP] = true
		}
	})
}

func TestCheckScope(t *testing.T) {
	t.Parallel()
	p := func(s string) []netip.Prefix {
		if !strings.Contains(s, "/") {
			a := netip.MustParseAddr(s)
			return []netip.Prefix{netip.PrefixFrom(a, a.BitLen())}
		}
		return []netip.Prefix{netip.MustParsePrefix(s)}
	}
	for _, ok := range []string{"127.0.0.1", "127.255.0.1", "::1", "10.1.2.3", "192.168.7.1", "172.16.0.1",
		"169.254.1.1", "fe80::1", "fd12::1", "::ffff:127.0.0.1", "10.0.0.0/16", "192.168.0.0/16"} {
		if err := CheckScope(p(ok), nil, false); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"203.0.113.8", "192.0.2.1", "2001:db8::8888", "::ffff:203.0.113.8",
		"172.32.0.1", "0.0.0.0", "224.0.0.1", "10.0.0.0/7", "0.0.0.0/0", "::/0"} {
		err := CheckScope(p(bad), nil, false)
		var se *ScopeError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), PermissionWarning) {
			t.Errorf("%s: err = %v, want a ScopeError quoting %q", bad, err, PermissionWarning)
		}
		if err := CheckScope(p(bad), nil, true); err != nil {
			t.Errorf("%s with permission: %v", bad, err)
		}
	}
	allow := []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")}
	if err := CheckScope(p("198.51.100.7"), allow, false); err != nil {
		t.Errorf("allowed range refused: %v", err)
	}
	if err := CheckScope(p("198.51.0.0/16"), allow, false); err == nil {
		t.Error("a /16 around an allowed /24 was accepted")
	}
	if err := CheckScope([]netip.Prefix{{}}, nil, false); err == nil {
		t.Error("invalid prefix accepted")
	}
	t.Log(CheckScope(p("203.0.113.8"), nil, false))
}
