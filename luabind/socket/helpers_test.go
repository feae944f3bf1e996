package socket

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/sock"
	"socklab/luabind/runtime"
	"socklab/luabind/runtime/runtimetest"
)

// env is how a Lua test runs: the thread budget of its runtime (nil: the
// process's default). Tests of the Lua face run once per env (see
// TestPollMode), each in a runtime of its own, side by side.
type env struct{ threads *sock.Budget }

// newRuntime makes a runtime configured for e.
func (e env) newRuntime() *runtime.Runtime {
	rt := runtime.New()
	if e.threads != nil {
		rt.Do(func(L *lua.LState) { stateOf(L).threads = e.threads })
	}
	return rt
}

// runLua runs src in a fresh runtime and returns what it printed; a Lua
// error fails the test.
func runLua(t *testing.T, src string) string { return env{}.runLua(t, src) }

func (e env) runLua(t *testing.T, src string) string {
	t.Helper()
	out, err := e.tryLua(t, src, nil)
	if err != nil {
		t.Fatalf("lua error: %v\noutput:\n%s", runtime.ErrorMessage(err)+"\n"+runtime.Traceback(err), out)
	}
	return out
}

// tryLua runs src under ctx (nil: a 5-minute limit, a guard against hangs
// only: a loaded CI machine is slow) and returns what it printed and its
// error.
func (e env) tryLua(t *testing.T, src string, ctx context.Context) (string, error) {
	t.Helper()
	rt := e.newRuntime()
	defer rt.Close()
	var out runtimetest.Buffer
	rt.SetOutput(&out, &out)
	proto, err := rt.Compile(src, "test.lua")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if ctx == nil {
		c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		ctx = c
	}
	_, err = rt.Exec(ctx, proto, "test")
	return out.String(), err
}

// luaRun is a script running in the background: its output so far, and
// its end.
type luaRun struct {
	out      *runtimetest.Buffer
	done     chan error    // the script's error, once
	finished chan struct{} // closed when it has ended
	cancel   context.CancelFunc
}

// startLua runs src in a fresh runtime in the background; the test cancels
// it with cancel.
func (e env) startLua(t *testing.T, src string) *luaRun {
	t.Helper()
	rt := e.newRuntime()
	r := &luaRun{out: &runtimetest.Buffer{}, done: make(chan error, 1), finished: make(chan struct{})}
	rt.SetOutput(r.out, r.out)
	proto, err := rt.Compile(src, "test.lua")
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		_, err := rt.Exec(ctx, proto, "test")
		rt.Close()
		r.done <- err
		close(r.finished)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.finished:
		case <-time.After(30 * time.Second):
		}
	})
	return r
}

// waitOutput waits (up to 30 s) until the script has printed want.
func (r *luaRun) waitOutput(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(r.out.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("no %q after 30 s; output:\n%s", want, r.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wait waits (up to 30 s) for the script's end and returns its error.
func (r *luaRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("script still running after 30 s; output:\n%s", r.out.String())
		return nil
	}
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

func funcsOf(fs []runtime.Function) []any {
	var out []any
	for _, f := range fs {
		out = append(out, [3]string{f.Name, f.Args, f.Doc})
	}
	return out
}
