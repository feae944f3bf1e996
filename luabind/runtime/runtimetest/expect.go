package runtimetest

import (
	"strings"
	"testing"

	"socklab/luabind/runtime"
)

// ExpectPrints prints each case's Lua expression ({lua, want}) in one
// fresh runtime and checks, line by line, that it printed want: the shape
// of a face's "answers as Python does" table.
func ExpectPrints(t testing.TB, cases [][2]string) {
	t.Helper()
	var src strings.Builder
	for _, c := range cases {
		src.WriteString("print(" + c[0] + ")\n")
	}
	out, err := Run(t, src.String())
	if err != nil {
		t.Fatalf("lua error: %v\noutput so far:\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, c := range cases {
		g := "<missing>"
		if i < len(got) {
			g = got[i]
		}
		if g != c[1] {
			t.Errorf("%s\n got  %q\n want %q", c[0], g, c[1])
		}
	}
}

// ExpectErrors evaluates each case's Lua expression ({lua, want}) in a
// fresh runtime and checks that it raised an error whose message contains
// want and is not a Go panic reported as an internal error.
func ExpectErrors(t testing.TB, cases [][2]string) {
	t.Helper()
	for _, c := range cases {
		_, err := Run(t, "local x = "+c[0])
		if err == nil {
			t.Errorf("%s: no error, want %q", c[0], c[1])
			continue
		}
		if msg := runtime.ErrorMessage(err); !strings.Contains(msg, c[1]) || strings.Contains(msg, "internal error") {
			t.Errorf("%s:\n got  %s\n want %s", c[0], msg, c[1])
		}
	}
}
