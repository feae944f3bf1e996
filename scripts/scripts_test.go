// Package scripts_test runs socklab's lab scripts as tests.
//
// Every scripts/*.lua whose first five lines contain the marker comment
//
//	-- socklab: selfcheck
//
// is a self-checking demo: the test runs it with the socklab binary (from
// this directory, with no arguments and NO_COLOR set), requires exit code 0
// and compares its stdout, normalised, with testdata/NAME.golden (NAME is the
// script's file name without .lua). Run
//
//	go test ./scripts/ -update
//
// to rewrite the golden files after an intended change, and review the diff.
//
// The normaliser keeps the goldens stable across runs; it is deliberately
// small (see normalise): hex addresses become 0xADDR, port numbers of 1024
// and above after ":" or "port " become PORT, and durations such as 0.123s,
// 12 ms or 3µs become TIME.
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
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// marker is what a script's first lines must contain to be run by the test.
const marker = "-- socklab: selfcheck"

const scriptTimeout = 60 * time.Second

var socklabBin string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "socklab-scripts-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
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
		if !isSelfCheck(t, path) {
			continue
		}
		ran++
		name := strings.TrimSuffix(path, ".lua")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := normalise(runScript(t, path))
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
				t.Errorf("output of %s differs from %s:\n--- got\n%s--- want\n%s", path, golden, got, want)
			}
		})
	}
	if ran == 0 {
		t.Fatalf("no script in scripts/ carries the %q marker", marker)
	}
}

// isSelfCheck reports whether one of the first five lines of path holds the
// marker.
func isSelfCheck(t *testing.T, path string) bool {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for i := 0; i < 5 && sc.Scan(); i++ {
		if strings.Contains(sc.Text(), marker) {
			return true
		}
	}
	return false
}

// runScript runs the script and returns its stdout; it fails the test if
// the script exits with an error or takes too long.
func runScript(t *testing.T, path string) string {
	cmd := exec.Command(socklabBin, path)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(scriptTimeout, func() { cmd.Process.Kill() })
	defer timer.Stop()
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			t.Fatalf("%s: %v\nstderr:\n%s\nstdout:\n%s", path, err, stderr.String(), stdout.String())
		}
		t.Fatal(err)
	}
	if stderr.Len() > 0 {
		t.Logf("%s wrote to stderr:\n%s", path, stderr.String())
	}
	return stdout.String()
}

var (
	hexAddr  = regexp.MustCompile(`0x[0-9a-fA-F]+`)
	port     = regexp.MustCompile(`(:|\bport )(\d{4,5})\b`)
	duration = regexp.MustCompile(`\b\d+(\.\d+)?\s?(ns|µs|us|ms|s)\b`)
)

// normalise replaces what changes from run to run: hex addresses, ports of
// 1024 and above (after ":" or "port "), and durations.
func normalise(s string) string {
	s = hexAddr.ReplaceAllString(s, "0xADDR")
	s = port.ReplaceAllStringFunc(s, func(m string) string {
		sub := port.FindStringSubmatch(m)
		if n, _ := strconv.Atoi(sub[2]); n >= 1024 {
			return sub[1] + "PORT"
		}
		return m
	})
	return duration.ReplaceAllString(s, "TIME")
}

func TestNormalise(t *testing.T) {
	tests := map[string]string{
		"listening on 127.0.0.1:40123": "listening on 127.0.0.1:PORT",
		"connect to port 8080 ok":      "connect to port PORT ok",
		"http on :80 and port 443":     "http on :80 and port 443",
		"took 0.123s, then 12 ms, 3µs": "took TIME, then TIME, TIME",
		"<socket fd=5 0xc000123abc>":   "<socket fd=5 0xADDR>",
		"5 seconds is not a duration":  "5 seconds is not a duration",
		"table: 0x1234 at [::1]:5353":  "table: 0xADDR at [::1]:PORT",
	}
	for in, want := range tests {
		if got := normalise(in); got != want {
			t.Errorf("normalise(%q) = %q, want %q", in, got, want)
		}
	}
}
