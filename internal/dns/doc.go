// Package dns is socklab's DNS engine in plain Go, on github.com/miekg/dns:
// a query client that behaves like dig (UDP with the TCP retry a truncated
// answer needs, EDNS0, timeouts and retries, replies checked against the
// query), CNAME-chasing resolution, zone-file parsing, record fields by name
// for the Lua face, and a small authoritative server for labs.
//
// The library does the wire format; this package adds what it leaves to its
// callers: its client does not retry over TCP on TC, gives up on a TCP reply
// with a mismatched ID and checks neither QR nor the question; its server
// does not truncate answers that do not fit. Nothing here imports Lua.
package dns
