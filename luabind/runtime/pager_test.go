package runtime_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	rtm "socklab/luabind/runtime"
)

// help wraps to the width the shell set, and only a foreground task's help
// goes through the pager; a spawned task's is written out.
func TestHelpWidthAndPager(t *testing.T) {
	t.Parallel()
	rt := rtm.New()
	defer rt.Close()
	longest := func(s string) int {
		n := 0
		for _, l := range strings.Split(s, "\n") {
			n = max(n, len(l))
		}
		return n
	}
	for _, width := range []int{50, 80, 130} {
		rt.SetHelpWidth(width)
		out, err := execIn(t, rt, context.Background(), `help(string) help(spawn) help("table")`)
		if err != nil {
			t.Fatal(err)
		}
		doc := out[strings.Index(out, "spawn("):]
		doc = doc[strings.Index(doc, "\n")+1:] // the doc, under the signature
		if n := longest(doc[:strings.Index(doc, "table")]); n > width || n < width-20 {
			t.Errorf("width %d: spawn's doc is %d columns:\n%s", width, n, doc)
		}
	}

	var mu sync.Mutex
	var paged []string
	rt.SetPager(func(ctx context.Context, text string) {
		mu.Lock()
		defer mu.Unlock()
		paged = append(paged, text)
	})
	out, err := execIn(t, rt, context.Background(), `help(spawn) spawn(function() help(join) end):join()`)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paged) != 1 || !strings.HasPrefix(paged[0], "spawn(") {
		t.Errorf("paged %q, want only the foreground help(spawn)", paged)
	}
	if !strings.HasPrefix(out, "join(") {
		t.Errorf("the spawned task's help wrote %q, want join's doc", out)
	}
}

// string.gfind is string.gmatch under another name: help names the
// documented one every time, whatever order the string table is walked in
// (it used to answer either, from run to run).
func TestHelpOfAliasedFunction(t *testing.T) {
	t.Parallel()
	rt := rtm.New()
	defer rt.Close()
	for i := 0; i < 30; i++ {
		out, err := execIn(t, rt, context.Background(), `help(string.gfind)`)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "string.gmatch(s, pattern)\n") {
			t.Fatalf("try %d: help(string.gfind) =\n%s", i, out)
		}
	}
}
