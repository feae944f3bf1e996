package socket

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"socklab/internal/sock/socktest"
)

// Interop with real peers: Python, socat and nc, over IPv4, IPv6 and Unix
// sockets, with a MiB of random bytes that must come back byte-exact.

func randomFile(t *testing.T) (string, string) {
	p := filepath.Join(t.TempDir(), "data.bin")
	b := make([]byte, 1<<20)
	rand.Read(b)
	os.WriteFile(p, b, 0o644)
	return p, fmt.Sprintf("%x", sha256.Sum256(b))
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startPeer starts a peer program and waits until it prints a line (Python
// servers print their port) or, with wait=="" , until addr accepts.
func startPeer(t *testing.T, name string, args ...string) *bufio.Reader {
	cmd := exec.Command(name, args...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return bufio.NewReader(out)
}

// luaEchoClient is a socklab client that sends the file in pieces, reads the
// echo back concurrently and prints whether it matches.
const luaEchoClient = `
local family, host, port, path = %d, %q, %d, %q
local data = assert(io.open(path, "rb")):read("*a")
local s = socket.socket(family, socket.SOCK_STREAM)
s:settimeout(60) -- a stalled peer fails the test with "timed out", never hangs it
if family == socket.AF_UNIX then assert(s:connect(host)) else assert(s:connect(host, port)) end
local sender = spawn(function(s) end)
local reader = spawn(function()
  local got = {}
  local n = 0
  while n < #data do
    local chunk = assert(s:recv(65536))
    if chunk == "" then break end
    got[#got+1] = chunk
    n = n + #chunk
  end
  return table.concat(got)
end)
assert(s:sendall(data))
local back = reader:join()
print(back == data, #back)
s:close()
`

func TestInteropPeersEcho(t *testing.T) {
	t.Parallel()
	path, _ := randomFile(t)
	py := python(t)
	socat := need(t, "socat")
	dir := t.TempDir()
	// firstLine waits, at most socktest.Deadline, for the first line of r
	// that contains marker, and returns what follows the marker; the rest
	// of r is read and dropped, so the peer never blocks on its output.
	firstLine := func(t *testing.T, r *bufio.Reader, marker string) string {
		t.Helper()
		found := make(chan string, 1)
		go func() {
			for {
				line, err := r.ReadString('\n')
				if _, after, ok := strings.Cut(line, marker); ok {
					found <- strings.TrimSpace(after)
					io.Copy(io.Discard, r)
					return
				}
				if err != nil {
					close(found)
					return
				}
			}
		}()
		select {
		case after, ok := <-found:
			if !ok {
				t.Fatalf("the peer ended without printing %q", marker)
			}
			return after
		case <-time.After(socktest.Deadline):
			t.Fatalf("the peer printed no %q in %v", marker, socktest.Deadline)
		}
		return ""
	}
	// socat listens where the kernel says (port 0, or a fresh path) and
	// says where with -d -d once it listens: no port that another package
	// could take meanwhile, and no connect before socat is there. Its echo
	// is EXEC:cat, not PIPE: with PIPE one socat process writes into a
	// pipe that only it reads, and a write larger than the room left can
	// block it for good (socat(1), PIPE). Python clients reproduced it:
	// 6 of 40 MiB round trips to UNIX-LISTEN:…,fork PIPE hung under load,
	// none of 60 with EXEC:cat.
	startSocat := func(t *testing.T, listen string) string {
		cmd := exec.Command(socat, "-d", "-d", listen, "EXEC:cat")
		errOut, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return firstLine(t, bufio.NewReader(errOut), " listening on ")
	}
	cases := []struct {
		name   string
		family int
		start  func(t *testing.T) (host string, port int)
	}{
		{"python-tcp4", afInet, func(t *testing.T) (string, int) {
			r := startPeer(t, py, "-c", `
import socket, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print("port", s.getsockname()[1], flush=True)
def h(c):
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=h, args=(c,)).start()
`)
			port, err := strconv.Atoi(firstLine(t, r, "port "))
			if err != nil {
				t.Fatal(err)
			}
			return "127.0.0.1", port
		}},
		{"socat-tcp6", afInet6, func(t *testing.T) (string, int) {
			// "AF=10 [0000:…:0001]:PORT"
			where := startSocat(t, "TCP6-LISTEN:0,bind=[::1],fork")
			port, err := strconv.Atoi(where[strings.LastIndexByte(where, ':')+1:])
			if err != nil {
				t.Fatalf("socat listens on %q", where)
			}
			return "::1", port
		}},
		{"socat-unix", afUnix, func(t *testing.T) (string, int) {
			p := filepath.Join(dir, "echo.sock")
			startSocat(t, "UNIX-LISTEN:"+p+",fork")
			return p, 0
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			host, port := c.start(t)
			out := runLua(t, fmt.Sprintf(luaEchoClient, c.family, host, port, path))
			if out != "true\t1048576\n" {
				t.Fatalf("got %q", out)
			}
		})
	}
}

// A socklab server (one task per client) with Python and nc as clients.
func TestInteropSocklabServer(t *testing.T) {
	t.Parallel()
	path, sum := randomFile(t)
	py := python(t)
	nc := need(t, "nc")
	script := fmt.Sprintf(`
local srv = assert(socket.create_server("127.0.0.1", 0))
local port = srv:getsockname().port
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(u:bind("127.0.0.1", 0))
local uport = u:getsockname().port
local udp = spawn(function(u)
  for i = 1, 3 do
    local d, addr = assert(u:recvfrom(65536))
    u:sendto(d:upper(), addr)
  end
end, u)
local function serve(n)
  local tasks = {}
  for i = 1, n do
    local conn = assert(srv:accept())
    tasks[#tasks+1] = spawn(function(conn)
      while true do
        local d = conn:recv(65536)
        if not d or d == "" then break end
        conn:sendall(d)
      end
      conn:close()
    end, conn)
  end
  join(tasks)
end
local f = assert(io.open(%q, "w")); f:write(port, " ", uport, "\n"); f:close()
serve(2)
udp:join()
print("served")
`, filepath.Join(t.TempDir(), "ports"))
	portsFile := script[strings.Index(script, "io.open(")+9 : strings.Index(script, `", "w")`)]
	done := make(chan string, 1)
	go func() { out, err := env{}.tryLua(t, script, nil); done <- fmt.Sprint(out, err) }()
	var port, uport int
	socktest.Eventually(t, "the server writes its ports", func() bool {
		b, err := os.ReadFile(portsFile)
		if err != nil || len(b) == 0 || b[len(b)-1] != '\n' {
			return false
		}
		fmt.Sscan(string(b), &port, &uport)
		return true
	})
	// Python client: 1 MiB round trip, compared by hash.
	out, err := exec.Command(py, "-c", fmt.Sprintf(`
import socket, hashlib, threading
data = open(%q, "rb").read()
s = socket.create_connection(("127.0.0.1", %d))
got = bytearray()
def rd():
    while len(got) < len(data):
        d = s.recv(65536)
        if not d: break
        got.extend(d)
t = threading.Thread(target=rd); t.start()
s.sendall(data); t.join(); s.close()
print(hashlib.sha256(bytes(got)).hexdigest())
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for m in (b"hi", b"udp", b"\x00bin"):
    u.sendto(m, ("127.0.0.1", %d)); print(u.recvfrom(100)[0])
`, path, port, uport)).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), sum+"\nb'HI'\nb'UDP'\nb'\\x00BIN'\n") {
		t.Fatalf("python client: %v\n%s", err, out)
	}
	// nc client: send the file, half-close, read the echo.
	cmd := exec.Command(nc, "-N", "127.0.0.1", fmt.Sprint(port))
	f, _ := os.Open(path)
	defer f.Close()
	cmd.Stdin = f
	echo, err := cmd.Output()
	if err != nil || fmt.Sprintf("%x", sha256.Sum256(echo)) != sum {
		t.Fatalf("nc: %v, %d bytes back", err, len(echo))
	}
	select {
	case res := <-done:
		if !strings.HasPrefix(res, "served\n") {
			t.Fatalf("server: %s", res)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not finish")
	}
}

// Python's UDP server with a socklab client, and a socklab TCP client to a
// Python server that resets the connection.
func TestInteropUDPClientAndReset(t *testing.T) {
	t.Parallel()
	py := python(t)
	r := startPeer(t, py, "-c", `
import socket, struct
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(u.getsockname()[1], s.getsockname()[1], flush=True)
d, a = u.recvfrom(100); u.sendto(d[::-1], a)
c, _ = s.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.recv(10); c.close()
import time; time.sleep(5)
`)
	var uport, tport int
	fmt.Fscan(r, &uport, &tport)
	out := runLua(t, fmt.Sprintf(`
local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u:settimeout(5)
print(u:sendto("abc\0", {"127.0.0.1", %d}))
local d, addr = u:recvfrom(100)
print(d == "\0cba", addr.port == %d, tostring(addr) == "127.0.0.1:%d")
local s = socket.socket()
assert(s:connect("127.0.0.1", %d))
s:send("x")
print(s:recv(10)) -- waits for the reset
print(s:send("after reset"))
`, uport, uport, uport, tport))
	want := "4\ntrue\ttrue\ttrue\nnil\t[Errno 104] Connection reset by peer\nnil\t[Errno 32] Broken pipe\n"
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}
