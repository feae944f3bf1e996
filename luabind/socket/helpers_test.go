package socket

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// runLua runs src in a fresh runtime and returns what it printed; a Lua
// error fails the test.
func runLua(t *testing.T, src string) string {
	t.Helper()
	out, err := tryLua(t, src, 60*time.Second)
	if err != nil {
		t.Fatalf("lua error: %v\noutput:\n%s", runtime.ErrorMessage(err)+"\n"+runtime.Traceback(err), out)
	}
	return out
}

func tryLua(t *testing.T, src string, timeout time.Duration) (string, error) {
	t.Helper()
	rt := runtime.New()
	defer rt.Close()
	var out runtimetest.Buffer
	rt.SetOutput(&out, &out)
	proto, err := rt.Compile(src, "test.lua")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err = rt.Exec(ctx, proto, "test")
	return out.String(), err
}

// need skips the test when a peer program is missing, unless CI=true.
func need(t *testing.T, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is required in CI but missing", prog)
		}
		t.Skipf("%s not installed", prog)
	}
	return p
}

// python is Debian's python3 when present (the pyenv shim is slow to start).
func python(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	return need(t, "python3")
}

func needRoot(t *testing.T, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s needs root, which CI must have", why)
		}
		t.Skipf("%s needs root (unshare); skipped", why)
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("unshare missing")
		}
		t.Skip("unshare missing")
	}
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

func funcsOf(fs []runtime.Function) []any {
	var out []any
	for _, f := range fs {
		out = append(out, [3]string{f.Name, f.Args, f.Doc})
	}
	return out
}
