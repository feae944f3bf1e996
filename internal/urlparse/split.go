// Package urlparse is Python's urllib.parse in plain Go, written from
// Python's documented behaviour and checked against /usr/bin/python3 by the
// differential tests: URLs split the way Python splits them (raw netloc,
// params on the last path segment for some schemes, leading C0 controls and
// spaces stripped, tabs and newlines deleted, no percent validation, empty
// "?" and "#" dropped), urljoin per RFC 3986 as Python does it, quoting,
// and query strings. Go's net/url differs in a dozen of these ways, so it
// is not used.
package urlparse

import (
	"encoding/binary"
	"strings"
	"unsafe"

	"socklab/internal/ipaddr"
)

// Error is a ValueError as urllib.parse words it.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// The scheme lists Python consults, as switches: urlparse asks usesParams
// on every call, and a switch on a short string costs less than hashing it
// into a map.
func usesParams(scheme string) bool {
	switch scheme {
	case "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip", "sips", "mms", "sftp", "tel":
		return true
	}
	return false
}

func usesNetloc(scheme string) bool {
	switch scheme {
	case "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss":
		return true
	}
	return false
}

func usesRelative(scheme string) bool {
	switch scheme {
	case "", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms", "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss":
		return true
	}
	return false
}

// SplitResult is urlsplit's 5-tuple.
type SplitResult struct{ Scheme, Netloc, Path, Query, Fragment string }

// ParseResult is urlparse's 6-tuple.
type ParseResult struct{ Scheme, Netloc, Path, Params, Query, Fragment string }

// byteClass sorts the bytes the one-pass scans look for, so that each byte
// costs one table load: scheme characters (and which of them are upper
// case), the characters that end an authority, brackets and non-ASCII.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '+' || b == '-' || b == '.':
			t[c] = classScheme
		case 'A' <= b && b <= 'Z':
			t[c] = classScheme | classUpper
		case b == '/' || b == '?' || b == '#':
			t[c] = classEndsNetloc
		case b == '[' || b == ']':
			t[c] = classBracket
		case b >= 0x80:
			t[c] = classNonASCII
		}
	}
	return t
}()

const (
	classScheme = 1 << iota
	classUpper
	classEndsNetloc
	classBracket
	classNonASCII
)

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// clean strips leading C0 controls and spaces (WHATWG) and deletes every
// tab, CR and LF, as Python does before splitting.
func clean(s string, both bool) string {
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	for both && len(s) > 0 && s[len(s)-1] <= ' ' {
		s = s[:len(s)-1]
	}
	if hasTabOrNewline(s) {
		return dropTabsAndNewlines(s)
	}
	return s
}

// hasTabOrNewline reports whether s holds a tab, CR or LF. It tests eight
// bytes at a time for any byte below 0x0e (the classic "has less than"
// word trick) and looks closer only at a word that has one: URLs almost
// never do, and every urlparse call asks.
func hasTabOrNewline(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		if (w-ones*0x0e)&^w&highs != 0 && isTabOrNewline(s[i:i+8]) {
			return true
		}
	}
	return isTabOrNewline(s[i:])
}

func isTabOrNewline(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\t' || c == '\r' || c == '\n' {
			return true
		}
	}
	return false
}

func dropTabsAndNewlines(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\r' && c != '\n' {
			b = append(b, c)
		}
	}
	return string(b)
}

// netlocEnd is where the authority starting at url[start] ends (the first
// / ? or #), and what Split must check in it: brackets and non-ASCII text.
func netlocEnd(url string, start int) (end int, brackets, nonASCII bool) {
	var seen uint8
	for end = start; end < len(url); end++ {
		if k := byteClass[url[end]] &^ (classScheme | classUpper); k != 0 {
			if k == classEndsNetloc {
				break
			}
			seen |= k
		}
	}
	return end, seen&classBracket != 0, seen&classNonASCII != 0
}

// Split is urlsplit(url, scheme, allow_fragments). It reads url in one pass
// where it can: urlparse in a loop is what the benchmark measures.
func Split(url, scheme string, allowFragments bool) (SplitResult, error) {
	url = clean(url, false)
	scheme = clean(scheme, true)
	var netloc, query, fragment string
	// a scheme is a letter and scheme characters up to the first ':'
	if len(url) > 0 && isASCIILetter(url[0]) {
		i, seen := 1, byteClass[url[0]]
		for i < len(url) && byteClass[url[i]]&classScheme != 0 {
			seen |= byteClass[url[i]]
			i++
		}
		if i < len(url) && url[i] == ':' {
			scheme, url = url[:i], url[i+1:]
			if seen&classUpper != 0 {
				scheme = strings.ToLower(scheme)
			}
		}
	}
	if len(url) >= 2 && url[0] == '/' && url[1] == '/' {
		end, brackets, nonASCII := netlocEnd(url, 2)
		netloc, url = url[2:end], url[end:]
		if brackets {
			if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
				return SplitResult{}, &Error{"Invalid IPv6 URL"}
			}
			if err := checkBracketedNetloc(netloc); err != nil {
				return SplitResult{}, err
			}
		}
		if nonASCII {
			if err := checkNFKC(netloc); err != nil {
				return SplitResult{}, err
			}
		}
	}
	if allowFragments {
		if i := strings.IndexByte(url, '#'); i >= 0 {
			url, fragment = url[:i], url[i+1:]
		}
	}
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, query = url[:i], url[i+1:]
	}
	return SplitResult{scheme, netloc, url, query, fragment}, nil
}

// checkBracketedNetloc validates "[...]" in an authority: nothing before
// the bracket, only ":port" after it, and inside an IPv6 address or an
// IPvFuture literal.
func checkBracketedNetloc(netloc string) error {
	hostport := netloc[strings.LastIndexByte(netloc, '@')+1:]
	var host string
	if before, bracketed, found := strings.Cut(hostport, "["); found {
		if before != "" {
			return &Error{"Invalid IPv6 URL"}
		}
		h, port, _ := strings.Cut(bracketed, "]")
		if port != "" && port[0] != ':' {
			return &Error{"Invalid IPv6 URL"}
		}
		host = h
	} else {
		host, _, _ = strings.Cut(hostport, ":")
	}
	if strings.HasPrefix(host, "v") {
		if !isIPvFuture(host) {
			return &Error{"IPvFuture address is invalid"}
		}
		return nil
	}
	a, err := ipaddr.ParseAddr(host)
	if err != nil {
		return &Error{err.Error()}
	}
	if a.Version() == 4 {
		return &Error{"An IPv4 address cannot be in brackets"}
	}
	return nil
}

// isIPvFuture is "v" hexdigits "." and at least one more character (none
// of them a newline).
func isIPvFuture(h string) bool {
	i := 1
	for i < len(h) && isHex(h[i]) {
		i++
	}
	if i == 1 || i >= len(h) || h[i] != '.' || i+1 >= len(h) {
		return false
	}
	return !strings.Contains(h[i+1:], "\n")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// splitParams cuts ";params" off the last path segment.
func splitParams(url string) (string, string) {
	i := -1
	if slash := strings.LastIndexByte(url, '/'); slash >= 0 {
		if j := strings.IndexByte(url[slash:], ';'); j >= 0 {
			i = slash + j
		}
	} else {
		i = strings.IndexByte(url, ';')
	}
	if i < 0 {
		return url, ""
	}
	return url[:i], url[i+1:]
}

// Parse is urlparse(url, scheme, allow_fragments).
func Parse(url, scheme string, allowFragments bool) (ParseResult, error) {
	s, err := Split(url, scheme, allowFragments)
	if err != nil {
		return ParseResult{}, err
	}
	path, params := s.Path, ""
	if usesParams(s.Scheme) && strings.Contains(path, ";") {
		path, params = splitParams(path)
	}
	return ParseResult{s.Scheme, s.Netloc, path, params, s.Query, s.Fragment}, nil
}

// Unsplit is urlunsplit: the URL from its five parts.
func Unsplit(r SplitResult) string {
	url := r.Path
	if r.Netloc != "" || (r.Scheme != "" && usesNetloc(r.Scheme) && !strings.HasPrefix(url, "//")) {
		if url != "" && url[0] != '/' {
			url = "/" + url
		}
		url = "//" + r.Netloc + url
	}
	if r.Scheme != "" {
		url = r.Scheme + ":" + url
	}
	if r.Query != "" {
		url += "?" + r.Query
	}
	if r.Fragment != "" {
		url += "#" + r.Fragment
	}
	return url
}

// Unparse is urlunparse: the URL from its six parts.
func Unparse(r ParseResult) string {
	path := r.Path
	if r.Params != "" {
		path += ";" + r.Params
	}
	return Unsplit(SplitResult{r.Scheme, r.Netloc, path, r.Query, r.Fragment})
}

// GetURL is r.geturl().
func (r ParseResult) GetURL() string { return Unparse(r) }

// GetURL is r.geturl().
func (r SplitResult) GetURL() string { return Unsplit(r) }

// Defrag is urldefrag(url): the URL without its fragment, and the fragment.
func Defrag(url string) (string, string, error) {
	if !strings.Contains(url, "#") {
		return url, "", nil
	}
	p, err := Parse(url, "", true)
	if err != nil {
		return "", "", err
	}
	frag := p.Fragment
	p.Fragment = ""
	return Unparse(p), frag, nil
}

// Join is urljoin(base, url, allow_fragments).
func Join(base, url string, allowFragments bool) (string, error) {
	if base == "" {
		return url, nil
	}
	if url == "" {
		return base, nil
	}
	b, err := Parse(base, "", allowFragments)
	if err != nil {
		return "", err
	}
	u, err := Parse(url, b.Scheme, allowFragments)
	if err != nil {
		return "", err
	}
	if u.Scheme != b.Scheme || !usesRelative(u.Scheme) {
		return url, nil
	}
	if usesNetloc(u.Scheme) {
		if u.Netloc != "" {
			return Unparse(u), nil
		}
		u.Netloc = b.Netloc
	}
	if u.Path == "" && u.Params == "" {
		u.Path, u.Params = b.Path, b.Params
		if u.Query == "" {
			u.Query = b.Query
		}
		return Unparse(u), nil
	}
	baseParts := strings.Split(b.Path, "/")
	if baseParts[len(baseParts)-1] != "" {
		baseParts = baseParts[:len(baseParts)-1]
	}
	var segments []string
	if strings.HasPrefix(u.Path, "/") {
		segments = strings.Split(u.Path, "/")
	} else {
		segments = append(baseParts, strings.Split(u.Path, "/")...)
		// drop empty middle segments, which would double slashes
		kept := []string{segments[0]}
		for _, s := range segments[1 : len(segments)-1] {
			if s != "" {
				kept = append(kept, s)
			}
		}
		if len(segments) > 1 {
			kept = append(kept, segments[len(segments)-1])
		}
		segments = kept
	}
	var resolved []string
	for _, seg := range segments {
		switch seg {
		case "..":
			if len(resolved) > 0 {
				resolved = resolved[:len(resolved)-1]
			}
		case ".":
		default:
			resolved = append(resolved, seg)
		}
	}
	if last := segments[len(segments)-1]; last == "." || last == ".." {
		resolved = append(resolved, "")
	}
	u.Path = strings.Join(resolved, "/")
	if u.Path == "" {
		u.Path = "/"
	}
	return Unparse(u), nil
}

// nfkcDelimiters are the characters whose NFKC form contains one of
// "/?#@:" (fullwidth and small forms, U+2047 "??", U+2100 "a/c"…), found by
// scanning Python's Unicode database: a netloc holding one would change
// meaning once normalised, so Python rejects it.
var nfkcDelimiters = []rune{0x2047, 0x2048, 0x2049, 0x2100, 0x2101, 0x2105, 0x2106, 0x2A74,
	0xFE13, 0xFE16, 0xFE55, 0xFE56, 0xFE5F, 0xFE6B, 0xFF03, 0xFF0F, 0xFF1A, 0xFF1F, 0xFF20}

func checkNFKC(netloc string) error {
	for _, r := range netloc {
		for _, d := range nfkcDelimiters {
			if r == d {
				return &Error{"netloc '" + netloc + "' contains invalid characters under NFKC normalization"}
			}
		}
	}
	return nil
}
