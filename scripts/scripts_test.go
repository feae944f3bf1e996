// Package scripts_test runs socklab's lab scripts as tests.
//
// Every scripts/*.lua whose first five lines contain the marker comment
//
//	-- socklab: selfcheck
//
// is a self-checking demo: the test runs it with the socklab binary (from
// this directory, with no arguments and NO_COLOR set), requires exit code 0
// and compares its stdout, normalised (see normalise.go), with
// testdata/NAME.golden (NAME is the script's file name without .lua). Words
// after the marker ask for more:
//
//	-- socklab: selfcheck netns
//
// runs the script inside a private network namespace of its own (root), so
// that nothing but the script's own sockets can show in its output.
//
// The two-terminal scripts (servers that run until Ctrl-C, and their
// clients) are driven by servers_test.go. Run
//
//	go test ./scripts/ -update
//
// to rewrite the golden files after an intended change, and review the diff.
package scripts_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// marker is what a script's first lines must contain to be run by the test.
const marker = "-- socklab: selfcheck"

// scriptTimeout only keeps a broken script from hanging the test run; no
// script comes near it, even on a loaded machine.
const scriptTimeout = 120 * time.Second

var socklabBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "socklab-scripts-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Chmod(dir, 0o755) // so that tests can run it as another user
	socklabBin = filepath.Join(dir, "socklab")
	if out, err := exec.Command("go", "build", "-o", socklabBin, "socklab/cmd/socklab").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building socklab: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestScripts(t *testing.T) {
	paths, err := filepath.Glob("*.lua")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, path := range paths {
		opts, ok := selfCheck(t, path)
		if !ok {
			continue
		}
		ran++
		name := strings.TrimSuffix(path, ".lua")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var cmd *exec.Cmd
			if opts["netns"] {
				cmd = netnsCommand(t, socklabBin, path)
			} else {
				cmd = exec.Command(socklabBin, path)
			}
			stdout, _ := run(t, cmd, 0)
			checkGolden(t, name, stdout)
		})
	}
	if ran == 0 {
		t.Fatalf("no script in scripts/ carries the %q marker", marker)
	}
}

// selfCheck reports whether one of the first five lines of path holds the
// marker, and the words that follow it.
func selfCheck(t *testing.T, path string) (map[string]bool, bool) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; i < 5 && sc.Scan(); i++ {
		if _, rest, ok := strings.Cut(sc.Text(), marker); ok {
			opts := map[string]bool{}
			for _, w := range strings.Fields(rest) {
				opts[w] = true
			}
			return opts, true
		}
	}
	return nil, false
}

// checkGolden compares output, normalised, with testdata/name.golden (or
// rewrites it with -update).
func checkGolden(t *testing.T, name, output string) {
	t.Helper()
	got := normalise(name, output)
	golden := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run `go test ./scripts/ -update` to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

// command is socklab running a script with arguments, in this directory,
// with colours off.
func command(script string, args ...string) *exec.Cmd {
	cmd := exec.Command(socklabBin, append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	return cmd
}

// netnsCommand runs a program inside a fresh private network namespace
// with only loopback up; it skips (fails in CI) when that is not possible.
func netnsCommand(t *testing.T, prog string, args ...string) *exec.Cmd {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root for a private network namespace (unshare -n)")
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(t, "needs %s (Debian packages util-linux, iproute2)", tool)
		}
	}
	return exec.Command("unshare", append([]string{"-n", "sh", "-c", `ip link set lo up && exec "$@"`, "sh", prog}, args...)...)
}

// run runs cmd to its end and returns its stdout and stderr; it fails the
// test unless the exit code is wantCode.
func run(t *testing.T, cmd *exec.Cmd, wantCode int) (string, string) {
	t.Helper()
	if cmd.Env == nil {
		cmd.Env = append(os.Environ(), "NO_COLOR=1")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(scriptTimeout, func() { cmd.Process.Kill() })
	defer timer.Stop()
	err := cmd.Wait()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != wantCode {
		t.Fatalf("%v: exit code %d, want %d\nstderr:\n%s\nstdout:\n%s", cmd.Args, code, wantCode, stderr.String(), stdout.String())
	}
	if stderr.Len() > 0 && wantCode == 0 {
		t.Logf("%v wrote to stderr:\n%s", cmd.Args, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// skipOrFail skips a test whose capability or tool is missing, or fails it
// when CI=true (CI runs as root with every tool installed).
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: %s", msg)
	}
	t.Skip(msg)
}
