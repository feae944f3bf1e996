package urlparse

import (
	"testing"

	"socklab/luabind/runtime/runtimetest"
	_ "socklab/luabind/socket" // for the tutorial line with socket.getservbyname
)

// The face through Lua: each expression prints one line, checked against
// what Python prints for the same call.
func TestFaceAnswersAsPython(t *testing.T) {
	cases := [][2]string{
		{`urllib.parse.urlparse("http://www.python.org:80/a;p?q#f")`, "ParseResult(scheme='http', netloc='www.python.org:80', path='/a', params='p', query='q', fragment='f')"},
		{`url.urlsplit("http://www.python.org:80/a;p?q#f")`, "SplitResult(scheme='http', netloc='www.python.org:80', path='/a;p', query='q', fragment='f')"},
		{`url.urlparse("HTTP://User:Pw@Example.COM:8042/").hostname`, "example.com"},
		{`url.urlparse("HTTP://User:Pw@Example.COM:8042/").username`, "User"},
		{`url.urlparse("HTTP://User:Pw@Example.COM:8042/").password`, "Pw"},
		{`url.urlparse("HTTP://User:Pw@Example.COM:8042/").port`, "8042"},
		{`url.urlparse("http://h/").port`, "nil"},
		{`url.urlparse("http://[fe80::1%25Eth0]:8/").hostname`, "fe80::1%25Eth0"},
		{`url.urlparse("mailto:someone@example.com").path`, "someone@example.com"},
		{`url.urlparse("http://h?"):geturl()`, "http://h"},
		{`url.urlparse(" \tht\ntp://h/").scheme`, "http"},
		{`url.urlparse("http://h/p")[3]`, "/p"},
		{`#url.urlparse("http://h/p")`, "6"},
		{`#url.urlsplit("http://h/p")`, "5"},
		{`select(2, url.urlparse("http://h/p"):unpack())`, "h\t/p\t\t\t"},
		{`url.urlunparse{"http", "h", "/p", "x", "q", "f"}`, "http://h/p;x?q#f"},
		{`url.urlunsplit{"mailto", "", "a@b", "", ""}`, "mailto:a@b"},
		{`url.urlunparse(url.urlparse("http://h/a;b?c#d"))`, "http://h/a;b?c#d"},
		{`url.urljoin("http://a/b/c/d;p?q", "../../g")`, "http://a/g"},
		{`url.urljoin("http://a/b/c/d;p?q", "http:g")`, "http://a/b/c/g"},
		{`url.urljoin("http://a/b/c/d;p?q", "//g")`, "http://g"},
		{`url.urldefrag("http://h/p#frag").fragment`, "frag"},
		{`url.urldefrag("http://h/p#frag"):geturl()`, "http://h/p#frag"},
		{`url.quote("a b&c/d")`, "a%20b%26c/d"},
		{`url.quote("a b&c/d", "")`, "a%20b%26c%2Fd"},
		{`url.quote_plus("a b&c/d")`, "a+b%26c%2Fd"},
		{`url.unquote("%e2%82%ac%zz")`, "€%zz"},
		{`url.unquote("%ff") == "\239\191\189"`, "true"},
		{`url.unquote_to_bytes("%ff") == "\255"`, "true"},
		{`url.unquote_plus("a+b%2B")`, "a b+"},
		{`url.urlencode{{"q", "python sockets"}, {"page", 2}}`, "q=python+sockets&page=2"},
		{`url.urlencode{b = "2", a = "1"}`, "a=1&b=2"},
		{`url.urlencode({tag = {"x", "y"}}, true)`, "tag=x&tag=y"},
		{`url.urlencode({{"p", "a/b"}}, {safe = "/", quote_via = "quote"})`, "p=a/b"},
		{`url.parse_qs("a=1&a=2&b=x+y").b[1]`, "x y"},
		{`#url.parse_qs("a=1&a=2").a`, "2"},
		{`url.parse_qs("x=1;y=2").x[1]`, "1;y=2"},
		{`url.parse_qs("x=1;y=2", {separator = ";"}).y[1]`, "2"},
		{`url.parse_qs("a=&b=1").a`, "nil"},
		{`url.parse_qs("a=&b=1", true).a[1]`, ""},
		{`url.parse_qsl("a=1&b=2")[2][1]`, "b"},
		{`require("urllib.parse") == url and require("url") == urllib.parse`, "true"},
		{`socket.getservbyname(urllib.parse.urlparse("pop3://mail.example.com").scheme)`, "110"},
	}
	runtimetest.ExpectPrints(t, cases)
}

// Bad input raises a Lua error with Python's words or a clear argument
// error, never a panic; a 1 MB URL is just a long URL.
func TestFaceErrors(t *testing.T) {
	cases := [][2]string{
		{`url.urlparse("http://h:abc/").port`, "Port could not be cast to integer value as 'abc'"},
		{`url.urlparse("http://h:70000/").port`, "Port out of range 0-65535"},
		{`url.urlparse("http://[::1/")`, "Invalid IPv6 URL"},
		{`url.urlparse("http://[1.2.3.4]/")`, "An IPv4 address cannot be in brackets"},
		{`url.urlparse("http://[zz]/")`, "'zz' does not appear to be an IPv4 or IPv6 address"},
		{`url.urlparse("http://[vz.x]/")`, "IPvFuture address is invalid"},
		{`url.urlparse(nil)`, "bad argument #1 to 'urlparse' (string expected, got nil)"},
		{`url.urljoin("http://a/")`, "bad argument #2 to 'urljoin'"},
		{`url.parse_qs("a", {strict_parsing = true})`, "bad query field: 'a'"},
		{`url.parse_qs("a=1&b=2&c=3", {max_num_fields = 2})`, "Max number of fields exceeded"},
		{`url.parse_qs("a=1", {separator = ""})`, "Separator must be of type string or bytes."},
		{`url.urlencode{a = {1, 2}}`, "pass doseq = true"},
		{`url.urlencode{a = print}`, "must be a string, number or boolean"},
		{`url.urlunparse(42)`, "bad argument #1 to 'urlunparse'"},
	}
	runtimetest.ExpectErrors(t, cases)
	out, err := runtimetest.Run(t, `local u = url.urlparse("http://h/" .. string.rep("a", 1000000) .. "?q") print(#u.path, u.query)`)
	if err != nil || out != "1000001\tq\n" {
		t.Errorf("1 MB URL: %q %v", out, err)
	}
}
