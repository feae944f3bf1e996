package netinfo

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"socklab/internal/nstest"
)

// openSockets opens one socket of each kind the test compares: TCP
// listeners and an established pair on IPv4 and IPv6, UDP unconnected and
// connected, UNIX stream (path and abstract) and datagram.
func openSockets(t *testing.T) {
	t.Helper()
	keep := func(c interface{ Close() error }) { t.Cleanup(func() { c.Close() }) }
	for _, network := range []string{"tcp4", "tcp6"} {
		addr := "127.0.0.1:0"
		if network == "tcp6" {
			addr = "[::1]:0"
		}
		ln, err := net.Listen(network, addr)
		if err != nil {
			t.Fatal(err)
		}
		keep(ln)
		c, err := net.Dial(network, ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		keep(c)
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		keep(s)
	}
	u, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	keep(u)
	uc, err := net.Dial("udp6", "[::1]:53")
	if err != nil {
		t.Fatal(err)
	}
	keep(uc)
	dir := t.TempDir()
	for _, a := range []struct{ network, path string }{
		{"unix", dir + "/stream.sock"}, {"unix", "@socklab-test-" + fmt.Sprint(os.Getpid())}, {"unixgram", dir + "/dgram.sock"},
	} {
		if a.network == "unix" {
			ln, err := net.Listen(a.network, a.path)
			if err != nil {
				t.Fatal(err)
			}
			keep(ln)
			continue
		}
		pc, err := net.ListenPacket(a.network, a.path)
		if err != nil {
			t.Fatal(err)
		}
		keep(pc)
	}
}

// ssLine is what the comparison keeps of a line of ss: netid, state, local,
// peer, pid.
var ssProcess = regexp.MustCompile(`pid=(\d+)`)

func ssLines(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("ss", append([]string{"-H"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ss %v: %v", args, err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 {
			continue
		}
		pid := "0"
		if m := ssProcess.FindStringSubmatch(l); m != nil {
			pid = m[1]
		}
		if strings.HasPrefix(f[len(f)-1], "users:") {
			f = f[:len(f)-1]
		}
		lines = append(lines, strings.Join(append(f, pid), " "))
	}
	slices.Sort(lines)
	return lines
}

func ssAddr(ap netip.AddrPort) string {
	port := fmt.Sprint(ap.Port())
	if ap.Port() == 0 {
		port = "*"
	}
	if ap.Addr().Is6() {
		return "[" + ap.Addr().String() + "]:" + port
	}
	return ap.Addr().String() + ":" + port
}

func ourLines(cs []Conn) []string {
	var lines []string
	for _, c := range cs {
		local, peer := ssAddr(c.Local), ssAddr(c.Remote)
		if c.Family == "unix" {
			local = c.Path
			if local == "" {
				local = "*"
			}
			local += " " + fmt.Sprint(c.Inode)
			peer = "* " + fmt.Sprint(c.Peer)
		}
		lines = append(lines, strings.Join([]string{c.Netid, c.State, fmt.Sprint(c.RecvQ), fmt.Sprint(c.SendQ), local, peer, fmt.Sprint(c.PID)}, " "))
	}
	slices.Sort(lines)
	return lines
}

func TestConnectionsMatchSS(t *testing.T) {
	if !nstest.IsChild(t) {
		nstest.Need(t, "iproute2", "ss")
		lab := nstest.New(t)
		lab.RunTest(lab.Add("c"), nil)
		return
	}
	openSockets(t)
	got, err := Connections(Filter{Protos: []string{"tcp", "udp"}})
	if err != nil {
		t.Fatal(err)
	}
	want := ssLines(t, "-tuanp")
	if g := ourLines(got); !slices.Equal(g, want) {
		t.Errorf("TCP/UDP sockets differ from ss -tuanp:\n got: %q\nwant: %q", g, want)
	}
	unixes, err := Connections(Filter{Protos: []string{"unix"}})
	if err != nil {
		t.Fatal(err)
	}
	// UNIX sockets of the whole machine are visible (they are not per
	// network namespace): compare only ours, by pid.
	var mine []Conn
	for _, c := range unixes {
		if c.PID == os.Getpid() {
			mine = append(mine, c)
		}
	}
	var wantUnix []string
	for _, l := range ssLines(t, "-xanp") {
		if strings.HasSuffix(l, " "+fmt.Sprint(os.Getpid())) {
			wantUnix = append(wantUnix, l)
		}
	}
	if g := ourLines(mine); !slices.Equal(g, wantUnix) || len(mine) < 3 {
		t.Errorf("UNIX sockets differ from ss -xanp:\n got: %q\nwant: %q", g, wantUnix)
	}
	listen, _ := Connections(Filter{Protos: []string{"tcp"}, State: "LISTEN", PID: os.Getpid()})
	if len(listen) != 2 || listen[0].Program == "" || listen[0].FD < 0 {
		t.Errorf("LISTEN filter for our pid: %v", listen)
	}
	t.Logf("netstat -nap as socklab prints it:\n%s", FormatConns(append(got, mine...)))
}

func TestFilterCheck(t *testing.T) {
	for _, f := range []Filter{
		{Protos: []string{"icmp"}}, {State: "listening"}, {Family: "inet5"}, {Port: 70000}, {Port: -1}, {PID: -3},
	} {
		if _, err := Connections(f); err == nil {
			t.Errorf("Connections(%+v) accepted a bad filter", f)
		}
	}
}
