package urlparse

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"socklab/internal/pyoracle"
)

// FuzzURL feeds the parsers arbitrary text: they never panic or hang,
// geturl re-splits to the same parts, quoting round-trips, and inputs that
// are valid UTF-8 (so Python can hold them as str) are compared with Python
// itself when /usr/bin/python3 is there: urlparse fields, urljoin both
// ways with a fixed base, unquote and parse_qsl.
func FuzzURL(f *testing.F) {
	for _, u := range trickyURLs {
		f.Add(u)
	}
	for _, r := range rfc3986Refs {
		f.Add(r)
	}
	oracle := pyoracle.Start(f, "testdata/oracle.py")
	f.Cleanup(oracle.Close)
	f.Fuzz(func(t *testing.T, s string) {
		p, perr := Parse(s, "", true)
		sp, serr := Split(s, "", true)
		if (perr == nil) != (serr == nil) {
			t.Fatalf("%q: urlparse %v but urlsplit %v", s, perr, serr)
		}
		if serr == nil {
			Username(sp.Netloc)
			Password(sp.Netloc)
			Hostname(sp.Netloc)
			Port(sp.Netloc)
			_ = p.GetURL()
			again, err := Split(sp.GetURL(), "", true)
			if err == nil && again.Query != sp.Query && sp.Query != "" {
				t.Fatalf("%q: query %q became %q after geturl", s, sp.Query, again.Query)
			}
		}
		_, _ = Join("http://a/b/c/d;p?q", s, true)
		_, _ = Join(s, "../g?x#y", true)
		_, _, _ = Defrag(s)
		if utf8.ValidString(s) {
			if got := Unquote(Quote(s, "")); got != s {
				t.Fatalf("unquote(quote(%q)) = %q", s, got)
			}
			if got := UnquotePlus(QuotePlus(s, "")); got != s {
				t.Fatalf("unquote_plus(quote_plus(%q)) = %q", s, got)
			}
		}
		_, _ = ParseQSL(s, QSOptions{KeepBlankValues: true})
		if oracle == nil || !utf8.ValidString(s) || len(s) > 300 || strings.ContainsRune(s, utf8.RuneError) {
			return
		}
		for _, r := range []request{
			{Kind: "parse", URL: s, AllowFragments: true},
			{Kind: "split", URL: s, Scheme: "x", AllowFragments: false},
			{Kind: "join", Base: "http://a/b/c/d;p?q", URL: s, AllowFragments: true},
			{Kind: "join", Base: s, URL: "../g;x?y#s", AllowFragments: true},
			{Kind: "unquote", URL: s},
			{Kind: "parse_qsl", URL: s, Opts: &qsOpts{KeepBlankValues: true}},
		} {
			var want any
			if err := json.Unmarshal(oracle.Ask(t, r), &want); err != nil {
				t.Fatal(err)
			}
			if got, w := pyoracle.Canonical(t, describe(r)), pyoracle.Canonical(t, want); got != w {
				t.Fatalf("%s %q base %q:\n got  %s\n want %s", r.Kind, s, r.Base, got, w)
			}
		}
	})
}
