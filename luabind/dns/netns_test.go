package dns

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"socklab/internal/dns/dnstest"
	"socklab/internal/nstest"
	_ "socklab/luabind/socket" // gethostbyname_ex, the resolver that asks our server
)

// The README's five-line lab: dns.serve on 127.0.0.1:53 inside a private
// network and mount namespace whose resolv.conf names 127.0.0.1, so that
// the socket module's resolver (gethostbyname_ex) asks our server and
// shows the alias. Nothing leaves the namespace.

const netnsEnv = "SOCKLAB_DNS_NETNS"

func TestGethostbynameExSeesServedAlias(t *testing.T) {
	if os.Getenv(netnsEnv) == "1" {
		out := run(t, nil, `
			local srv = dns.serve{listen = "127.0.0.1:53", zone = [[
			www.lab.test  CNAME  web.lab.test
			web.lab.test  A      127.0.0.2
			]]}
			local name, aliases, addrs = socket.gethostbyname_ex("www.lab.test")
			print(name, aliases[1], addrs[1], #aliases, #addrs)
			print(dns.resolve("www.lab.test"))   -- no server option: /etc/resolv.conf's
		`)
		want := "web.lab.test\twww.lab.test\t127.0.0.2\t1\t1\nwww.lab.test. is an alias for web.lab.test.\nweb.lab.test. has address 127.0.0.2\n"
		if out != want {
			t.Fatalf("got %q, want %q", out, want)
		}
		return
	}
	if os.Geteuid() != 0 {
		msg := "needs root for a private network namespace (unshare -n -m)"
		if dnstest.InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	rc := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(rc, []byte("nameserver 127.0.0.1\noptions timeout:1 attempts:2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `ip link set lo up && mount --bind ` + rc + ` /etc/resolv.conf && exec "$0" -test.run='^TestGethostbynameExSeesServedAlias$' -test.v -test.count=1`
	cmd := exec.Command("unshare", "-n", "-m", "sh", "-c", script, os.Args[0])
	cmd.Env = nstest.QuickRaceExit(append(os.Environ(), netnsEnv+"=1"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("in namespace: %v\n%s", err, out)
	}
}

// TestReadmeExample runs the README's five lines (on a free port).
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "srv = dns.serve{listen = \"127.0.0.1:5353\"")
	if start < 0 {
		t.Fatal("README lacks the dns.serve example")
	}
	end := strings.Index(text[start:], "```")
	src := strings.Replace(text[start:start+end], "127.0.0.1:5353", "127.0.0.1:0", 1)
	if n := strings.Count(strings.TrimSpace(src), "\n") + 1; n != 5 {
		t.Fatalf("the example is %d lines, the README promises five:\n%s", n, src)
	}
	out := run(t, nil, src)
	want := "www.lab.test. is an alias for web.lab.test.\nweb.lab.test. has address 127.0.0.2\n"
	if out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
	if !strings.Contains(text, "```\n"+want+"```") {
		t.Fatalf("README shows another output than %q", want)
	}
}
