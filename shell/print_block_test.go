package shell

import (
	"context"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// A __tostring that blocks cannot hang the printer: its time limit
// interrupts blocking calls too, and so does Ctrl-C (the context).
func TestPrinterBlockingTostring(t *testing.T) {
	t.Parallel()
	rt := runtime.New()
	defer rt.Close()
	s := &session{rt: rt}
	proto, err := s.compileInput(`setmetatable({1}, {__tostring = function() sleep(100) return "never" end})`)
	if err != nil {
		t.Fatal(err)
	}
	results, err := rt.Exec(context.Background(), proto, replChunk)
	if err != nil {
		t.Fatal(err)
	}
	format := func(ctx context.Context) (text string) {
		rt.Do(func(L *lua.LState) { text = formatResults(ctx, rt, L, results) })
		return text
	}
	if got := format(context.Background()); got != "{1}" {
		t.Errorf("time limit: got %q, want the plain table", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C
	if got := format(ctx); got != "{1}" {
		t.Errorf("Ctrl-C: got %q, want the plain table", got)
	}
	// The session is still usable afterwards.
	if got := evalFormat(t, rt, `1 + 1`); got != "2" {
		t.Errorf("after: %q", got)
	}
}
