package shell

import (
	"context"
	"reflect"
	"testing"

	"socklab/luabind/runtime"
)

func TestCompletion(t *testing.T) {
	rt := runtime.New()
	defer rt.Close()
	proto, err := rt.Compile(`
		net2 = {gethostname = 1, gethostbyname = 2, gethostbyaddr = 3, sub = {deep = {leaf = 1}}, _hidden = 1}
		obj = setmetatable({}, {__index = {method = 1}})
		lazy = setmetatable({}, {__index = function() error("must not be called") end})
		h = spawn(function() end)
		s = "text"
	`, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Exec(context.Background(), proto, "test"); err != nil {
		t.Fatal(err)
	}
	c := &completer{rt: rt}
	tests := []struct {
		line    string
		want    []string
		partial string
	}{
		{"string.fo", []string{"format"}, "fo"},
		{"x = string.fo", []string{"format"}, "fo"},
		{"net2.geth", []string{"gethostbyaddr", "gethostbyname", "gethostname"}, "geth"},
		{"net2.sub.deep.l", []string{"leaf"}, "l"},
		{"net2._", []string{"_hidden"}, "_"},
		{"net2.", []string{"gethostbyaddr", "gethostbyname", "gethostname", "sub"}, ""},
		{"obj.me", []string{"method"}, "me"},
		{"lazy.x", nil, "x"},
		{"h:jo", []string{"join"}, "jo"},
		{"h:", []string{"cancel", "id", "join", "name", "status"}, ""},
		{"s:up", []string{"upper"}, "up"},
		{"prin", []string{"print"}, "prin"},
		{"whi", []string{"while"}, "whi"},
		{"nosuch.x", nil, "x"},
		{"net2.gethostname.x", nil, "x"},
		{`print("string.fo`, nil, ""},
		{"3.1", nil, ""},
	}
	for _, tt := range tests {
		got, partial := c.candidates(tt.line)
		if !reflect.DeepEqual(got, tt.want) || partial != tt.partial {
			t.Errorf("candidates(%q) = %q, %q; want %q, %q", tt.line, got, partial, tt.want, tt.partial)
		}
	}
	// Do returns suffixes and the length of the word they extend.
	suffixes, n := c.Do([]rune("string.fo"), len("string.fo"))
	if len(suffixes) != 1 || string(suffixes[0]) != "rmat" || n != 2 {
		t.Errorf("Do = %q, %d", suffixes, n)
	}
}
