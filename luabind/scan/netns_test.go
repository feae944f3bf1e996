package scan

import (
	"bytes"
	"errors"
	goflag "flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tests that scan whole port ranges run in a private network namespace: the
// test binary re-executes itself under `unshare -n` with childEnv naming the
// test, and the child runs the body. Only the test's own listeners exist
// there (the machine's namespace has a foreign service on :2024 that must
// never be probed).

const childEnv = "SOCKLAB_SCAN_NETNS_CHILD"

type nsOpts struct {
	ulimit int      // bash `ulimit -n` for the child (0 = leave)
	setup  []string // shell commands run inside the namespace before exec
	args   []string // extra test flags for the child
}

func inCI() bool { return os.Getenv("CI") == "true" }

// skipOrFail skips a test for a missing capability or tool, or fails it
// when CI=true (CI runs as root with every tool installed).
func skipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if inCI() {
		tb.Fatalf("CI=true: %s", msg)
	}
	tb.Skip(msg)
}

func isChild(name string) bool { return os.Getenv(childEnv) == name }

// netnsChild returns true when running inside the namespace (run the body);
// otherwise it runs the test in a fresh namespace, reports, and returns
// false.
func netnsChild(tb testing.TB, o nsOpts) bool {
	tb.Helper()
	if isChild(tb.Name()) {
		return true
	}
	if os.Getenv(childEnv) != "" {
		tb.Fatalf("nested namespace child for %s", tb.Name())
	}
	if os.Geteuid() != 0 {
		skipOrFail(tb, "needs root for a private network namespace (unshare -n); run as root or in CI")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(tb, "needs %s (util-linux / iproute2) for a private network namespace", tool)
		}
	}
	script := "set -e; ip link set lo up; "
	for _, s := range o.setup {
		script += s + "; "
	}
	if o.ulimit > 0 {
		script += "ulimit -n " + strconv.Itoa(o.ulimit) + "; "
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
	args = append(args, o.args...)
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), childEnv+"="+tb.Name())
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

// listeners are the test's own TCP and UDP listeners on 127.0.0.1.
type listeners struct {
	tcp, udp []int
	closers  []func()
	wg       sync.WaitGroup
}

// startListeners opens n TCP listeners (accepting and closing, some sending a
// banner) and m UDP echo listeners on random ports; some ports are forced
// into the ephemeral range and some below it.
func startListeners(tb testing.TB, n, m int) *listeners {
	tb.Helper()
	l := &listeners{}
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
		l.tcp = append(l.tcp, ln.Addr().(*net.TCPAddr).Port)
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
			}
		})
	}
	for range m {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		l.udp = append(l.udp, pc.LocalAddr().(*net.UDPAddr).Port)
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
	tb.Cleanup(l.close)
	return l
}

func (l *listeners) close() {
	for _, c := range l.closers {
		c()
	}
	l.closers = nil
	l.wg.Wait()
}
