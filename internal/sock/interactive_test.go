package sock

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"socklab/internal/sock/socktest"
)

// Interactive copies both ways like nc, ends at end of input (Ctrl-D), and
// returns when its context is cancelled while it waits (the SIGURG path
// with a thread, the polling path without).
func TestInteractive(t *testing.T) {
	t.Parallel()
	for _, threads := range []int{1, 0} {
		s, peer := connectedPair(t)
		s.threads = NewBudget(threads)
		in, typed, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		var out socktest.Buffer
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Interactive(ctx, in, &out) }()

		peer.Write([]byte("from the peer\n"))
		socktest.Eventually(t, "the peer's line printed", func() bool { return strings.Contains(out.String(), "from the peer\n") })
		typed.Write([]byte("typed\n"))
		got := make([]byte, 6)
		if _, err := io.ReadFull(peer, got); err != nil || string(got) != "typed\n" {
			t.Fatalf("threads %d: peer got %q, %v", threads, got, err)
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("threads %d: cancelled: %v", threads, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("threads %d: not interrupted after 30 s", threads)
		}
		if s.threads.InUse() != 0 {
			t.Fatalf("threads %d: the thread slot is still taken", threads)
		}

		// Again, ended by Ctrl-D this time; the socket is still usable.
		go func() { done <- s.Interactive(context.Background(), in, &out) }()
		typed.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("threads %d: end of input: %v", threads, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("threads %d: end of input not seen after 30 s", threads)
		}
	}
}
