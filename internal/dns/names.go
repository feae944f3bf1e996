package dns

import (
	"fmt"
	"strconv"
	"strings"

	miekg "github.com/miekg/dns"
)

// Limits of RFC 1035 section 2.3.4.
const (
	maxNameWire = 255 // bytes of a name on the wire, length octets included
	maxLabel    = 63
)

// CheckName validates a domain name given in presentation form ("www.lab.test"
// or "www.lab.test.") and returns it fully qualified. The errors name the
// limit that was broken, for a learner to read.
func CheckName(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty name (the root is \".\")")
	}
	if name == "." {
		return ".", nil
	}
	fqdn := miekg.Fqdn(name)
	if strings.Contains(fqdn, "..") && !strings.Contains(fqdn, "\\") {
		return "", fmt.Errorf("name %q has an empty label", name)
	}
	if !strings.Contains(fqdn, "\\") {
		wire := 1
		for _, label := range strings.Split(strings.TrimSuffix(fqdn, "."), ".") {
			if label == "" {
				return "", fmt.Errorf("name %q has an empty label", name)
			}
			if len(label) > maxLabel {
				return "", fmt.Errorf("label %q is %d bytes long (at most %d)", shorten(label), len(label), maxLabel)
			}
			wire += len(label) + 1
		}
		if wire > maxNameWire {
			return "", fmt.Errorf("name is %d bytes long on the wire (at most %d)", wire, maxNameWire)
		}
		return fqdn, nil
	}
	if _, ok := miekg.IsDomainName(fqdn); !ok {
		return "", fmt.Errorf("name %q is not a valid domain name (a label over %d bytes, the whole over %d, or a bad escape)", shorten(name), maxLabel, maxNameWire)
	}
	return fqdn, nil
}

func shorten(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// ParseType reads a record type by name ("MX", "aaaa", "TYPE65") or number
// ("65"), as dig does.
func ParseType(s string) (uint16, error) {
	if t, ok := parseMnemonic(s, miekg.StringToType, "TYPE"); ok {
		return t, nil
	}
	return 0, fmt.Errorf("unknown DNS record type %q (a name such as A, AAAA, MX, TXT, or a number 0-65535)", s)
}

// parseMnemonic reads a name of names (any case), a number, or prefix and
// a number ("TYPE65", "CLASS3"), the forms dig accepts.
func parseMnemonic(s string, names map[string]uint16, prefix string) (uint16, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if v, ok := names[u]; ok {
		return v, true
	}
	num := strings.TrimPrefix(u, prefix)
	if n, err := strconv.ParseUint(num, 10, 16); err == nil && num != "" {
		return uint16(n), true
	}
	return 0, false
}

// TypeNumber checks a numeric record type.
func TypeNumber(n float64) (uint16, error) {
	if n != float64(int64(n)) || n < 0 || n > 65535 {
		return 0, fmt.Errorf("record type number must be 0-65535, got %v", n)
	}
	return uint16(n), nil
}

// TypeName is how dig names a type: "MX", or "TYPE65" for one it lacks.
func TypeName(t uint16) string {
	if s, ok := miekg.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// ParseClass reads a class by name ("IN", "CH", "CLASS3") or number.
func ParseClass(s string) (uint16, error) {
	if c, ok := parseMnemonic(s, miekg.StringToClass, "CLASS"); ok {
		return c, nil
	}
	return 0, fmt.Errorf("unknown DNS class %q (IN, CH, HS, or a number 0-65535)", s)
}

// ClassName is how dig names a class.
func ClassName(c uint16) string {
	if s, ok := miekg.ClassToString[c]; ok {
		return s
	}
	return "CLASS" + strconv.Itoa(int(c))
}

// RcodeName is how dig names a response code ("NOERROR", "NXDOMAIN").
func RcodeName(rcode int) string {
	if s, ok := miekg.RcodeToString[rcode]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rcode)
}

// ParseRcode reads a response code by name ("NXDOMAIN", "refused").
func ParseRcode(s string) (int, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	if c, ok := miekg.StringToRcode[u]; ok {
		return c, nil
	}
	return 0, fmt.Errorf("unknown DNS response code %q (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, NOTIMP, FORMERR)", s)
}

// ParseServer reads a server address: "127.0.0.1:5353", "127.0.0.1" (port
// 53), "[::1]:53", "::1". The port must be 1-65535.
func ParseServer(s string) (string, error) {
	host, port := s, "53"
	if strings.HasPrefix(s, "[") {
		end := strings.Index(s, "]")
		if end < 0 {
			return "", fmt.Errorf("bad server address %q (missing ])", s)
		}
		host = s[1:end]
		rest := s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", fmt.Errorf("bad server address %q", s)
			}
			port = rest[1:]
		}
	} else if strings.Count(s, ":") == 1 {
		i := strings.IndexByte(s, ':')
		host, port = s[:i], s[i+1:]
	}
	if host == "" {
		return "", fmt.Errorf("bad server address %q (no host)", s)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("port must be 1-65535 in server address %q, got %q", s, port)
	}
	return joinHostPort(host, p), nil
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}
