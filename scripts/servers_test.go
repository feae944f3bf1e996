package scripts_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The two-terminal lessons: a server script that runs until Ctrl-C, and its
// client scripts or, for the many-client servers, clients written in Go. The
// tests wait for the server's own lines (markers), never for time.

// waitLimit only keeps a broken server from hanging the run.
const waitLimit = 60 * time.Second

// server is a server script running in the background.
type server struct {
	t          *testing.T
	cmd        *exec.Cmd
	lines      chan string
	transcript strings.Builder // every line read so far
	stderr     bytes.Buffer
	done       bool
}

func startServer(t *testing.T, cmd *exec.Cmd) *server {
	t.Helper()
	s := &server{t: t, cmd: cmd, lines: make(chan string, 100)}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
		close(s.lines)
	}()
	t.Cleanup(func() {
		if !s.done {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return s
}

// waitFor reads the server's output up to the first line matching pattern
// and returns the line's submatches.
func (s *server) waitFor(pattern string) []string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.After(waitLimit)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				s.t.Fatalf("server ended before printing a line matching %q\noutput:\n%sstderr:\n%s", pattern, s.transcript.String(), s.stderr.String())
			}
			s.transcript.WriteString(line + "\n")
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			s.t.Fatalf("no line matching %q after %v\noutput:\n%s", pattern, waitLimit, s.transcript.String())
		}
	}
}

// interrupt presses Ctrl-C: the server must stop, say so and exit with 130.
// It returns everything the server printed.
func (s *server) interrupt() string {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		s.t.Fatal(err)
	}
	for line := range s.lines {
		s.transcript.WriteString(line + "\n")
	}
	err := s.cmd.Wait()
	s.done = true
	if code := s.cmd.ProcessState.ExitCode(); code != 130 {
		s.t.Fatalf("after Ctrl-C: exit code %d (%v), want 130\nstderr:\n%s", code, err, s.stderr.String())
	}
	if !strings.Contains(s.stderr.String(), "interrupted") {
		s.t.Errorf("after Ctrl-C the server did not say it was interrupted; stderr:\n%s", s.stderr.String())
	}
	return s.transcript.String()
}

// Lessons 7 and 8: tcp_server.lua (udp_server.lua) in one terminal,
// tcp_client.lua (udp_client.lua) twice in another; then, the server gone,
// the client says what happened and fails.
func TestServerAndClient(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ proto, served string }{
		{"tcp", `^Client says: Thanks`},
		{"udp", `^Client IP Address: `},
	} {
		t.Run(c.proto, func(t *testing.T) {
			t.Parallel()
			server, client := c.proto+"_server", c.proto+"_client"
			srv := startServer(t, command(server+".lua", "0"))
			port := srv.waitFor(`port (\d+); Ctrl-C stops it`)[1]
			for range 2 {
				out, _ := run(t, command(client+".lua", port), 0)
				checkGolden(t, client, out)
				srv.waitFor(c.served)
			}
			checkGolden(t, server, srv.interrupt())
			out, _ := run(t, command(client+".lua", port), 1)
			checkGolden(t, client+".noserver", out)
		})
	}
}

// Lesson 9: the echo server serves several clients that stay connected at
// once, taking turns (a server that served one client at a time would leave
// the second one waiting for ever).
func TestEchoServerManyClients(t *testing.T) {
	t.Parallel()
	srv := startServer(t, command("echo_server.lua", "0"))
	port := srv.waitFor(`port (\d+); Ctrl-C stops it`)[1]
	const clients, rounds = 4, 3
	conns := make([]net.Conn, clients)
	for i := range conns {
		conns[i] = dial(t, port)
		srv.waitFor(`^connected: 127\.0\.0\.1:\d+$`)
	}
	for r := range rounds {
		for i, c := range conns {
			msg := fmt.Sprintf("client %d, request %d\n", i, r)
			if _, err := c.Write([]byte(msg)); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, len(msg))
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
				t.Fatalf("client %d round %d: got %q, %v; want %q", i, r, buf, err, msg)
			}
		}
	}
	for _, c := range conns {
		c.Close()
		srv.waitFor(fmt.Sprintf(`left after %d requests$`, rounds))
	}
	checkGolden(t, "echo_server.serve", srv.interrupt())
}

// Lesson 9: the chat server sends every line to every other client.
func TestChatServerBroadcasts(t *testing.T) {
	t.Parallel()
	srv := startServer(t, command("chat_server.lua", "0"))
	port := srv.waitFor(`port (\d+); Ctrl-C stops it`)[1]
	type client struct {
		conn net.Conn
		r    *bufio.Reader
	}
	cs := map[string]*client{}
	expect := func(name, want string) {
		t.Helper()
		line, err := cs[name].r.ReadString('\n')
		if got := strings.TrimRight(line, "\n"); err != nil || got != want {
			t.Fatalf("%s received %q (%v), want %q", name, got, err, want)
		}
	}
	enter := func(name string, others ...string) {
		t.Helper()
		c := dial(t, port)
		cs[name] = &client{conn: c, r: bufio.NewReader(c)}
		expect(name, "Welcome! Your name?")
		fmt.Fprintf(c, "%s\n", name)
		expect(name, "You are in, "+name+". Type lines; the others see them.")
		for _, o := range others {
			expect(o, "* "+name+" joined")
		}
	}
	enter("alice")
	enter("bob", "alice")
	enter("carol", "alice", "bob")
	for _, say := range []struct{ from, line string }{{"alice", "hello, everyone"}, {"bob", "hi alice"}, {"carol", "hi both"}} {
		fmt.Fprintf(cs[say.from].conn, "%s\n", say.line)
		for name := range cs {
			if name != say.from {
				expect(name, say.from+": "+say.line)
			}
		}
	}
	cs["carol"].conn.Close()
	expect("alice", "* carol left")
	expect("bob", "* carol left")
	cs["alice"].conn.Close()
	expect("bob", "* alice left")
	cs["bob"].conn.Close()
	srv.waitFor(`^server: \* bob left$`)
	checkGolden(t, "chat_server.serve", srv.interrupt())
}

func dial(t *testing.T, port string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+port, waitLimit)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(waitLimit))
	t.Cleanup(func() { c.Close() })
	return c
}
