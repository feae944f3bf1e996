// Package escape holds the backslash escapes that Python's repr, Lua's
// string literals and socklab's banner text have in common, so that each
// of them spells \\, \t, \n, \r and an escaped quote the same way and only
// writes its own rules for the other characters.
package escape

// Named returns the named escape of r (\\, \t, \n or \r, or \' or \" when
// r is quote, the quote character around the literal), or "" when r has
// none. quote is 0 for text that is not quoted.
func Named(r, quote rune) string {
	switch r {
	case '\\':
		return `\\`
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\'':
		if quote == '\'' {
			return `\'`
		}
	case '"':
		if quote == '"' {
			return `\"`
		}
	}
	return ""
}
