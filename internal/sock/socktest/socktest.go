// Package socktest holds the helpers that the socket engine's tests and
// its Lua face's tests share: a loopback echo server, counts of the
// process's descriptors and threads, and polling for a condition with a
// generous deadline (tests wait for events, never for fixed times). It
// imports neither the engine nor Lua, so that both may use it.
package socktest

import (
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Deadline is how long Eventually and WaitFds wait: generous, for a
// loaded 2-core CI machine.
const Deadline = 30 * time.Second

// EchoServer serves TCP echo on 127.0.0.1 until the test ends and returns
// its port.
func EchoServer(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ServeConns(tb, l, func(c net.Conn) { io.Copy(c, c) })
	return l.Addr().(*net.TCPAddr).Port
}

// ServeConns accepts connections on l until the test ends, each handled by
// handle on its own goroutine and closed when handle returns. l is closed
// when the test ends.
func ServeConns(tb testing.TB, l net.Listener, handle func(net.Conn)) {
	tb.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
}

// Eventually polls cond until it holds, failing the test after Deadline.
func Eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(Deadline); !cond(); {
		if time.Now().After(deadline) {
			tb.Fatalf("after %v: %s", Deadline, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// FdCount is how many descriptors the process has open.
func FdCount() int {
	ents, _ := os.ReadDir("/proc/self/fd")
	return len(ents)
}

// WaitFds waits until the process has at most fds descriptors open: the
// sockets of ended tasks close as those tasks finish.
func WaitFds(tb testing.TB, fds int) {
	tb.Helper()
	Eventually(tb, "descriptors back to "+strconv.Itoa(fds)+" (now "+strconv.Itoa(FdCount())+")", func() bool { return FdCount() <= fds })
}

// ThreadCount is how many OS threads the process has, -1 if unknown.
func ThreadCount() int {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return -1
}
