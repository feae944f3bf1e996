package netinfo

import (
	"encoding/json"
	"net/netip"
	"os/exec"
	"slices"
	"testing"

	"socklab/internal/nstest"
)

// twoHosts makes namespaces a and b joined by veth a0/b0 with several IPv4
// and IPv6 addresses and routes on a, and returns a's name.
func twoHosts(t *testing.T) (*nstest.Lab, string) {
	lab := nstest.New(t)
	a, b := lab.Add("a"), lab.Add("b")
	lab.Link(a, "a0", b, "b0")
	lab.Sh(a, `
ip addr add 10.9.0.1/24 dev a0
ip addr add 10.9.0.2/24 dev a0
ip addr add 10.9.1.1/16 brd + dev a0 label a0:x
ip addr add 172.31.5.5 peer 172.31.5.6 dev a0
ip addr add fd00:9::1/64 dev a0
ip addr add fd00:9::2/64 dev a0 valid_lft 1000 preferred_lft 500
ip addr add fd00:99::1/64 dev a0 noprefixroute
ip route add default via 10.9.0.254
ip route add 192.168.77.0/24 via 10.9.0.3 metric 50 proto static
ip route add 192.168.78.9 dev a0 scope link
ip route add unreachable 192.168.79.0/24
ip -6 route add default via fd00:9::fe metric 7
`)
	lab.Sh(b, "ip addr add 10.9.0.9/24 dev b0; ip addr add fd00:9::9/64 dev b0")
	return lab, a
}

func ipJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"-j"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ip -j %v: %v", args, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("ip -j %v: %v\n%s", args, err, out)
	}
}

type ipLink struct {
	Index     int      `json:"ifindex"`
	Name      string   `json:"ifname"`
	Flags     []string `json:"flags"`
	MTU       int      `json:"mtu"`
	State     string   `json:"operstate"`
	LinkType  string   `json:"link_type"`
	Address   string   `json:"address"`
	Broadcast string   `json:"broadcast"`
	Qlen      int      `json:"txqlen"`
	AddrInfo  []struct {
		Family    string `json:"family"`
		Local     string `json:"local"`
		Address   string `json:"address"` // the peer, for point-to-point
		Prefixlen int    `json:"prefixlen"`
		Broadcast string `json:"broadcast"`
		Scope     string `json:"scope"`
		Label     string `json:"label"`
		Dynamic   bool   `json:"dynamic"`
		Secondary bool   `json:"secondary"`
		NoPrefix  bool   `json:"noprefixroute"`
		Valid     uint32 `json:"valid_life_time"`
		Preferred uint32 `json:"preferred_life_time"`
	} `json:"addr_info"`
}

func TestInterfacesMatchIP(t *testing.T) {
	if !nstest.IsChild(t) {
		lab, a := twoHosts(t)
		lab.RunTest(a, nil)
		return
	}
	var want []ipLink
	ipJSON(t, &want, "addr")
	got, err := Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d interfaces, ip shows %d:\n%s", len(got), len(want), FormatInterfaces(got))
	}
	for i, w := range want {
		g := got[i]
		check := func(field string, g, w any) {
			t.Helper()
			if g != w {
				t.Errorf("%s %s: got %v, ip says %v", w, field, g, w)
			}
		}
		check("index", g.Index, w.Index)
		check("name", g.Name, w.Name)
		check("flags", slices.Equal(g.Flags, w.Flags), true)
		check("mtu", g.MTU, w.MTU)
		check("state", g.State, w.State)
		check("link_type", g.LinkType, w.LinkType)
		check("mac", g.MAC, w.Address)
		check("broadcast", g.Broadcast, w.Broadcast)
		check("qlen", g.Qlen, w.Qlen)
		if len(g.Addrs) != len(w.AddrInfo) {
			t.Errorf("%s: %d addresses, ip shows %d:\n%s", g.Name, len(g.Addrs), len(w.AddrInfo), g)
			continue
		}
		for j, wa := range w.AddrInfo {
			ga := g.Addrs[j]
			check("family", ga.Family, wa.Family)
			check("address", ga.Prefix.Addr().String(), wa.Local)
			check("prefixlen", ga.Prefix.Bits(), wa.Prefixlen)
			peer := ""
			if ga.Peer.IsValid() {
				peer = ga.Peer.Addr().String()
			}
			check("peer", peer, wa.Address)
			brd := ""
			if ga.Broadcast.IsValid() {
				brd = ga.Broadcast.String()
			}
			check("broadcast", brd, wa.Broadcast)
			check("scope", ga.Scope, wa.Scope)
			check("label", ga.Label, wa.Label)
			check("dynamic", HasFlag(ga.Flags, "dynamic"), wa.Dynamic)
			check("secondary", HasFlag(ga.Flags, "secondary"), wa.Secondary)
			check("noprefixroute", HasFlag(ga.Flags, "noprefixroute"), wa.NoPrefix)
			if d := int64(ga.ValidLft) - int64(wa.Valid); d < -10 || d > 10 { // a finite lifetime ticks between the two reads (seconds apart on a loaded machine)
				t.Errorf("%s valid_lft %d, ip says %d", wa.Local, ga.ValidLft, wa.Valid)
			}
			if d := int64(ga.PreferredLft) - int64(wa.Preferred); d < -10 || d > 10 {
				t.Errorf("%s preferred_lft %d, ip says %d", wa.Local, ga.PreferredLft, wa.Preferred)
			}
		}
	}
	one, err := InterfaceByName("a0")
	if err != nil || one.Name != "a0" || len(one.Addrs) != 8 {
		t.Errorf("InterfaceByName(a0) = %v, %v", one, err)
	}
	for _, bad := range []string{"nope0", "", "a/b", "averyveryverylongname0"} {
		if _, err := InterfaceByName(bad); err == nil {
			t.Errorf("InterfaceByName(%q) succeeded", bad)
		}
	}
	t.Logf("ip a as socklab prints it:\n%s", FormatInterfaces(got))
}

type ipRoute struct {
	Type     string `json:"type"`
	Dst      string `json:"dst"`
	Gateway  string `json:"gateway"`
	Dev      string `json:"dev"`
	Protocol string `json:"protocol"`
	Scope    string `json:"scope"`
	Prefsrc  string `json:"prefsrc"`
	Metric   int    `json:"metric"`
}

func TestRoutesMatchIP(t *testing.T) {
	if !nstest.IsChild(t) {
		lab, a := twoHosts(t)
		lab.RunTest(a, nil)
		return
	}
	var v4, v6 []ipRoute
	ipJSON(t, &v4, "route")
	ipJSON(t, &v6, "-6", "route")
	want := append(v4, v6...)
	got, err := Routes()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d routes, ip shows %d:\n%s\nip: %+v", len(got), len(want), FormatRoutes(got), want)
	}
	str := func(a netip.Addr) string {
		if a.IsValid() {
			return a.String()
		}
		return ""
	}
	for i, w := range want {
		g := got[i]
		if w.Type == "" {
			w.Type = "unicast"
		}
		if w.Scope == "" {
			w.Scope = "global"
		}
		if w.Protocol == "" {
			w.Protocol = "boot"
		}
		gotFields := []any{g.Type, g.DstString(), str(g.Gateway), g.Dev, g.Protocol, g.Scope, str(g.Src), g.Metric}
		wantFields := []any{w.Type, w.Dst, w.Gateway, w.Dev, w.Protocol, w.Scope, w.Prefsrc, w.Metric}
		if !slices.Equal(gotFields, wantFields) {
			t.Errorf("route %d: got %v (%s), ip says %v", i, gotFields, g, wantFields)
		}
	}
	for _, c := range []struct{ dst, want string }{
		{"10.9.0.9", "10.9.0.9 dev a0 src 10.9.0.1"},
		{"8.8.8.8", "8.8.8.8 via 10.9.0.254 dev a0 src 10.9.0.1"}, // only asks the kernel: no packet is sent
		{"192.168.77.1", "192.168.77.1 via 10.9.0.3 dev a0 src 10.9.0.1"},
		{"127.0.0.1", "local 127.0.0.1 dev lo src 127.0.0.1"},
		{"fd00:9::9", ""},
		{"fd00:99::5", ""},
	} {
		var ipGet []struct {
			Type, Dst, Gateway, Dev, Prefsrc string
		}
		ipJSON(t, &ipGet, "route", "get", c.dst)
		r, err := RouteTo(netip.MustParseAddr(c.dst))
		if err != nil || len(ipGet) != 1 {
			t.Fatalf("RouteTo(%s): %v; ip route get: %+v", c.dst, err, ipGet)
		}
		w := ipGet[0]
		if w.Type == "" {
			w.Type = "unicast"
		}
		if got, want := []string{r.Type, r.DstString(), str(r.Gateway), r.Dev, str(r.Src)}, []string{w.Type, w.Dst, w.Gateway, w.Dev, w.Prefsrc}; !slices.Equal(got, want) {
			t.Errorf("RouteTo(%s) = %v, ip route get says %v", c.dst, got, want)
		}
		if c.want != "" && r.String() != c.want {
			t.Errorf("RouteTo(%s) prints %q, want %q", c.dst, r, c.want)
		}
	}
	if _, err := RouteTo(netip.MustParseAddr("192.168.79.1")); err == nil {
		t.Error("RouteTo an unreachable route succeeded")
	}
	t.Logf("routes as socklab prints them:\n%s", FormatRoutes(got))
}
