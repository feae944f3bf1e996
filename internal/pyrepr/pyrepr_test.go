package pyrepr

import (
	"encoding/hex"
	"encoding/json"
	"testing"

	"socklab/internal/pyoracle"
)

// TestAgainstPython compares Str and Bytes with Python's repr of the same
// bytes: every single byte, the quote rules, escapes, and text beyond
// ASCII (printable or not, and invalid UTF-8).
func TestAgainstPython(t *testing.T) {
	inputs := []string{
		"", "plain", "it's", `say "hi"`, `it's "both"`, `back\slash`,
		"tab\tnew\nret\r", "nul\x00del\x7f", "café", "日本語", "emoji 😀",
		"nbsp\u00a0", "soft\u00adhyphen", "line\u2028sep", "bidi\u200e",
		"private\ue000", "bad\xff\xfe", "cut\xe6\x97", "\xc3(", "latin1 \xe9t\xe9",
	}
	for c := 0; c < 256; c++ {
		inputs = append(inputs, string([]byte{byte(c)}))
	}
	reprs := []struct {
		kind string
		fn   func(string) string
	}{{"str", Str}, {"bytes", Bytes}}
	var requests []any
	for _, s := range inputs {
		for _, r := range reprs {
			requests = append(requests, map[string]string{"kind": r.kind, "hex": hex.EncodeToString([]byte(s))})
		}
	}
	answers := pyoracle.Run(t, "testdata/oracle.py", requests)
	for i, s := range inputs {
		for k, r := range reprs {
			var want string
			if err := json.Unmarshal(answers[len(reprs)*i+k], &want); err != nil {
				t.Fatalf("answer %s: %v", answers[len(reprs)*i+k], err)
			}
			if got := r.fn(s); got != want {
				t.Errorf("%s repr of %q = %s, Python says %s", r.kind, s, got, want)
			}
		}
	}
}
