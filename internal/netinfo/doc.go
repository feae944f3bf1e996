// Package netinfo describes the machine's network side as `ip a`, `ip route`
// and `ss -tunap` do: interfaces and their addresses, routes, and open
// sockets with the processes that own them. It is a plain Go engine (no Lua)
// over rtnetlink (through github.com/vishvananda/netlink) and sock_diag
// (dumps of our own, see sockdiag.go for why).
//
// Every value prints like the familiar tool (String methods), so a face can
// show it in a REPL unchanged, and carries plain fields for scripts.
//
// # Why netlink and not /proc or the tools
//
// /proc/net/{tcp,udp,unix} lack what `ss` shows (UNCONN vs listening UDP,
// abstract UNIX names, the peer of a UNIX socket) and are slow to parse with
// many sockets; running `ip`/`ss` would make socklab depend on iproute2 and on
// parsing its text. Netlink gives the same data the tools read, without root.
//
// Since netlink 1.3.0 a dump can fail with ErrDumpInterrupted when the table
// changed while it was read (an address added, a socket closed), together
// with partial data: every dump here is retried a few times and the last
// partial answer is accepted, as `ip` and `ss` themselves accept it.
//
// Owning processes are found as `ss -p` and `netstat -p` find them: by
// reading the socket inodes behind /proc/PID/fd/*. Other users' processes
// need root; without it their sockets show pid 0 and program "-".
package netinfo

import (
	"errors"

	"github.com/vishvananda/netlink"
)

// dumpRetries is how often an interrupted dump is retried before its partial
// answer is accepted.
const dumpRetries = 5

// retryDump runs dump until it is not interrupted (at most dumpRetries
// times). An answer still interrupted after that is returned without error:
// the kernel's tables were changing the whole time, and any snapshot is then
// as good as another.
func retryDump[T any](dump func() (T, error)) (T, error) {
	var v T
	var err error
	for range dumpRetries {
		v, err = dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			return v, err
		}
	}
	return v, nil
}
