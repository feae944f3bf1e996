// Package nstest builds private network namespaces for tests: named
// namespaces joined by veth pairs (hosts, routers, chains), and a way to run
// the current test again inside one of them. Tests of ping, traceroute,
// interfaces and routes use it so that their packets only reach hosts the
// test made. It needs root and iproute2; without them a test skips (or fails
// with CI=true).
package nstest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// childEnv names the test that a re-executed test binary should run as the
// body inside a namespace.
const childEnv = "SOCKLAB_NSTEST_CHILD"

// InCI reports whether CI=true: missing peers then fail instead of skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail skips tb for a missing capability or tool, or fails it in CI.
func SkipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("CI=true: %s", msg)
	}
	tb.Skip(msg)
}

// Need skips (or fails in CI) unless every tool is on PATH; pkg names the
// Debian package to install.
func Need(tb testing.TB, pkg string, tools ...string) {
	tb.Helper()
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			SkipOrFail(tb, "needs %s (apt-get install %s)", t, pkg)
		}
	}
}

// WaitingParallel is how many tests Main lets run at once.
const WaitingParallel = 8

// Main runs a package's tests (from its TestMain) with at least
// WaitingParallel parallel tests at once (GOMAXPROCS when that is more),
// unless -test.parallel is given.
// The default, GOMAXPROCS, suits tests that compute; namespace tests mostly
// wait (for a child running the case in its namespace, timeouts of silent
// probes, ARP for absent hosts, intervals between pings), and on a 2-core
// machine two at a time left the CPU idle most of the run. Each namespace
// child is its own process in namespaces of its own, so parallel cases do
// not see each other's listeners or firewall rules.
func Main(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(max(WaitingParallel, runtime.GOMAXPROCS(0))))
	}
	os.Exit(m.Run())
}

// IsChild reports whether this process is the re-executed body of tb.
func IsChild(tb testing.TB) bool { return os.Getenv(childEnv) == tb.Name() }

// Lab is a set of named network namespaces deleted when the test ends.
type Lab struct {
	tb     testing.TB
	prefix string
	names  []string
}

// labs counts the labs this process made.
var labs atomic.Int64

// New makes an empty lab; it needs root and ip.
func New(tb testing.TB) *Lab {
	tb.Helper()
	if os.Getenv(childEnv) != "" {
		tb.Fatalf("nstest.New inside a namespace child (%s)", os.Getenv(childEnv))
	}
	if os.Geteuid() != 0 {
		SkipOrFail(tb, "needs root for private network namespaces")
	}
	Need(tb, "iproute2", "ip")
	// The lab's number keeps the names of parallel tests' labs apart.
	l := &Lab{tb: tb, prefix: fmt.Sprintf("sl%d%d_%d_", os.Getpid()%100000, time.Now().UnixNano()%1000, labs.Add(1))}
	tb.Cleanup(l.close)
	return l
}

// Add makes namespace short (named uniquely for this process) with lo up,
// and returns its full name.
func (l *Lab) Add(short string) string {
	l.tb.Helper()
	name := l.prefix + short
	l.run("ip", "netns", "add", name)
	l.names = append(l.names, name)
	l.Sh(name, "ip link set lo up; sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0")
	return name
}

// Link joins namespaces a and b with a veth pair named ifA (in a) and ifB
// (in b), both up.
func (l *Lab) Link(a, ifA, b, ifB string) {
	l.tb.Helper()
	l.run("ip", "link", "add", ifA, "netns", a, "type", "veth", "peer", "name", ifB, "netns", b)
	l.Sh(a, "ip link set "+ifA+" up")
	l.Sh(b, "ip link set "+ifB+" up")
}

// Sh runs a shell script inside namespace ns; a failure fails the test.
func (l *Lab) Sh(ns, script string) string {
	l.tb.Helper()
	return l.run("ip", "netns", "exec", ns, "sh", "-ec", script)
}

// Output runs a command inside namespace ns and returns its output and error.
func (l *Lab) Output(ns string, args ...string) (string, error) {
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func (l *Lab) run(args ...string) string {
	l.tb.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		l.tb.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// RunTest runs the current test again inside namespace ns (optionally
// through wrap, e.g. setpriv, before the binary), with extra environment,
// and fails tb if it fails. The child sees IsChild(tb) true.
func (l *Lab) RunTest(ns string, wrap []string, env ...string) string {
	l.tb.Helper()
	return l.RunTestBinary(ns, os.Args[0], wrap, env...)
}

// RunTestBinary is RunTest with another copy of the test binary (one that
// an unprivileged user may execute).
func (l *Lab) RunTestBinary(ns, bin string, wrap []string, env ...string) string {
	l.tb.Helper()
	args := []string{"netns", "exec", ns}
	args = append(args, wrap...)
	args = append(args, bin, "-test.run=^"+l.tb.Name()+"$", "-test.count=1", "-test.v")
	cmd := exec.Command("ip", args...)
	cmd.Env = QuickRaceExit(append(append(os.Environ(), childEnv+"="+l.tb.Name()), env...))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	l.tb.Logf("child in %s:\n%s", ns, out.String())
	if err != nil {
		l.tb.Fatalf("child in %s failed: %v", ns, err)
	}
	if strings.Contains(out.String(), "--- SKIP") && !strings.Contains(out.String(), "--- PASS") {
		l.tb.Skip("child skipped")
	}
	return out.String()
}

// QuickRaceExit returns env with atexit_sleep_ms=0 added to GORACE (see
// QuickRaceOptions).
func QuickRaceExit(env []string) []string {
	gorace := ""
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GORACE="); ok {
			gorace = v
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GORACE="+QuickRaceOptions(gorace))
}

// QuickRaceOptions returns the GORACE options gorace with atexit_sleep_ms=0
// after them. A -race binary otherwise sleeps a second as it exits, for
// late races to show; a test that re-runs itself in a child per case, or
// starts a command per case, pays that second each time, idle. Races in the
// child are still reported when they happen and fail it.
func QuickRaceOptions(gorace string) string {
	return strings.TrimSpace(gorace + " atexit_sleep_ms=0")
}

func (l *Lab) close() {
	for _, n := range l.names {
		exec.Command("ip", "netns", "del", n).Run()
	}
}
