// Package scantest holds what the scanner's tests share: running a test in
// a private network namespace, the test's own listeners, firewall rules in
// that namespace, and descriptor counts. Tests of the engine (internal/scan)
// and of its Lua face (luabind/scan) use it; nothing else should.
//
// Tests that scan whole port ranges run in a private network namespace: the
// test binary re-executes itself under `unshare -n` with an environment
// variable naming the test, and the child runs the body. Only the test's
// own listeners exist there (the machine's namespace has a foreign service
// on :2024 that must never be probed).
package scantest

import (
	"bytes"
	"errors"
	goflag "flag"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"socklab/internal/nstest"
	"socklab/internal/sock/socktest"
)

const childEnv = "SOCKLAB_SCAN_NETNS_CHILD"

// NS says how to make a test's namespace.
type NS struct {
	Ulimit int      // bash `ulimit -n` for the child (0 = leave)
	Setup  []string // shell commands run inside the namespace before exec
	Args   []string // extra test flags for the child
}

// InCI reports whether CI=true (see nstest.InCI).
func InCI() bool { return nstest.InCI() }

// SkipOrFail skips a test for a missing capability or tool, or fails it
// when CI=true (CI runs as root with every tool installed).
func SkipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	nstest.SkipOrFail(tb, format, args...)
}

// InChild reports whether this process is a namespace child (of any test).
func InChild() bool { return os.Getenv(childEnv) != "" }

// Child returns true when running inside the namespace (run the body);
// otherwise it runs the test in a fresh namespace, reports, and returns
// false. Tests calling it may be parallel: each child is its own process
// in its own namespace.
func Child(tb testing.TB, o NS) bool {
	tb.Helper()
	if os.Getenv(childEnv) == tb.Name() {
		return true
	}
	if InChild() {
		tb.Fatalf("nested namespace child for %s", tb.Name())
	}
	if os.Geteuid() != 0 {
		SkipOrFail(tb, "needs root for a private network namespace (unshare -n); run as root or in CI")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			SkipOrFail(tb, "needs %s (util-linux / iproute2) for a private network namespace", tool)
		}
	}
	script := "set -e; ip link set lo up; "
	for _, s := range o.Setup {
		script += s + "; "
	}
	if o.Ulimit > 0 {
		script += "ulimit -n " + strconv.Itoa(o.Ulimit) + "; "
	}
	script += `exec "$@"`
	flag := "-test.run"
	if _, ok := tb.(*testing.B); ok {
		flag = "-test.bench"
	}
	args := []string{"-n", "bash", "-c", script, "bash", os.Args[0],
		flag + "=^" + tb.Name() + "$", "-test.count=1", "-test.v"}
	if flag == "-test.bench" {
		args = append(args, "-test.run=^$")
		for _, name := range []string{"test.benchtime", "test.benchmem", "test.cpu"} {
			if f := goflag.Lookup(name); f != nil && f.Value.String() != f.DefValue {
				args = append(args, "-"+name+"="+f.Value.String())
			}
		}
	}
	args = append(args, o.Args...)
	cmd := exec.Command("unshare", args...)
	cmd.Env = nstest.QuickRaceExit(append(os.Environ(), childEnv+"="+tb.Name()))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if _, ok := tb.(*testing.B); ok {
		// Benchmarks: run the child once and show its lines as they are.
		if _, done := benchChildRan.LoadOrStore(tb.Name(), true); done {
			return false
		}
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			tb.Fatalf("namespace child failed: %v", err)
		}
		return false
	}
	start := time.Now()
	err := cmd.Run()
	tb.Logf("namespace child (%v):\n%s", time.Since(start).Round(time.Millisecond), indent(out.String()))
	if err != nil {
		tb.Fatalf("namespace child failed: %v", err)
	}
	if strings.Contains(out.String(), "--- SKIP") && !strings.Contains(out.String(), "--- PASS") {
		tb.Skip("child skipped")
	}
	return false
}

var benchChildRan sync.Map

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

// Listeners are the test's own TCP and UDP listeners on 127.0.0.1.
type Listeners struct {
	TCP, UDP []int
	// Accepted is signalled (without blocking) on each accepted connection.
	Accepted chan struct{}
	closers  []func()
	wg       sync.WaitGroup
}

// Listen opens n TCP listeners (accepting and closing) and m UDP echo
// listeners (replying "echo:" + the datagram) on 127.0.0.1; some TCP ports
// are forced below the ephemeral range, the others are the kernel's pick
// (inside it). They close when the test ends.
func Listen(tb testing.TB, n, m int) *Listeners {
	tb.Helper()
	l := &Listeners{Accepted: make(chan struct{}, 1)}
	for i := range n {
		addr := "127.0.0.1:0"
		if i%2 == 1 {
			addr = "127.0.0.1:" + strconv.Itoa(20000+i*97+os.Getpid()%500) // below the ephemeral range
		}
		ln, err := net.Listen("tcp4", addr)
		if err != nil {
			ln, err = net.Listen("tcp4", "127.0.0.1:0")
		}
		if err != nil {
			tb.Fatal(err)
		}
		l.TCP = append(l.TCP, ln.Addr().(*net.TCPAddr).Port)
		l.serveTCP(ln)
	}
	for range m {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		l.UDP = append(l.UDP, pc.LocalAddr().(*net.UDPAddr).Port)
		l.closers = append(l.closers, func() { pc.Close() })
		l.wg.Go(func() {
			buf := make([]byte, 2048)
			for {
				n, from, err := pc.ReadFrom(buf)
				if err != nil {
					return
				}
				pc.WriteTo(append([]byte("echo:"), buf[:n]...), from)
			}
		})
	}
	tb.Cleanup(l.Close)
	return l
}

// ListenTCP adds a TCP listener on addr ("127.0.0.1:1") and returns its port.
func (l *Listeners) ListenTCP(tb testing.TB, addr string) int {
	tb.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	l.serveTCP(ln)
	return ln.Addr().(*net.TCPAddr).Port
}

func (l *Listeners) serveTCP(ln net.Listener) {
	l.closers = append(l.closers, func() { ln.Close() })
	l.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil { // EMFILE under ulimit tests: wait, like net/http
				time.Sleep(time.Millisecond)
				continue
			}
			c.Close()
			select {
			case l.Accepted <- struct{}{}:
			default:
			}
		}
	})
}

// Close stops every listener and waits for their goroutines.
func (l *Listeners) Close() {
	for _, c := range l.closers {
		c()
	}
	l.closers = nil
	l.wg.Wait()
}

// ServeBanner serves ln until the test ends and returns its port: each
// connection is sent banner (if any), as a service greets its clients,
// then held open until the peer closes it (the scanner only reads) or
// socktest.Deadline passes.
func ServeBanner(tb testing.TB, ln net.Listener, banner string) int {
	socktest.ServeConns(tb, ln, func(c net.Conn) {
		c.SetDeadline(time.Now().Add(socktest.Deadline))
		if banner != "" {
			io.WriteString(c, banner)
		}
		io.Copy(io.Discard, c)
	})
	return ln.Addr().(*net.TCPAddr).Port
}

// Firewall appends rules to the INPUT chain inside the test's namespace
// with iptables (each rule a list of iptables arguments after "-A INPUT"),
// or nft if iptables does not work there.
func Firewall(tb testing.TB, rules ...[]string) {
	tb.Helper()
	FirewallChain(tb, "INPUT", rules...)
}

// FirewallChain is Firewall for another chain (iptables only: "OUTPUT"
// rules with matches nft's translation here does not know skip the test
// when iptables is missing).
func FirewallChain(tb testing.TB, chain string, rules ...[]string) {
	tb.Helper()
	if chain != "INPUT" {
		ipt, err := exec.LookPath("iptables")
		if err != nil {
			SkipOrFail(tb, "needs iptables (Debian package iptables)")
		}
		for _, r := range rules {
			if out, err := exec.Command(ipt, append([]string{"-A", chain}, r...)...).CombinedOutput(); err != nil {
				SkipOrFail(tb, "iptables -A %s %v: %v %s", chain, r, err, out)
			}
		}
		return
	}
	ipt, err := exec.LookPath("iptables")
	useNft := err != nil
	if !useNft {
		for _, r := range rules {
			if out, err := exec.Command(ipt, append([]string{"-A", "INPUT"}, r...)...).CombinedOutput(); err != nil {
				tb.Logf("iptables %v: %v %s; trying nft", r, err, out)
				useNft = true
				exec.Command(ipt, "-F", "INPUT").Run()
				break
			}
		}
	}
	if !useNft {
		return
	}
	nft, err := exec.LookPath("nft")
	if err != nil {
		SkipOrFail(tb, "neither iptables nor nft works (install iptables)")
	}
	script := "add table inet t\nadd chain inet t in { type filter hook input priority 0; }\n"
	for _, r := range rules {
		script += "add rule inet t in " + iptToNft(r) + "\n"
	}
	cmd := exec.Command(nft, "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		SkipOrFail(tb, "nft: %v %s", err, out)
	}
}

// iptToNft translates the few iptables rules the tests use.
func iptToNft(r []string) string {
	var iface, proto, flags, dport, dst, verdict string
	for i := 0; i < len(r); i++ {
		if i == len(r)-1 && r[i] != "--syn" {
			break
		}
		switch r[i] {
		case "--syn":
			flags = "tcp flags & (syn|ack) == syn "
		case "-i":
			iface = "iif " + r[i+1] + " "
		case "-d":
			dst = "ip daddr " + r[i+1] + " "
		case "-p":
			proto = r[i+1]
		case "--dport":
			dport = strings.ReplaceAll(r[i+1], ":", "-")
		case "-j":
			verdict = strings.ToLower(r[i+1])
		case "--reject-with":
			switch r[i+1] {
			case "tcp-reset":
				verdict = "reject with tcp reset"
			case "icmp-admin-prohibited":
				verdict = "reject with icmpx type admin-prohibited"
			}
		}
	}
	return iface + dst + flags + proto + " dport " + dport + " " + verdict
}

// FDCount counts this process's open descriptors.
func FDCount(tb testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Fatal(err)
	}
	return len(ents)
}

// WaitFDs waits (up to 30 s) for the process's descriptors to come back to
// base: sockets are closed when a scan returns, but listeners' goroutines
// close their ends asynchronously.
func WaitFDs(tb testing.TB, base int) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for FDCount(tb) > base && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := FDCount(tb); n > base {
		tb.Errorf("%d descriptors open, %d before: leaked sockets", n, base)
	}
}
