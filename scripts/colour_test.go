package scripts_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

// Lesson 2 paints on a terminal only, and never with NO_COLOR set; its
// golden (stdout a pipe) has no colours. Here it runs on a terminal.
func TestResolveColours(t *testing.T) {
	t.Parallel()
	requireNamespaces(t)
	const green, red = "\x1b[32m", "\x1b[31m"
	out := runOnTerminal(t, withoutNoColor(), "resolve.lua")
	if !strings.Contains(out, green+"www.lab.test : 127.0.0.2") || !strings.Contains(out, red+"home : [Errno -3]") {
		t.Errorf("on a terminal, want green answers and red errors; got:\n%q", out)
	}
	out = runOnTerminal(t, append(withoutNoColor(), "NO_COLOR=1"), "resolve.lua")
	if strings.Contains(out, "\x1b[") {
		t.Errorf("with NO_COLOR set, want no colours; got:\n%q", out)
	}
}

// Without root there is no namespace for the lab's DNS server: the script
// says so and resolves names from /etc/hosts only.
func TestResolveWithoutRoot(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("already not root: the selfcheck run covers this")
	}
	if _, err := exec.LookPath("setpriv"); err != nil {
		skipOrFail(t, "needs setpriv (Debian package util-linux)")
	}
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", socklabBin, "resolve.lua")
	stdout, _ := run(t, cmd, 0)
	for _, want := range []string{"(not root: no private namespace", "localhost : 127.0.0.1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("as an unprivileged user, want %q in:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "lab.test") {
		t.Errorf("as an unprivileged user the lab's names cannot resolve; got:\n%s", stdout)
	}
}

func requireNamespaces(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFail(t, "needs root for a private network namespace (unshare -n -m)")
	}
	for _, tool := range []string{"unshare", "ip", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			skipOrFail(t, "needs %s (Debian packages util-linux, iproute2, mount)", tool)
		}
	}
}

func withoutNoColor() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			env = append(env, kv)
		}
	}
	return env
}

// runOnTerminal runs a script with its stdout on a pseudo-terminal and
// returns what it printed; it must exit with 0.
func runOnTerminal(t *testing.T, env []string, script string) string {
	t.Helper()
	cmd := exec.Command(socklabBin, script)
	cmd.Env = env
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, tty) // ends with EIO once the script has exited
	if err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s on a terminal: %v\n%s", script, err, out.String())
	}
	return out.String()
}
