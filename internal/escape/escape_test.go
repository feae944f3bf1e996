package escape

import "testing"

func TestNamed(t *testing.T) {
	cases := []struct {
		r, quote rune
		want     string
	}{
		{'\\', 0, `\\`},
		{'\t', 0, `\t`},
		{'\n', '"', `\n`},
		{'\r', '\'', `\r`},
		{'\'', '\'', `\'`},
		{'"', '"', `\"`},
		{'\'', '"', ""}, // the other quote stays as it is
		{'"', '\'', ""},
		{'"', 0, ""},
		{0, 0, ""}, // NUL is no quote, even when there is none
		{'a', '\'', ""},
		{'\x7f', 0, ""},
		{'é', 0, ""},
	}
	for _, c := range cases {
		if got := Named(c.r, c.quote); got != c.want {
			t.Errorf("Named(%q, %q) = %q, want %q", c.r, c.quote, got, c.want)
		}
	}
}
