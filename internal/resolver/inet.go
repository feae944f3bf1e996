package resolver

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Address text in glibc's dialects, so that socklab accepts and prints
// exactly what Python (which calls glibc) does.

// InetAton parses an IPv4 address as glibc's inet_aton: one to four parts,
// each decimal, octal (leading 0) or hex (0x); the last part fills the
// remaining bytes. Like glibc it stops at the first whitespace ("1.2.3.4 x"
// is valid). exact rejects any trailing text (getaddrinfo's variant).
func InetAton(s string, exact bool) ([4]byte, bool) {
	var out [4]byte
	if !exact {
		if i := strings.IndexAny(s, " \t\n\v\f\r"); i >= 0 {
			s = s[:i]
		}
	}
	if s == "" {
		return out, false
	}
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return out, false
	}
	vals := make([]uint64, len(parts))
	for i, p := range parts {
		if p == "" {
			return out, false
		}
		base := 10
		switch {
		case len(p) > 1 && (p[:2] == "0x" || p[:2] == "0X"):
			base, p = 16, p[2:]
			if p == "" {
				return out, false
			}
		case len(p) > 1 && p[0] == '0':
			base, p = 8, p[1:]
		}
		v, err := strconv.ParseUint(p, base, 32)
		if err != nil {
			return out, false
		}
		vals[i] = v
	}
	last := vals[len(vals)-1]
	for i := 0; i < len(vals)-1; i++ {
		if vals[i] > 255 {
			return out, false
		}
		out[i] = byte(vals[i])
	}
	rest := 4 - (len(vals) - 1)
	if rest < 4 && last >= 1<<(8*rest) {
		return out, false
	}
	for i := 3; i >= len(vals)-1; i-- {
		out[i] = byte(last)
		last >>= 8
	}
	return out, true
}

// InetPton4 parses strict dotted-quad IPv4 as glibc's inet_pton: four
// decimal parts 0–255, no leading zeros.
func InetPton4(s string) ([4]byte, bool) {
	var out [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return out, false
	}
	for i, p := range parts {
		if p == "" || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return out, false
		}
		v := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return out, false
			}
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return out, false
		}
		out[i] = byte(v)
	}
	return out, true
}

// InetPton6 parses an IPv6 address as glibc's inet_pton (no zone).
func InetPton6(s string) ([16]byte, bool) {
	var out [16]byte
	if strings.Contains(s, "%") {
		return out, false
	}
	// glibc allows at most 4 hex digits per group; netip agrees, and also
	// accepts a trailing dotted quad as glibc does.
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return out, false
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Contains(s[i:], ".") {
		if _, ok := InetPton4(s[i+1:]); !ok {
			return out, false
		}
	}
	return a.As16(), true
}

// InetNtop6 formats 16 bytes as glibc's inet_ntop: the first longest run
// of two or more zero groups becomes "::", IPv4-compatible and IPv4-mapped
// addresses end in a dotted quad.
func InetNtop6(b [16]byte) string {
	var w [8]int
	for i := range w {
		w[i] = int(b[2*i])<<8 | int(b[2*i+1])
	}
	bestBase, bestLen, curBase, curLen := -1, 0, -1, 0
	for i := 0; i < 8; i++ {
		if w[i] == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
		} else if curBase != -1 {
			if bestBase == -1 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				sb.WriteByte(':')
			}
			continue
		}
		if i != 0 {
			sb.WriteByte(':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff)) {
			fmt.Fprintf(&sb, "%d.%d.%d.%d", b[12], b[13], b[14], b[15])
			break
		}
		fmt.Fprintf(&sb, "%x", w[i])
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		sb.WriteByte(':')
	}
	return sb.String()
}

// InetNtop4 formats 4 bytes as a dotted quad.
func InetNtop4(b [4]byte) string {
	return fmt.Sprintf("%d.%d.%d.%d", b[0], b[1], b[2], b[3])
}
