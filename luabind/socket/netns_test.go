package socket

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"socklab/internal/nstest"
	"socklab/internal/resolver"
	"socklab/internal/resolver/dnstest"
	"socklab/internal/services"
	"socklab/luabind/pyerr"
)

// Tests that look up names /etc/hosts cannot answer run inside a private
// network and mount namespace, where /etc/resolv.conf names 127.0.0.1 and a
// tiny DNS server of ours answers: nothing leaves the machine.

const netnsEnv = "SOCKLAB_SOCKET_NETNS"

// inNetns re-runs the test binary's test named run inside a fresh network
// namespace with our resolv.conf (and, if hideServices, /etc/services
// hidden), and fails if it fails.
func inNetns(t *testing.T, run string, hideServices bool) {
	needRoot(t, "this test")
	dir := t.TempDir()
	rc := filepath.Join(dir, "resolv.conf")
	os.WriteFile(rc, []byte("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"), 0o644)
	script := "ip link set lo up && mount --bind " + rc + " /etc/resolv.conf"
	if hideServices {
		script += " && mount --bind /dev/null /etc/services && mount --bind /dev/null /etc/protocols"
	}
	script += ` && exec "$0" -test.run='^` + run + `$' -test.v -test.count=1`
	cmd := exec.Command("unshare", "-n", "-m", "sh", "-c", script, os.Args[0])
	cmd.Env = nstest.QuickRaceExit(append(os.Environ(), netnsEnv+"=1"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("in namespace: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func insideNetns(t *testing.T) {
	if os.Getenv(netnsEnv) != "1" {
		t.Skip("runs inside a namespace made by its parent test")
	}
}

// startDNS serves dnstest's zone on 127.0.0.1:53 (inside the namespace).
func startDNS(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:53")
	if err != nil {
		t.Fatalf("dns server: %v", err)
	}
	dnstest.Serve(t, c)
}

// The probe: every call as [func, args, result] where result is
// ["ok", value] or ["err", message]; the same on both sides.
const pyProbe = `
import json, socket as s, sys
calls = json.load(sys.stdin)
out = []
def norm(v):
    if isinstance(v, tuple): return [norm(x) for x in v]
    if isinstance(v, list): return [norm(x) for x in v]
    if isinstance(v, bytes): return v.hex()
    if isinstance(v, int): return int(v)
    return v
for f, args in calls:
    try:
        if f == "getaddrinfo":
            r = [[int(e[0]), int(e[1]), e[2], e[3], e[4][0], e[4][1]] for e in s.getaddrinfo(*args)]
        elif f == "getnameinfo":
            r = s.getnameinfo(tuple(args[0]), args[1])
        elif f in ("inet_aton",):
            r = s.inet_aton(args[0])
        elif f == "inet_pton":
            r = s.inet_pton(args[0], args[1])
        elif f == "inet_ntop":
            r = s.inet_ntop(args[0], bytes.fromhex(args[1]))
        else:
            r = getattr(s, f)(*args)
        out.append(["ok", norm(r)])
    except OSError as e:
        out.append(["err", str(e)])
print(json.dumps(out))
`

func goProbe(f string, args []any) []any {
	ctx := context.Background()
	str := func(i int) string { return args[i].(string) }
	num := func(i int) int { return int(args[i].(float64)) }
	res := func(v any, err error) []any {
		if err != nil {
			return []any{"err", pyerr.Message(pythonError(err))}
		}
		return []any{"ok", v}
	}
	r := resolver.System
	hi := func(h *resolver.HostInfo, err error) []any {
		if err != nil {
			return res(nil, err)
		}
		return res([]any{h.Name, h.Aliases, h.Addrs}, nil)
	}
	switch f {
	case "gethostbyname":
		return res(r.GetHostByName(ctx, str(0)))
	case "gethostbyname_ex":
		return hi(r.GetHostByNameEx(ctx, str(0)))
	case "gethostbyaddr":
		return hi(r.GetHostByAddr(ctx, str(0)))
	case "getfqdn":
		return res(r.GetFQDN(ctx, str(0)), nil)
	case "getaddrinfo":
		var host *string
		if args[0] != nil {
			h := str(0)
			host = &h
		}
		var port any
		switch p := args[1].(type) {
		case float64:
			port = int(p)
		case string:
			port = p
		}
		ext := []int{0, 0, 0, 0}
		for i := 2; i < len(args); i++ {
			ext[i-2] = num(i)
		}
		infos, err := r.GetAddrInfo(ctx, host, port, ext[0], ext[1], ext[2], ext[3])
		if err != nil {
			return res(nil, err)
		}
		out := []any{}
		for _, ai := range infos {
			out = append(out, []any{ai.Family, ai.Type, ai.Proto, ai.Canonname, ai.Addr.String(), ai.Port})
		}
		return res(out, nil)
	case "getnameinfo":
		sa := args[0].([]any)
		h, s, err := r.GetNameInfo(ctx, sa[0].(string), int(sa[1].(float64)), num(1))
		return res([]any{h, s}, err)
	case "getservbyname":
		proto := ""
		if len(args) > 1 {
			proto = str(1)
		}
		p, ok := services.PortByName(str(0), proto)
		if !ok {
			return res(nil, OSError("service/proto not found"))
		}
		return res(p, nil)
	case "getservbyport":
		proto := ""
		if len(args) > 1 {
			proto = str(1)
		}
		n, ok := services.NameByPort(num(0), proto)
		if !ok {
			return res(nil, OSError("port/proto not found"))
		}
		return res(n, nil)
	case "getprotobyname":
		n, ok := services.ProtocolByName(str(0))
		if !ok {
			return res(nil, OSError("protocol not found"))
		}
		return res(n, nil)
	case "inet_aton":
		b, ok := resolver.InetAton(str(0), false)
		if !ok {
			return res(nil, OSError("illegal IP address string passed to inet_aton"))
		}
		return res(fmt.Sprintf("%x", b[:]), nil)
	case "inet_pton":
		var b []byte
		ok := false
		if num(0) == afInet {
			a, k := resolver.InetPton4(str(1))
			b, ok = a[:], k
		} else {
			a, k := resolver.InetPton6(str(1))
			b, ok = a[:], k
		}
		if !ok {
			return res(nil, OSError("illegal IP address string passed to inet_pton"))
		}
		return res(fmt.Sprintf("%x", b), nil)
	case "inet_ntop":
		var b [16]byte
		fmt.Sscanf(str(1), "%x", &b)
		var raw []byte
		fmt.Sscanf(str(1), "%x", &raw)
		copy(b[:], raw)
		return res(resolver.InetNtop6(b), nil)
	}
	panic(f)
}

// compareWithPython runs calls through Python's socket module and ours.
func compareWithPython(t *testing.T, calls [][]any) {
	t.Helper()
	in, _ := json.Marshal(calls)
	cmd := exec.Command(python(t), "-c", pyProbe)
	cmd.Stdin = strings.NewReader(string(in))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v", err)
	}
	var want [][]any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
	var rt [][]any // the calls as JSON gives them back (numbers as float64)
	json.Unmarshal(in, &rt)
	bad := 0
	for i, c := range rt {
		got := goProbe(c[0].(string), c[1].([]any))
		g, _ := json.Marshal(got)
		var gn []any
		json.Unmarshal(g, &gn)
		if !reflect.DeepEqual(gn, want[i]) {
			bad++
			if bad <= 30 {
				w, _ := json.Marshal(want[i])
				t.Errorf("%s%v: socklab %s, python %s", c[0], c[1], g, w)
			}
		}
	}
	t.Logf("%d calls compared with python3, %d differ", len(calls), bad)
}

func hostNames() []string {
	names := []string{"localhost", "LOCALHOST", "localhost.", "", "0", "127.0.0.1", "127.1", "0x7f000001",
		"1.2.3", "256.1.1.1", "01.02.03.04", "10.0.0.1", "::1", "no-such-host.invalid", "nonexistent.test",
		"alias.test", "real.test", "127.0.0.9", "<broadcast>", "fe80::1", "::ffff:127.0.0.1"}
	h, _ := os.Hostname()
	names = append(names, h)
	for _, line := range strings.Split(readFile("/etc/hosts"), "\n") {
		line, _, _ = strings.Cut(line, "#")
		names = append(names, strings.Fields(line)...)
	}
	return names
}

func resolverCalls() [][]any {
	var calls [][]any
	add := func(f string, args ...any) { calls = append(calls, []any{f, args}) }
	for _, n := range hostNames() {
		add("gethostbyname", n)
		add("gethostbyname_ex", n)
		add("gethostbyaddr", n)
		add("getfqdn", n)
		add("getaddrinfo", n, 80)
		add("getaddrinfo", n, nil, afInet, unix.SOCK_STREAM)
		add("getaddrinfo", n, "http", 0, 0, 0, resolver.AI_CANONNAME)
		add("getaddrinfo", n, 53, afInet6)
	}
	add("getaddrinfo", nil, 80)
	add("getaddrinfo", nil, 80, 0, 0, 0, resolver.AI_PASSIVE)
	add("getaddrinfo", "localhost", "nosuchservice")
	add("getaddrinfo", "localhost", "domain", 0, unix.SOCK_DGRAM)
	for _, h := range []string{"127.0.0.1", "127.0.0.9", "10.1.2.3", "::1", "localhost"} {
		for _, fl := range []int{0, resolver.NI_NUMERICHOST, resolver.NI_NAMEREQD, resolver.NI_DGRAM, resolver.NI_NUMERICSERV} {
			for _, p := range []int{22, 80, 5353, 31337} {
				add("getnameinfo", []any{h, p}, fl)
			}
		}
	}
	return calls
}

func serviceCalls() [][]any {
	var calls [][]any
	add := func(f string, args ...any) { calls = append(calls, []any{f, args}) }
	seenPort := map[int]bool{}
	for _, e := range services.System.Services() {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			add("getservbyname", n)
			add("getservbyname", n, "tcp")
			add("getservbyname", n, "udp")
		}
		if !seenPort[e.Port] {
			seenPort[e.Port] = true
			add("getservbyport", e.Port)
			add("getservbyport", e.Port, "tcp")
			add("getservbyport", e.Port, "udp")
		}
	}
	for _, e := range services.System.Protocols() {
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			add("getprotobyname", n)
		}
	}
	add("getprotobyname", "nope")
	add("getservbyname", "nosuchservice")
	for _, s := range []string{"1.2.3.4", "1.2.3.4 x", "1.2.3.4x", "0x7f.1", "", "127.1", "1.2.3", "255.255.255.255",
		"256.0.0.1", "01.02.03.010", "0x", "1..2", "1.2.3.4.", " 1.2.3.4", "4294967295", "4294967296", "08", "0xffffffff"} {
		add("inet_aton", s)
		add("inet_pton", afInet, s)
	}
	for _, s := range []string{"::1", "::", "1::", "fe80::1", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
		"::1.2.3.4", "1::2::3", "12345::", "fe80::1%lo", "0:0:0:0:0:0:0:1", "1:0:0:2::3", "::ffff:01.2.3.4", ":::"} {
		add("inet_pton", afInet6, s)
	}
	for _, h := range []string{"00000000000000000000000000000001", "00000000000000000000ffff01020304", "00000000000000000000000001020304",
		"00010000000000000000000000000000", "00010000000200000000000300000000", "fe800000000000000000000000000001",
		"00000000000000000000000000000000", "00000000000000000001000000000000", "00000000000000000000000000000102",
		"20010db8000000000001000000000001", "0000000000000000000000000000ffff"} {
		add("inet_ntop", afInet6, h)
	}
	return calls
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}

func TestResolverDifferential(t *testing.T) { t.Parallel(); inNetns(t, "TestResolverInNetns", false) }

func TestResolverInNetns(t *testing.T) {
	insideNetns(t)
	startDNS(t)
	start := time.Now()
	compareWithPython(t, resolverCalls())
	compareWithPython(t, serviceCalls())
	t.Logf("took %v", time.Since(start))
	// A bad name fails fast with Python's words, through Lua too.
	out := runLua(t, `print(socket.gethostbyname("no-such-host.invalid"))
local s = socket.socket()
print(s:connect("no-such-host.invalid", 80))
print(socket.create_connection("no-such-host.invalid", 80))
print(socket.gethostbyname_ex("alias.test"))
local n, aliases, addrs = socket.gethostbyname_ex("alias.test")
print(n, aliases[1], addrs[1])`)
	want := "nil\t[Errno -2] Name or service not known\n" +
		"nil\t[Errno -2] Name or service not known\n" +
		"nil\t[Errno -2] Name or service not known\n"
	if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "real.test\talias.test\t127.0.0.9\n") {
		t.Fatalf("got:\n%s", out)
	}
}

func TestServicesWithoutEtcServices(t *testing.T) {
	t.Parallel()
	inNetns(t, "TestServicesHidden", true)
}

func TestServicesHidden(t *testing.T) {
	insideNetns(t)
	if b, _ := os.ReadFile("/etc/services"); len(b) != 0 {
		t.Fatal("/etc/services is not hidden")
	}
	out := runLua(t, `
for _, n in ipairs{"ftp-data","ftp","ssh","telnet","smtp","domain","bootps","bootpc","gopher","http","pop3","nntp","ntp","imap","imap2","snmp","irc","https"} do
  io.write(n, "=", tostring(socket.getservbyname(n)), " ")
end
print()
print(socket.getservbyport(80), socket.getservbyport(143), socket.getservbyport(53, "udp"), socket.getservbyport(194))
print(socket.getprotobyname("tcp"), socket.getprotobyname("udp"), socket.getprotobyname("icmp"))`)
	want := "ftp-data=20 ftp=21 ssh=22 telnet=23 smtp=25 domain=53 bootps=67 bootpc=68 gopher=70 http=80 pop3=110 nntp=119 ntp=123 imap=143 imap2=143 snmp=161 irc=194 https=443 \n" +
		"http\timap2\tdomain\tirc\n6\t17\t1\n"
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	if services.Name(22, "tcp") != "ssh" || services.Name(65000, "tcp") != "" {
		t.Fatal("services.Name")
	}
}
