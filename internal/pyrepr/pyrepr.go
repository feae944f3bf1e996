// Package pyrepr renders values as Python's repr() does, for error messages
// that quote the user's input in Python's words ("'300.1.1.1' does not
// appear to be an IPv4 or IPv6 address"). Lua strings are bytes: they are
// read as UTF-8, as Python would have decoded them, and a byte that is not
// valid UTF-8 is shown as the surrogate escape Python's decoder would make.
package pyrepr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"socklab/internal/escape"
)

// Str is repr(s) for a Python str: single quotes unless s holds a single
// quote and no double quote, with Python's escapes.
func Str(s string) string {
	quote := quoteFor(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(quote)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(&b, "\\udc%02x", s[i])
			i++
			continue
		}
		i += size
		named := escape.Named(r, rune(quote))
		switch {
		case named != "":
			b.WriteString(named)
		case r >= 0x20 && r < 0x7f, isPrintable(r):
			b.WriteRune(r)
		case r <= 0xff:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// quoteFor is the quote Python's repr puts around s: a single quote, unless
// s holds a single quote and no double quote.
func quoteFor(s string) byte {
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		return '"'
	}
	return '\''
}

// isPrintable approximates Python's str.isprintable for one character:
// letters, marks, numbers, punctuation, symbols and the plain space.
func isPrintable(r rune) bool {
	if r == ' ' {
		return true
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

// Bytes is repr(b) for a Python bytes value: b'...'.
func Bytes(s string) string {
	quote := quoteFor(s)
	var b strings.Builder
	b.WriteByte('b')
	b.WriteByte(quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		named := escape.Named(rune(c), rune(quote))
		switch {
		case named != "":
			b.WriteString(named)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
	return b.String()
}
