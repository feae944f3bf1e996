package urlparse

import (
	"strings"
	"unicode/utf8"
)

const upperHex = "0123456789ABCDEF"

func alwaysSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == '~'
}

// Quote is quote(s, safe): every byte but letters, digits, "_.-~" and the
// ASCII characters of safe becomes %XX. Text is taken as UTF-8 bytes.
func Quote(s, safe string) string {
	var safeSet [256]bool
	for i := 0; i < len(safe); i++ {
		if safe[i] < 0x80 {
			safeSet[safe[i]] = true
		}
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if !alwaysSafe(s[i]) && !safeSet[s[i]] {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if alwaysSafe(c) || safeSet[c] {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

// QuotePlus is quote_plus(s, safe): Quote, with spaces as '+'.
func QuotePlus(s, safe string) string {
	if !strings.Contains(s, " ") {
		return Quote(s, safe)
	}
	return strings.ReplaceAll(Quote(s, safe+" "), " ", "+")
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// UnquoteToBytes is unquote_to_bytes(s): each valid %XX becomes its byte;
// anything else, including a bad escape, stays as written.
func UnquoteToBytes(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b = append(b, hi<<4|lo)
				i += 2
				continue
			}
		}
		b = append(b, s[i])
	}
	return string(b)
}

// Unquote is unquote(s) with Python's defaults (UTF-8, errors='replace'):
// the escapes are decoded, and bytes that do not form UTF-8 become U+FFFD,
// one per maximal invalid subsequence. Bytes of s beyond ASCII, which
// Python would hold as text already, pass through.
func Unquote(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		if s[i] < 0x80 {
			for j < len(s) && s[j] < 0x80 {
				j++
			}
			b.WriteString(decodeReplace(UnquoteToBytes(s[i:j])))
		} else {
			for j < len(s) && s[j] >= 0x80 {
				j++
			}
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// UnquotePlus is unquote_plus(s): '+' is a space, then Unquote.
func UnquotePlus(s string) string { return Unquote(strings.ReplaceAll(s, "+", " ")) }

// A utf8Lead is a row of the Unicode Standard's table of well-formed UTF-8
// (Table 3-7): a range of lead bytes, how many continuation bytes follow,
// and the range the first of them must be in (the others are 80..BF).
type utf8Lead struct {
	first, last byte
	need        int
	lo, hi      byte
}

var utf8Leads = [...]utf8Lead{
	{0xC2, 0xDF, 1, 0x80, 0xBF},
	{0xE0, 0xE0, 2, 0xA0, 0xBF},
	{0xE1, 0xEC, 2, 0x80, 0xBF},
	{0xED, 0xED, 2, 0x80, 0x9F},
	{0xEE, 0xEF, 2, 0x80, 0xBF},
	{0xF0, 0xF0, 3, 0x90, 0xBF},
	{0xF1, 0xF3, 3, 0x80, 0xBF},
	{0xF4, 0xF4, 3, 0x80, 0x8F},
}

// leadOf is c's row of utf8Leads; ok is false when no well-formed sequence
// starts with c.
func leadOf(c byte) (utf8Lead, bool) {
	for _, l := range utf8Leads {
		if c >= l.first && c <= l.last {
			return l, true
		}
	}
	return utf8Lead{}, false
}

// decodeReplace decodes UTF-8 as Python's errors='replace' does: each
// maximal subpart of an ill-formed sequence becomes one U+FFFD.
func decodeReplace(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			b.WriteByte(c)
			i++
			continue
		}
		lead, ok := leadOf(c)
		if !ok {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		j := i + 1
		lo, hi := lead.lo, lead.hi
		for k := 0; k < lead.need; k++ {
			if j >= len(s) || s[j] < lo || s[j] > hi {
				ok = false
				break
			}
			j++
			lo, hi = 0x80, 0xBF
		}
		if ok {
			b.WriteString(s[i:j])
		} else {
			b.WriteRune(utf8.RuneError)
		}
		i = j
	}
	return b.String()
}
