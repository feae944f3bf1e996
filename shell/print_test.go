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

// __repr is what the REPL and pp show, before __tostring (print's form).
func TestPrinterRepr(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	src := `setmetatable({"127.0.0.1", 80}, {__repr = function(t) return '{"' .. t[1] .. '", ' .. t[2] .. '}' end, __tostring = function() return "127.0.0.1:80" end})`
	if got, want := evalFormat(t, rt, src), `{"127.0.0.1", 80}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := evalFormat(t, rt, `{setmetatable({}, {__repr = function() return "R" end})}`), `{R}`; got != want {
		t.Errorf("nested: got %s, want %s", got, want)
	}
	// A failing __repr falls back on __tostring.
	if got, want := evalFormat(t, rt, `setmetatable({}, {__repr = function() error("x") end, __tostring = function() return "S" end})`), `S`; got != want {
		t.Errorf("fallback: got %s, want %s", got, want)
	}
}

// A field read by name whose number a module named shows the name.
func TestConstantName(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	rt.Do(func(L *lua.LState) {
		mt := L.NewTable()
		runtime.SetNames(L, mt, runtime.Names{"family": {2: "AF_INET"}})
		e := L.NewTable()
		e.RawSetString("family", lua.LNumber(2))
		e.RawSetString("other", lua.LNumber(2))
		L.SetMetatable(e, mt)
		list := L.NewTable()
		list.Append(e)
		L.SetGlobal("e", e)
		L.SetGlobal("list", list)
		L.SetGlobal("plain", L.NewTable())
		L.SetField(L.GetGlobal("plain"), "family", lua.LNumber(2))
	})
	tests := []struct{ src, want string }{
		{"e.family", "AF_INET"},
		{`e["family"]`, "AF_INET"},
		{"list[1].family", "AF_INET"},
		{"e.other", ""},      // a field without names
		{"plain.family", ""}, // a table without a metatable
		{"e.family + 0", ""}, // not a plain field read
		{"(e).family", "AF_INET"},
		{"x = 1; e.family", "AF_INET"},
	}
	for _, tt := range tests {
		s := &session{rt: rt}
		proto, err := s.compileInput(tt.src)
		if err != nil {
			t.Fatal(err)
		}
		results, err := rt.Exec(context.Background(), proto, replChunk)
		if err != nil || len(results) != 1 {
			t.Fatalf("%s: %v %v", tt.src, results, err)
		}
		var got string
		rt.Do(func(L *lua.LState) { got = constantName(rt, L, tt.src, results[0]) })
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.src, got, tt.want)
		}
	}
}
