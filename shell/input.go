package shell

import (
	"regexp"
	"strings"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// What a person types at the prompt is rewritten, before it is compiled,
// into what they meant in a REPL (IPython and the Lua 5.4 REPL are the
// anchors). Scripts are never rewritten.
//
//   - `x?` and `?x` ask for help on x: help(x).
//   - `local x = 1` at the top of an entry defines x for the next entries
//     too (a REPL entry is its own chunk, so a Lua local would vanish at
//     once): the top-level `local` keywords of the entry are dropped.
//   - `a; b` shows both values (`return a, b`); `x = 1; x` runs the
//     statements and shows x.

var helpSuffix = regexp.MustCompile(`^\s*\??\s*([A-Za-z_][\w.:]*)\s*\?\s*$|^\s*\?\s*([A-Za-z_][\w.:]*)\s*$`)

// helpRequest turns `x?` / `?x` into `help(x)`; ok is false for other input.
func helpRequest(src string) (string, bool) {
	m := helpSuffix.FindStringSubmatch(src)
	if m == nil {
		return "", false
	}
	name := m[1] + m[2]
	if strings.Contains(name, ":") { // s:recv? is help for the method
		return `help("` + name + `")`, true
	}
	return "help(" + name + ")", true
}

var localKeyword = regexp.MustCompile(`\blocal\s+`)

// persistLocals drops the `local` keyword of the entry's top-level local
// declarations that assign a value (`local x = 1`, `local function f()`),
// so that the names outlive the entry. Declarations inside blocks stay
// local. When a line mixes top-level and nested locals it is left alone.
func persistLocals(src string) string {
	if !strings.Contains(src, "local") {
		return src
	}
	chunk, err := parse.Parse(strings.NewReader(src), "=input")
	if err != nil {
		return src
	}
	topLevel := map[int]int{} // line → top-level local statements starting there
	for _, st := range chunk {
		if la, ok := st.(*ast.LocalAssignStmt); ok && len(la.Exprs) > 0 {
			topLevel[la.Line()]++
		}
	}
	if len(topLevel) == 0 {
		return src
	}
	lines := strings.Split(src, "\n")
	for line, n := range topLevel {
		i := line - 1
		if i < 0 || i >= len(lines) || len(localKeyword.FindAllStringIndex(lines[i], -1)) != n {
			continue
		}
		lines[i] = localKeyword.ReplaceAllString(lines[i], "")
	}
	out := strings.Join(lines, "\n")
	if _, err := parse.Parse(strings.NewReader(out), "=input"); err != nil {
		return src
	}
	return out
}

// splitStatements splits src at the semicolons outside strings and
// comments; ok is false when there is none.
func splitStatements(src string) (parts []string, ok bool) {
	start := 0
	stop, _ := walkCode(src, func(i int) bool {
		switch {
		case longBracketAt(src, i):
			return false // long strings: leave the input as it is
		case strings.HasPrefix(src[i:], "--"):
			return false
		case src[i] == ';':
			parts = append(parts, src[start:i])
			start = i + 1
		}
		return true
	})
	if stop >= 0 || len(parts) == 0 {
		return nil, false
	}
	if rest := src[start:]; strings.TrimSpace(rest) != "" {
		parts = append(parts, rest)
	}
	return parts, true
}

// walkCode calls visit with the index of each byte of s that is outside a
// short string ('...' or "...", escapes skipped), until visit returns
// false. stop is the index where visit stopped, -1 when the walk reached
// the end; unclosed reports a short string still open there.
func walkCode(s string, visit func(i int) bool) (stop int, unclosed bool) {
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		default:
			if !visit(i) {
				return i, false
			}
		}
	}
	return -1, quote != 0
}

// longBracketAt reports whether a long string or comment bracket ([[ or
// [=) opens at s[i].
func longBracketAt(s string, i int) bool {
	return s[i] == '[' && i+1 < len(s) && (s[i+1] == '[' || s[i+1] == '=')
}

// isExpression reports whether s compiles as `return s`.
func isExpression(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	_, err := parse.Parse(strings.NewReader("return "+s), "=input")
	return err == nil
}

// semicolonValues rewrites `a; b` as `return a, b` and `x = 1; x` as
// `x = 1; return x`; ok is false when the input is not of that shape.
func semicolonValues(src string) (string, bool) {
	parts, ok := splitStatements(src)
	if !ok {
		return "", false
	}
	last := parts[len(parts)-1]
	if !isExpression(last) {
		return "", false
	}
	// The longest tail of expressions is shown; what precedes runs.
	first := len(parts) - 1
	for first > 0 && isExpression(parts[first-1]) {
		first--
	}
	values := make([]string, 0, len(parts)-first)
	for _, p := range parts[first:] {
		values = append(values, strings.TrimSpace(p))
	}
	if first == 0 && len(values) == 1 {
		return "", false
	}
	stmts := strings.Join(parts[:first], ";")
	if stmts != "" {
		stmts += "; "
	}
	return stmts + "return " + strings.Join(values, ", "), true
}

// commentAsBlock turns a line's trailing `-- comment` (outside strings) into
// a block comment `--[==[ comment ]==]`, so that the line can be joined
// with the next one in a one-line history entry without swallowing it.
// ok is false when the line has a long string or comment of its own.
func commentAsBlock(line string) (string, bool) {
	result, ok := line, true
	_, unclosed := walkCode(line, func(i int) bool {
		switch {
		case longBracketAt(line, i):
			ok = false
			return false
		case strings.HasPrefix(line[i:], "--"):
			text := line[i+2:]
			if strings.HasPrefix(text, "[") {
				ok = false
				return false
			}
			level := "="
			for strings.Contains(text, "]"+level+"]") {
				level += "="
			}
			result = line[:i] + "--[" + level + "[" + text + "]" + level + "]"
			return false
		}
		return true
	})
	if unclosed {
		return line, false
	}
	return result, ok
}
