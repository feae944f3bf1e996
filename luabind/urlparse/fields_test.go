package urlparse

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/urlparse"
	"socklab/luabind/runtime/runtimetest"
)

// FuzzCutFields: whatever mix of substrings of text and strings of their
// own the fields are, they read back unchanged, and substrings are kept as
// cuts (no copy of their own) when text is short enough.
func FuzzCutFields(f *testing.F) {
	f.Add("http://user@host:80/p;x?q#f", uint16(0), uint16(4), "own")
	f.Add("", uint16(0), uint16(0), "")
	f.Add("a", uint16(1), uint16(0), "b")
	f.Fuzz(func(t *testing.T, text string, from, to uint16, other string) {
		lo, hi := min(int(from), len(text)), min(int(to), len(text))
		if lo > hi {
			lo, hi = hi, lo
		}
		other = strings.Clone(other) // a string of its own, never inside text
		cases := [][6]string{
			{text[lo:hi], text[:lo], text[hi:], "", text, text[lo:lo]},
			{text[lo:hi], other, text[hi:], "", "", ""},
			{other, other, other, other, other, other},
		}
		for n, want := range cases {
			fs := cutFields(text, &want)
			if got := fs.all(); got != want {
				t.Fatalf("case %d: got %q, want %q", n, got, want)
			}
			allCut := n == 0 || other == ""
			if allCut && len(text) <= 65535 && fs.own != nil {
				t.Fatalf("case %d: substrings of a %d-byte text were copied", n, len(text))
			}
		}
	})
}

// The face's fields, read through Lua, are the engine's (which the
// differential tests check against Python), both when they are cut from
// the URL and when they are not.
func TestFaceFieldsAreTheEngines(t *testing.T) {
	long := "http://h/" + strings.Repeat("p", 70000) + "?q#f" // over 64 KiB: kept whole
	edge := "http://h/" + strings.Repeat("p", 65535-len("http://h/?q#f")) + "?q#f"
	urls := []struct{ url, scheme string }{
		{"http://user:pw@Host.EXAMPLE.com:8080/a/b;p?q=1#frag", ""},
		{"HTTP://h/p", ""},       // scheme lowercased: a string of its own
		{"//h/p;x?q", "https"},   // the default scheme
		{"ht\ttp://h/\np", ""},   // tabs and newlines dropped: a new string
		{"  \x01http://h/p", ""}, // leading controls stripped: still a cut
		{"mailto:a@b", ""},
		{"http:///p", ""},
		{"http://[::1%25eth0]:8/", ""},
		{"", ""},
		{"?#", ""},
		{long, ""},
		{edge, ""},
	}
	e := runtimetest.New(t)
	for _, u := range urls {
		p, err := urlparse.Parse(u.url, u.scheme, true)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := urlparse.Split(u.url, u.scheme, true)
		want := strings.Join([]string{p.Scheme, p.Netloc, p.Path, p.Params, p.Query, p.Fragment,
			s.Scheme, s.Netloc, s.Path, s.Query, s.Fragment}, "|")
		e.Out.Reset()
		src := `local u, d = ...
local p, s = url.urlparse(u, d), url.urlsplit(u, d)
io.write(table.concat({p.scheme, p.netloc, p.path, p.params, p.query, p.fragment,
  s.scheme, s.netloc, s.path, s.query, s.fragment}, "|"))`
		proto, err := e.RT.Compile(src, "fields")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.RT.Exec(t.Context(), proto, "fields", lua.LString(u.url), lua.LString(u.scheme)); err != nil {
			t.Fatal(err)
		}
		if got := e.Out.String(); got != want {
			t.Errorf("urlparse(%.40q, %q):\n got  %.120q\n want %.120q", u.url, u.scheme, got, want)
		}
	}
}
