package urlparse

import (
	"strings"

	"socklab/internal/pyrepr"
)

// The attributes Python derives from the raw netloc: nothing is decoded,
// the hostname alone is lowercased (its %zone kept as written), and the
// port is checked only when asked for.

// userinfo splits "user:pass@host" at the last '@'.
func userinfo(netloc string) (user, pass string, hasUser, hasPass bool) {
	at := strings.LastIndexByte(netloc, '@')
	if at < 0 {
		return "", "", false, false
	}
	user, pass, hasPass = strings.Cut(netloc[:at], ":")
	return user, pass, true, hasPass
}

// hostinfo is the host (brackets removed) and the port text, if any: what
// follows the last '@', cut at the first ':' or, when there is a '[', the
// text inside the brackets and what follows ']:'.
func hostinfo(netloc string) (host, port string, hasPort bool) {
	hp := netloc[strings.LastIndexByte(netloc, '@')+1:]
	colon := -1
	for i := 0; i < len(hp); i++ {
		switch hp[i] {
		case ':':
			if colon < 0 {
				colon = i
			}
		case '[':
			host, rest, _ := strings.Cut(hp[i+1:], "]")
			_, port, _ = strings.Cut(rest, ":")
			return host, port, port != ""
		}
	}
	if colon < 0 {
		return hp, "", false
	}
	return hp[:colon], hp[colon+1:], colon+1 < len(hp)
}

// Username of a netloc, or false (Python's None).
func Username(netloc string) (string, bool) {
	u, _, ok, _ := userinfo(netloc)
	return u, ok
}

// Password of a netloc, or false (Python's None).
func Password(netloc string) (string, bool) {
	_, p, _, ok := userinfo(netloc)
	return p, ok
}

// Hostname of a netloc, lowercased except for an IPv6 zone, or false.
func Hostname(netloc string) (string, bool) {
	host, _, _ := hostinfo(netloc)
	if host == "" {
		return "", false
	}
	// strings.ToLower returns a host with no capitals as it is, a slice of
	// the URL: most hostnames cost no copy.
	h, zone, hasZone := strings.Cut(host, "%")
	h = strings.ToLower(h)
	if hasZone {
		return h + "%" + zone, true
	}
	return h, true
}

// Port of a netloc, false when there is none, or Python's ValueError.
func Port(netloc string) (int, bool, error) {
	_, port, ok := hostinfo(netloc)
	if !ok {
		return 0, false, nil
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return 0, false, &Error{"Port could not be cast to integer value as " + pyrepr.Str(port)}
		}
	}
	n := 0 // leading zeros are allowed; stop before a long port overflows
	for i := 0; i < len(port); i++ {
		if n = n*10 + int(port[i]-'0'); n > 65535 {
			return 0, false, &Error{"Port out of range 0-65535"}
		}
	}
	return n, true, nil
}
