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
// # How a probe waits
//
// A TCP probe starts as socket(2) and a blocking connect(2) with SO_SNDTIMEO
// set to fastWindow (one jiffy), made through golang.org/x/sys/unix by one
// of at most maxWorkers worker goroutines. On loopback and on a LAN the
// answer comes inside that connect call: a closed port is refused by the
// kernel before connect returns, so the blocking form needs no poll(2) and
// no getsockopt(SO_ERROR). Measured on the project's machine (2 cores,
// loopback, private namespace): blocking connects scan ~93k ports/s,
// nonblocking connect + poll 45–77k/s (BenchmarkProbeModes), nmap -sT -T5
// ~31k. A socket whose connect was refused is reset by Linux to unconnected
// and reused for the next probe (one connect per closed port).
//
// A probe still connecting after fastWindow (a firewall dropped the SYN, or
// the host is far) is handed to the reactor: one goroutine, one epoll
// instance and a deadline heap for every connect under way, so thousands
// of probes wait at once without an OS thread or a goroutine each
// (Options.Concurrency places; AutoConcurrency derives it from
// RLIMIT_NOFILE). When most probes to a host outlast fastWindow, new ones
// skip the blocking step (nonblocking connect straight to the reactor), so
// workers do not spend a jiffy on every silent port.
//
// # Timing
//
// Each host has nmap's adaptive timing (see Timing and Templates): a
// smoothed round-trip time and its variance from the answers (RFC 6298),
// giving each probe's timeout between MinRTT and MaxRTT (also at most ten
// times the fastest answer, so a few answers delayed by a busy machine do
// not set the timeout of every silent port); retransmission of silent
// probes up to one more try than the highest try that was ever answered
// (nmap's rule, at least one retry, at most MaxRetries), sent at once
// only while the host has shown drops or as a loss probe (its first 256
// silent ports, then one in 8), so a firewalled host that answers every
// probe it answers at the first try costs one probe per filtered port,
// not nmap's two; and a congestion
// window that halves (at most once per timeout) when a retransmission is
// answered, i.e. when the host or the path drops, and grows by one per
// answer. Silent ports are called filtered only when the scan settles: a
// port given up before the host proved lossy is probed again then.
// Options.Timeout, Retries, Concurrency and Rate fix what they name.
//
// # Many hosts
//
// With several targets, host discovery comes first (unless
// Options.SkipDiscovery, nmap's -Pn): a connect to ports 80 and 443 of
// each and, when the process may open an ICMP socket (raw as root, or
// datagram where net.ipv4.ping_group_range allows it), one ICMP echo
// request, sent by socklab/internal/ping. A host that answers none (RST,
// SYN-ACK or echo reply) is reported down and not port-scanned: a /24
// with three hosts up reports three hosts' ports, not 253 hosts of
// filtered ports. Hosts are interleaved, so one slow host does not hold
// the others up.
//
// # One cancellation story
//
// Cancelling the context stops a scan within a few milliseconds, by three
// means, each where it is needed:
//
//   - Blocking connects last at most fastWindow: SO_SNDTIMEO makes connect
//     return EINPROGRESS, and the worker looks at the context before it
//     blocks again. Go's preemption signal (SIGURG) may interrupt them too
//     (EINTR: connect is called again, which waits for the handshake
//     already under way). Nothing sends signals to cancel: a short kernel
//     timeout is simpler and bounds the wait.
//   - Blocking reads (a banner on the fast path; UDP replies) use
//     SO_RCVTIMEO slices of at most 50 ms (slice) for the same reason: a
//     worker blocked in recv cannot be woken otherwise without a signal.
//   - Probes in the reactor are closed by it when the context ends; its
//     loop wakes at least every 10 ms.
//
// Scan returns only after every worker, reactor probe and goroutine has
// ended and every socket is closed.
//
// # Other traps of blocking raw syscalls
//
// Each is handled here and covered by a test:
//
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
