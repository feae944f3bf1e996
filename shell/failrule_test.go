package shell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// closedPortLua finds a loopback port where a connect is refused: one
// held by a socket that is bound but never listens, so that no other test
// running at the same time can be handed the port meanwhile.
const closedPortLua = `local probe = socket.socket() probe:bind("127.0.0.1", 0) local closed = probe:getsockname().port
`

// The failure rule (README, "The error convention"): a failure the call
// site drops is raised at that line; one it receives comes back as nil,
// message. Each script's line 2 is where the failure must surface.
func TestDroppedFailuresStopTheScript(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"bind on a port in use", `local srv = socket.create_server("127.0.0.1", 0) local s = socket.socket()
s:bind("127.0.0.1", srv:getsockname().port)
s:listen(4) print("listening on", s:getsockname())
`, "[Errno 98] Address already in use"},
		{"one-target assignment", closedPortLua + `c = socket.create_connection("127.0.0.1", closed)
c:sendline("hello")
`, "[Errno 111] Connection refused"},
		{"send on an unconnected socket", `local c = socket.socket()
c:send("x")
print("sent")
`, "[Errno 32] Broken pipe"},
		{"inside a condition", closedPortLua + `if socket.socket():connect("127.0.0.1", closed) then print("up") end
`, "[Errno 111] Connection refused"},
		{"inside an expression", `local name = "x"
print("service: " .. socket.getservbyname("no-such-service"))
`, "service/proto not found"},
		{"local with one name", closedPortLua + `local c = socket.create_connection("127.0.0.1", closed)
`, "[Errno 111] Connection refused"},
		{"join as a statement", closedPortLua + `join({spawn(function() local c = socket.create_connection("127.0.0.1", closed) end), spawn(function() return 1 end)})
print("all done")
`, "failed: client.lua:2: [Errno 111] Connection refused"},
		{"task:join as a statement", closedPortLua + `spawn(function() socket.create_connection("127.0.0.1", closed) end):join()
`, "failed: client.lua:2: [Errno 111] Connection refused"},
		{"an accept loop on a listener closed when its task ended", `local s spawn(function() s = socket.create_server("127.0.0.1", 0) end):join()
while true do local c, a = s:accept() print("connected from", a) end
`, "[Errno 9] Bad file descriptor: the socket was closed when the task or REPL line that opened it ended"},
		{"a function that returns the failure, called as a statement", closedPortLua + `local function dial() return socket.create_connection("127.0.0.1", closed) end dial()
`, "[Errno 111] Connection refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // a process and a directory of its own
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "client.lua"), []byte(c.src), 0o644); err != nil {
				t.Fatal(err)
			}
			out, errOut, code := run(t, dir, "", "client.lua")
			if code != ExitError {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, ExitError, out, errOut)
			}
			// A task that fails before anyone joins it is also reported
			// on its own line: look for the script's error line.
			firstLine := ""
			for _, line := range strings.Split(errOut, "\n") {
				if strings.HasPrefix(line, "socklab: ") {
					firstLine = line
					break
				}
			}
			if want := "socklab: client.lua:2: "; !strings.HasPrefix(firstLine, want) || !strings.Contains(firstLine, c.want) {
				t.Errorf("stderr starts %q, want %q…%q", firstLine, want, c.want)
			}
			if !strings.Contains(errOut, "stack traceback:") {
				t.Errorf("no traceback in %q", errOut)
			}
			if strings.Contains(out, "listening on") || strings.Contains(out, "all done") || strings.Contains(out, "sent") {
				t.Errorf("the script went on after the failure: %q", out)
			}
		})
	}
}

// Every form that receives the message still gets nil, message, and
// connect_ex still returns the errno.
func TestReceivedFailuresReturnNilMessage(t *testing.T) {
	t.Parallel()
	src := closedPortLua + `local c, err = socket.create_connection("127.0.0.1", closed) print(1, c, err)
print(2, socket.create_connection("127.0.0.1", closed))
local function dial() return socket.create_connection("127.0.0.1", closed) end
local d, why = dial() print(3, d, why)
print(4, pcall(socket.create_connection, "127.0.0.1", closed))
print(5, select("#", socket.create_connection("127.0.0.1", closed)))
local t = {socket.create_connection("127.0.0.1", closed)} print(6, t[1], t[2])
print(7, socket.socket():connect_ex({"127.0.0.1", closed}))
print(8, pcall(function() assert(socket.create_connection("127.0.0.1", closed)) end))
local h = spawn(function() return socket.create_connection("127.0.0.1", closed) end)
print(9, h:join())
local r = join({spawn(function() local c = socket.create_connection("127.0.0.1", closed) end)})
print(10, r[1][1], (r[1][2]:gsub("^.-: ", "")))
local v, e = spawn(function() error("boom") end):join() print(11, v, e)
local slow = spawn(function() sleep(5) end) slow:cancel() slow:join() print(12, "a cancelled task joined as a statement is quiet")
local function user() return nil, "mine" end user() local u = user() print(13, u)
`
	out, errOut, code := run(t, "", src, "-")
	if code != ExitOK {
		t.Fatalf("exit %d; stderr %q", code, errOut)
	}
	refused := "[Errno 111] Connection refused"
	for _, want := range []string{
		"1\tnil\t" + refused, "2\tnil\t" + refused, "3\tnil\t" + refused,
		"4\ttrue\tnil\t" + refused, "5\t2", "6\tnil\t" + refused, "7\t111",
		"8\tfalse\tstdin:10: " + refused, "9\tnil\t" + refused, "10\tnil\t" + refused,
		"11\tnil\tstdin:15: boom", "12\ta cancelled", "13\tnil",
	} {
		if !strings.Contains(out, want+"\n") && !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}
