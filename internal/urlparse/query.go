package urlparse

import (
	"strings"

	"socklab/internal/pyrepr"
)

// QSOptions are parse_qs/parse_qsl's keyword arguments.
type QSOptions struct {
	KeepBlankValues bool
	StrictParsing   bool
	MaxNumFields    int    // 0: no limit
	Separator       string // "" means "&"
}

// ParseQSL is parse_qsl(qs, ...): the name/value pairs in order, '+' as a
// space, escapes decoded as Unquote does.
func ParseQSL(qs string, o QSOptions) ([][2]string, error) {
	sep := o.Separator
	if sep == "" {
		sep = "&"
	}
	if o.MaxNumFields > 0 && o.MaxNumFields < 1+strings.Count(qs, sep) {
		return nil, &Error{"Max number of fields exceeded"}
	}
	if qs == "" {
		return nil, nil
	}
	var out [][2]string
	for _, field := range strings.Split(qs, sep) {
		if field == "" && !o.StrictParsing {
			continue
		}
		name, value, found := strings.Cut(field, "=")
		if !found {
			if o.StrictParsing {
				return nil, &Error{"bad query field: " + pyrepr.Str(field)}
			}
			if !o.KeepBlankValues {
				continue
			}
		}
		if value != "" || o.KeepBlankValues {
			out = append(out, [2]string{UnquotePlus(name), UnquotePlus(value)})
		}
	}
	return out, nil
}

// Encode is urlencode over pairs already turned to text: "k=v&k2=v2",
// each side quoted by quote (QuotePlus or Quote) with safe.
func Encode(pairs [][2]string, safe string, quote func(s, safe string) string) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(quote(p[0], safe))
		b.WriteByte('=')
		b.WriteString(quote(p[1], safe))
	}
	return b.String()
}
