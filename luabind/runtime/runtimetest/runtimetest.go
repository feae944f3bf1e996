// Package runtimetest runs Lua chunks in a fresh socklab runtime for tests
// and captures what they print, as net/http/httptest does for handlers.
package runtimetest

import (
	"context"
	"testing"

	"socklab/internal/sock/socktest"
	"socklab/luabind/runtime"
)

// Buffer is a bytes.Buffer that the runtime's tasks may write to at once.
type Buffer = socktest.Buffer

// Env is a runtime whose output (print, io.write) goes to Out and whose
// task errors go to Err. It is closed when the test ends.
type Env struct {
	RT       *runtime.Runtime
	Out, Err *Buffer
}

// New makes an Env for t.
func New(t testing.TB) *Env {
	t.Helper()
	e := &Env{RT: runtime.New(), Out: &Buffer{}, Err: &Buffer{}}
	e.RT.SetOutput(e.Out, e.Err)
	t.Cleanup(e.RT.Close)
	return e
}

// Exec compiles src as the chunk name and runs it as a foreground task
// under ctx. A compile error fails the test.
func (e *Env) Exec(t testing.TB, ctx context.Context, name, src string) error {
	t.Helper()
	proto, err := e.RT.Compile(src, name)
	if err != nil {
		t.Fatalf("compile %s: %v", name, err)
	}
	_, err = e.RT.Exec(ctx, proto, name)
	return err
}

// Run runs src in a fresh runtime and returns what it printed and the
// error it raised, if any.
func Run(t testing.TB, src string) (string, error) {
	t.Helper()
	e := New(t)
	err := e.Exec(t, context.Background(), "test", src)
	return e.Out.String(), err
}
