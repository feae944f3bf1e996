package shell

import (
	"context"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/luabind/runtime"
)

// evalFormat runs a REPL chunk in rt and formats its results as the REPL does.
func evalFormat(t *testing.T, rt *runtime.Runtime, src string) string {
	t.Helper()
	s := &session{rt: rt}
	proto, err := s.compileInput(src)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	results, err := rt.Exec(context.Background(), proto, replChunk)
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	var text string
	rt.Do(func(L *lua.LState) { text = formatResults(context.Background(), rt, L, results) })
	return text
}

func TestPrinter(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	long := "{\n" + strings.Repeat("  \"xxxxxxxxxx\",\n", 49) + "  \"xxxxxxxxxx\",\n  … (10 more)\n}"
	tests := []struct{ src, want string }{
		{`1+1`, `2`},
		{`0.5, -3, 1e100`, "0.5\t-3\t1e+100"},
		{`nil, "Connection refused"`, "nil\t\"Connection refused\""},
		{`true, false`, "true\tfalse"},
		{`"a\"b\\c\n\t\0001"`, `"a\"b\\c\n\t\0001"`},
		{`"\200x"`, `"\200x"`},
		{`"héllo"`, `"héllo"`},
		{`{}`, `{}`},
		{`{1, 2, 3}`, `{1, 2, 3}`},
		{`{host = "127.0.0.1", port = 80}`, `{host = "127.0.0.1", port = 80}`},
		{`{1, 2, [5] = 5, x = true, ["a b"] = 1, ["end"] = 2}`, `{1, 2, [5] = 5, ["a b"] = 1, ["end"] = 2, x = true}`},
		{`{[1.5] = 1, [-1] = 2}`, `{[-1] = 2, [1.5] = 1}`},
		{`{{1, {2, {}}}}`, `{{1, {2, {}}}}`},
		{`{a = {b = {c = {d = {e = {f = {g = 1}}}}}}}`, "{a = {b = {c = {d = {e = {f = {…}}}}}}}"},
		{`(function() local t = {1} t.self = t return t end)()`, `{1, self = <cycle>}`},
		{`(function() local s = {} return {s, s} end)()`, `{{}, {}}`},
		{`(function() local t = {} for i = 1, 60 do t[i] = "xxxxxxxxxx" end return t end)()`, long},
		{`{name = "a fairly long string value", other = "another long string value", n = 1}`,
			"{\n  n = 1,\n  name = \"a fairly long string value\",\n  other = \"another long string value\"\n}"},
		{`{list = {"aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc", "dddd"}}`,
			"{\n  list = {\n    \"aaaaaaaaaaaaaaaaaaaa\",\n    \"bbbbbbbbbbbbbbbbbbbb\",\n    \"cccccccccccccccccccc\",\n    \"dddd\"\n  }\n}"},
		{`setmetatable({}, {__tostring = function() return "<obj>" end})`, `<obj>`},
		{`setmetatable({1}, {__tostring = function() error("no") end})`, `{1}`},
		{`print, spawn`, "function: builtin print\tfunction: builtin spawn"},
		{`spawn(function() end)`, `<task `},
		{`function() end`, `function: 0x`},
		{`string.format`, `function: 0x`},
	}
	for _, tt := range tests {
		got := evalFormat(t, rt, tt.src)
		if strings.HasSuffix(tt.want, " ") || strings.HasSuffix(tt.want, "0x") {
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("%s\n got %q\nwant prefix %q", tt.src, got, tt.want)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"":         `""`,
		"plain":    `"plain"`,
		"\x01":     `"\1"`,
		"\x012":    `"\0012"`,
		"\r\x7f":   `"\r\127"`,
		"日本":       `"日本"`,
		"\xff\xfe": `"\255\254"`,
	}
	for in, want := range tests {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCompileInput(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	s := &session{rt: rt}
	tests := []struct {
		src        string
		incomplete bool
		bad        bool
	}{
		{src: "1+1"},
		{src: "x = 1"},
		{src: "for i=1,3 do", incomplete: true},
		{src: "for i=1,3 do\nprint(i) end"},
		{src: "1 +", incomplete: true},
		{src: "{1,", incomplete: true},
		{src: "f(", incomplete: true},
		{src: `s = "open`, incomplete: true},
		{src: "--[[ open comment", incomplete: true},
		{src: "x = = 1", bad: true},
		{src: "1 2", bad: true},
		{src: "return 1 1", bad: true},
	}
	for _, tt := range tests {
		_, err := s.compileInput(tt.src)
		isIncomplete := err != nil && strings.Contains(err.Error(), runtime.ErrIncomplete.Error())
		if isIncomplete != tt.incomplete || (err != nil && !isIncomplete) != tt.bad {
			t.Errorf("compileInput(%q) = %v; want incomplete=%v bad=%v", tt.src, err, tt.incomplete, tt.bad)
		}
	}
}

func TestHistoryEntry(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	s := &session{rt: rt}
	if got := s.historyEntry([]string{"for i=1,3 do", "print(i) end"}); got != "for i=1,3 do print(i) end" {
		t.Errorf("got %q", got)
	}
	// A comment becomes a block comment, so the entry stays one line.
	if got := s.historyEntry([]string{"for i=1,3 do -- loop", "print(i) end"}); got != "for i=1,3 do --[=[ loop]=] print(i) end" {
		t.Errorf("got %q", got)
	}
	// A long string across lines cannot be joined: the lines stay apart.
	if got := s.historyEntry([]string{"x = [[a", "b]]"}); got != "x = [[a\nb]]" {
		t.Errorf("got %q", got)
	}
}
