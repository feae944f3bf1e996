package ipaddr

import (
	"strconv"
	"strings"

	"socklab/internal/pyrepr"
)

// The parsers follow Python's documented rules: four decimal octets without
// leading zeros for IPv4; up to eight hextets of at most four hex digits,
// one "::", an optional trailing IPv4 part and an optional "%scope" for
// IPv6. Each failure carries the message Python gives for it.

func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHexDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// parseOctet is one decimal part of an IPv4 address.
func parseOctet(s string) (uint64, string) {
	if s == "" {
		return 0, "Empty octet not permitted"
	}
	if !isASCIIDigits(s) {
		return 0, "Only decimal digits permitted in " + pyrepr.Str(s)
	}
	if len(s) > 3 {
		return 0, "At most 3 characters permitted in " + pyrepr.Str(s)
	}
	if s != "0" && s[0] == '0' {
		return 0, "Leading zeros are not permitted in " + pyrepr.Str(s)
	}
	n, _ := strconv.Atoi(s)
	if n > 255 {
		return 0, "Octet " + strconv.Itoa(n) + " (> 255) not permitted"
	}
	return uint64(n), ""
}

// parseV4Fast accepts exactly what parseV4 accepts, without allocating;
// when it says no, parseV4 finds the words for why.
func parseV4Fast(s string) (uint32, bool) {
	var v uint32
	octets, digits, octet := 0, 0, uint32(0)
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || octet > 255 || (digits > 1 && s[i-digits] == '0') {
				return 0, false
			}
			v = v<<8 | octet
			octets++
			digits, octet = 0, 0
			continue
		}
		c := s[i]
		if c < '0' || c > '9' || digits == 3 {
			return 0, false
		}
		octet = octet*10 + uint32(c-'0')
		digits++
	}
	return v, octets == 4
}

// parseV4 parses dotted-quad text (no '/') into its 32-bit value.
func parseV4(s string) (uint32, error) {
	if s == "" {
		return 0, errf(AddressValueError, "Address cannot be empty")
	}
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return 0, errf(AddressValueError, "Expected 4 octets in %s", pyrepr.Str(s))
	}
	var v uint64
	for _, p := range parts {
		o, msg := parseOctet(p)
		if msg != "" {
			return 0, errf(AddressValueError, "%s in %s", msg, pyrepr.Str(s))
		}
		v = v<<8 | o
	}
	return uint32(v), nil
}

// parseV6 parses IPv6 text without a scope into its 128-bit value.
func parseV6(s string) (u128, error) {
	fail := func(format string) (u128, error) {
		return u128{}, errf(AddressValueError, format, pyrepr.Str(s))
	}
	if s == "" {
		return u128{}, errf(AddressValueError, "Address cannot be empty")
	}
	parts := strings.Split(s, ":")
	if len(parts) < 3 {
		return fail("At least 3 parts expected in %s")
	}
	if last := parts[len(parts)-1]; strings.Contains(last, ".") {
		v4, err := parseV4(last)
		if err != nil {
			return u128{}, errf(AddressValueError, "%s in %s", err.(*Error).Msg, pyrepr.Str(s))
		}
		parts = append(parts[:len(parts)-1],
			strconv.FormatUint(uint64(v4>>16), 16), strconv.FormatUint(uint64(v4&0xffff), 16))
	}
	if len(parts) > 9 {
		return fail("At most 8 colons permitted in %s")
	}
	skip := -1
	for i := 1; i < len(parts)-1; i++ {
		if parts[i] == "" {
			if skip >= 0 {
				return fail("At most one '::' permitted in %s")
			}
			skip = i
		}
	}
	var hi, lo int // hextets before and after the "::"
	if skip >= 0 {
		hi, lo = skip, len(parts)-skip-1
		if parts[0] == "" {
			if hi--; hi != 0 {
				return fail("Leading ':' only permitted as part of '::' in %s")
			}
		}
		if parts[len(parts)-1] == "" {
			if lo--; lo != 0 {
				return fail("Trailing ':' only permitted as part of '::' in %s")
			}
		}
		if 8-(hi+lo) < 1 {
			return fail("Expected at most 7 other parts with '::' in %s")
		}
	} else {
		if len(parts) != 8 {
			return fail("Exactly 8 parts expected without '::' in %s")
		}
		if parts[0] == "" {
			return fail("Leading ':' only permitted as part of '::' in %s")
		}
		if parts[len(parts)-1] == "" {
			return fail("Trailing ':' only permitted as part of '::' in %s")
		}
		hi, lo = 8, 0
	}
	var v u128
	hextet := func(p string) error {
		if !isHexDigits(p) {
			return errf(AddressValueError, "Only hex digits permitted in %s in %s", pyrepr.Str(p), pyrepr.Str(s))
		}
		if len(p) > 4 {
			return errf(AddressValueError, "At most 4 characters permitted in %s in %s", pyrepr.Str(p), pyrepr.Str(s))
		}
		n, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return errf(AddressValueError, "invalid literal for int() with base 16: %s in %s", pyrepr.Str(p), pyrepr.Str(s))
		}
		v = v.shl(16).or(u128{0, n})
		return nil
	}
	for i := 0; i < hi; i++ {
		if err := hextet(parts[i]); err != nil {
			return u128{}, err
		}
	}
	v = v.shl(uint(16 * (8 - hi - lo)))
	for i := len(parts) - lo; i < len(parts); i++ {
		if err := hextet(parts[i]); err != nil {
			return u128{}, err
		}
	}
	return v, nil
}

// splitScope separates "fe80::1%eth0" into address and scope.
func splitScope(s string) (addr, scope string, err error) {
	addr, scope, found := strings.Cut(s, "%")
	if found && (scope == "" || strings.Contains(scope, "%")) {
		return "", "", errf(AddressValueError, "Invalid IPv6 address: \"%s\"", pyrepr.Str(s))
	}
	return addr, scope, nil
}
