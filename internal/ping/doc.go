// Package ping sends ICMP echo requests and traces routes as iputils' ping
// and traceroute do, in plain Go (no Lua): the replies, duplicates and ICMP
// errors, the statistics with iputils' arithmetic (mdev included), and the
// same lines of text.
//
// # Three ways to ask "are you there?"
//
// A raw ICMP socket (root or CAP_NET_RAW) sees every ICMP packet of the
// host, so it matches replies and errors by the echo identifier. An ICMP
// datagram socket (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)) needs no
// privilege when net.ipv4.ping_group_range includes the caller's group; the
// kernel filters replies for it and rewrites the identifier, but ICMP errors
// reach it only through IP_RECVERR, which this package does not read: on such
// a socket an error counts as a lost reply. When neither is allowed, a TCP
// connect to a port stands in: an accepted or refused connection proves the
// host is up, and its round trip is the connect time. Result.Method says
// which ran, Result.Skipped why the others did not.
//
// # Why not pro-bing
//
// github.com/prometheus-community/pro-bing was tried (see the project's
// shared notes): with a count set and replies lost its Run never returns
// unless a timeout is set; it refuses payloads under 24 bytes (iputils allows
// -s 0); it ignores ICMP errors (no "Destination Host Unreachable", no "Time
// to live exceeded", which traceroute needs); its default logger prints
// FATAL lines; and it reads the socket's descriptor through reflection. The
// socket layer it would save is small: golang.org/x/net's icmp, ipv4 and
// ipv6 packages build and parse the messages and set TTL and control
// messages, and the rest is iputils' bookkeeping, which must be exact here.
package ping
