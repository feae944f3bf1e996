// Package scan is socklab's port-scanner engine: plain Go, no Lua import.
// Its Lua face (net.scan, in socklab/luabind/scan) only converts arguments
// and results; everything that touches the network is here and is tested
// here.
//
// What it does, in nmap's words:
//
//   - TCP connect scan: a full connect() per port. open = the connect
//     succeeded, closed = ECONNREFUSED (a RST came back), filtered = no answer
//     within Options.Timeout, or an ICMP "unreachable"/"prohibited" error.
//   - UDP scan: one datagram per port on a connected UDP socket. open = a
//     reply came, closed = ICMP port unreachable (ECONNREFUSED on the connected
//     socket), open|filtered = silence. Silence is never called open. On Linux
//     the kernel rate-limits the ICMP errors a host sends (net.ipv4.icmp_ratemask,
//     icmp_msgs_per_sec, even on loopback), so a fast UDP scan reports some
//     closed ports as open|filtered; that is UDP scanning, not a bug.
//
// # Why blocking raw syscalls
//
// Each probe is socket(2), setsockopt(SO_SNDTIMEO), a blocking connect(2) and
// close(2), made through golang.org/x/sys/unix from a pool of worker
// goroutines; the Go netpoller is not used. On loopback a connect to a closed
// port is refused inside the connect syscall itself (the SYN and the RST are
// both handled before it returns), so the blocking form needs no poll(2) and
// no getsockopt(SO_ERROR). Measured on the project's machine (2 cores,
// loopback, private namespace): a raw blocking connect in 256 goroutines
// scans ~93k ports/s, nmap -sT -T5 ~31k, net.DialTimeout 35–68k. Nonblocking
// connect + poll measured 45–77k/s against 80–90k/s for the blocking form
// (BenchmarkProbeModes), so the engine blocks.
//
// The engine goes one step further: a TCP socket whose connect was refused
// is reset by Linux to unconnected (its source port freed), and a worker
// reuses it for its next probe. A closed port then costs one connect()
// instead of socket+setsockopt+connect+close: 110–150k ports/s in the same
// benchmark. Under descriptor pressure (EMFILE) workers stop keeping spare
// sockets. On loopback the work is CPU-bound, so the worker count matters
// little; it matters for real networks, where filtered ports block a worker
// (and its OS thread) for the whole timeout.
//
// Blocking calls need care, all handled here and each covered by a test:
//
//   - Timeouts and Ctrl-C: SO_SNDTIMEO is set to a short slice (≤ 50 ms), so a
//     blocking connect returns EINPROGRESS/EALREADY at the end of each slice;
//     the loop then checks the context and the probe deadline and calls
//     connect again, which on a blocking socket simply waits for the same
//     handshake to finish. Cancelling the context therefore stops every
//     worker within one slice.
//   - EINTR: Go's preemption signal interrupts blocking syscalls. connect is
//     retried; on a blocking socket the retry waits for the handshake already
//     in progress, and EALREADY/EINPROGRESS/EISCONN are understood.
//   - Self-connect: on 127.0.0.1, a connect to a closed port inside the
//     ephemeral range can pick that very port as its source port and
//     "succeed" (TCP simultaneous open). After every successful connect the
//     engine compares getsockname with the target and re-probes such a port.
//     UDP has the same trap (the datagram comes back to the sender) and the
//     same check. A successful connect to an ephemeral-range loopback port is
//     also confirmed with a second connect, which removes the rarer crossing
//     of two of the engine's own probes.
//   - File descriptors: Options.Concurrency defaults to a value derived from
//     RLIMIT_NOFILE and the descriptors already open, and EMFILE, ENFILE,
//     ENOBUFS, ENOMEM, EAGAIN and EADDRNOTAVAIL mean "try again shortly" (with
//     backoff), never a port state. A scan never fails with "too many open
//     files" unless no descriptor frees up for a long time.
//   - TIME_WAIT: an open port's socket is closed with SO_LINGER 0 (a RST), so
//     repeated scans do not pile up TIME_WAIT sockets and exhaust source ports.
//
// # Scope
//
// Scan refuses, before any packet is sent, any target outside loopback,
// link-local and private ranges (see CheckScope) unless the caller says it has
// permission or allows the range explicitly. Only scan hosts you have
// permission to scan.
//
// # Tests
//
// Tests send traffic only to 127.0.0.1 and ::1. Tests that scan whole port
// ranges re-execute the test binary inside a private network namespace
// (unshare -n) where only the test's own listeners exist; without root they
// skip, and with CI=true they fail instead of skipping.
package scan
