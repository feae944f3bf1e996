package scantest

import (
	"net"
	"os"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// ListenTCPIn adds a TCP listener on addr ("10.79.0.10:22") inside the
// named network namespace ns (made with `ip netns add`, as nstest.Lab
// does) and returns its port. The socket is made on a thread that joins
// ns for the call only: a socket stays in the namespace it was made in,
// so the test's own process serves hosts of its lab.
func (l *Listeners) ListenTCPIn(tb testing.TB, ns, addr string) int {
	tb.Helper()
	ln, err := listenIn(ns, addr)
	if err != nil {
		tb.Fatalf("listen on %s in namespace %s: %v", addr, ns, err)
	}
	l.serveTCP(ln)
	return ln.Addr().(*net.TCPAddr).Port
}

func listenIn(ns, addr string) (net.Listener, error) {
	target, err := os.Open("/run/netns/" + ns)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return nil, err
	}
	defer self.Close()
	runtime.LockOSThread()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	ln, lerr := net.Listen("tcp4", addr)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		// This thread cannot go home: leave it locked, so Go ends it
		// with this goroutine instead of reusing it.
		if ln != nil {
			ln.Close()
		}
		return nil, err
	}
	runtime.UnlockOSThread()
	return ln, lerr
}

// Repeats is how many times a repeated namespace test runs its scan:
// SOCKLAB_SCAN_REPEAT (bench/scan/repeat.sh sets 20 for the 20-of-20
// check), else def (CI: one repetition, exact sets).
func Repeats(def int) int {
	if n, err := strconv.Atoi(os.Getenv("SOCKLAB_SCAN_REPEAT")); err == nil && n > 0 {
		return n
	}
	return def
}
