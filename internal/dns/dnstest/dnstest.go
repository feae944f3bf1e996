// Package dnstest starts the real DNS peers the tests compare with: dnsmasq
// on a loopback port with a small lab zone, and dig.
package dnstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	miekg "github.com/miekg/dns"

	"socklab/internal/nstest"
)

// InCI reports whether the tests run in CI, where a missing peer fails.
func InCI() bool { return nstest.InCI() }

// NeedPeer skips a test whose peer program is missing, or fails it in CI.
func NeedPeer(tb testing.TB, prog, pkg string) string {
	tb.Helper()
	path, err := exec.LookPath(prog)
	if err != nil {
		for _, dir := range []string{"/usr/sbin", "/sbin"} {
			if _, err := os.Stat(dir + "/" + prog); err == nil {
				return dir + "/" + prog
			}
		}
		nstest.SkipOrFail(tb, "%s not found: apt-get install %s", prog, pkg)
	}
	return path
}

// FreePort returns a port free on 127.0.0.1 for both UDP and TCP at the
// moment of asking.
func FreePort(tb testing.TB) int {
	tb.Helper()
	for i := 0; i < 50; i++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		pc.Close()
		if err == nil {
			ln.Close()
			return port
		}
	}
	tb.Fatal("no free port")
	return 0
}

// BigTXT is a TXT record set too large for a 1232-byte UDP answer.
var BigTXT = func() []string {
	var out []string
	for i := 0; i < 12; i++ {
		out = append(out, fmt.Sprintf("chunk-%02d-%s", i, strings.Repeat("x", 200)))
	}
	return out
}()

// dnsmasqArgs holds the lab records in dnsmasq's command-line options:
// web (A 127.0.0.2, AAAA ::2, and its PTR), mail (A 127.0.0.3), www CNAME
// web, alias CNAME www, dangling CNAME to a missing name, lab.test MX 10
// mail, txt TXT "hello world" "second", _http._tcp SRV 1 5 80 web, caa
// CAA 0 issue "ca.example", big (a TXT set over 1232 bytes), all under
// lab.test, where other names are NXDOMAIN.
func dnsmasqArgs(port int) []string {
	args := []string{
		"--no-daemon", "--port", strconv.Itoa(port), "--listen-address", "127.0.0.1", "--bind-interfaces",
		"--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=", "--user=root",
		"--local=/lab.test/", "--log-facility=-",
		"--host-record=web.lab.test,127.0.0.2,::2",
		"--host-record=mail.lab.test,127.0.0.3",
		"--cname=www.lab.test,web.lab.test",
		"--cname=alias.lab.test,www.lab.test",
		"--cname=dangling.lab.test,gone.lab.test",
		"--mx-host=lab.test,mail.lab.test,10",
		"--txt-record=txt.lab.test,hello world,second",
		"--srv-host=_http._tcp.lab.test,web.lab.test,80,1,5",
		// CAA 0 issue "ca.example"
		"--dns-rr=caa.lab.test,257,0005697373756563612E6578616D706C65",
	}
	for _, s := range BigTXT {
		args = append(args, "--txt-record=big.lab.test,"+s)
	}
	return args
}

// StartDnsmasq runs dnsmasq on a loopback port with the lab records and
// returns its address once it answers, over UDP and over TCP, as itself:
// each instance serves its own token (TXT instance.lab.test), because the
// free port can be taken between FreePort and dnsmasq's bind, by another
// test process's dnsmasq that would answer the lab records just as well,
// until its test ended and killed it (then "connection refused" here). The
// dnsmasq is killed when the test ends; if it ends earlier, the test fails
// with its output.
func StartDnsmasq(t *testing.T) string {
	t.Helper()
	bin := NeedPeer(t, "dnsmasq", "dnsmasq")
	var lastOut string
	for attempt := 0; attempt < 10; attempt++ { // the free port may be taken meanwhile
		addr, out, ok := tryDnsmasq(t, bin, FreePort(t))
		if ok {
			return addr
		}
		lastOut = out
	}
	t.Fatalf("dnsmasq would not start:\n%s", lastOut)
	return ""
}

// instanceName holds each dnsmasq's own token.
const instanceName = "instance.lab.test."

var instances atomic.Int64

func tryDnsmasq(t *testing.T, bin string, port int) (addr, output string, ok bool) {
	token := fmt.Sprintf("pid%d-n%d-%d", os.Getpid(), instances.Add(1), time.Now().UnixNano())
	cmd := exec.Command(bin, append(dnsmasqArgs(port), "--txt-record="+strings.TrimSuffix(instanceName, ".")+","+token)...)
	var out strings.Builder // read only once the process has ended (Wait returned)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	addr = "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return "", out.String(), false
		default:
		}
		if answersAs(addr, "udp", token) && answersAs(addr, "tcp", token) {
			t.Cleanup(func() {
				select {
				case <-exited:
					t.Errorf("dnsmasq on %s ended before its test:\n%s", addr, out.String())
					return
				default:
				}
				cmd.Process.Kill()
				<-exited
			})
			return addr, "", true
		}
	}
	cmd.Process.Kill()
	<-exited
	t.Fatalf("dnsmasq did not answer within 20 s:\n%s", out.String())
	return "", "", false
}

// answersAs reports whether the server at addr answers over network with
// the given instance token (not another dnsmasq's).
func answersAs(addr, network, token string) bool {
	q := new(miekg.Msg)
	q.SetQuestion(instanceName, miekg.TypeTXT)
	c := &miekg.Client{Net: network, Timeout: 200 * time.Millisecond}
	r, _, err := c.Exchange(q, addr)
	if err != nil || r.Rcode != miekg.RcodeSuccess || len(r.Answer) != 1 {
		return false
	}
	txt, ok := r.Answer[0].(*miekg.TXT)
	return ok && len(txt.Txt) == 1 && txt.Txt[0] == token
}

// Dig runs dig against server and returns its status and the
// records of its answer section, parsed.
func Dig(t *testing.T, server, name, qtype string, extra ...string) (status string, flags []string, answer []miekg.RR) {
	t.Helper()
	bin := NeedPeer(t, "dig", "bind9-dnsutils")
	host, port, _ := net.SplitHostPort(server)
	args := append([]string{"@" + host, "-p", port, "+time=5", "+tries=2", "+nocmd", "+noall", "+comments", "+answer", name, qtype}, extra...)
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %v: %v\n%s", args, err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.Contains(line, "->>HEADER<<-"):
			i := strings.Index(line, "status: ")
			status = strings.TrimSuffix(strings.Fields(line[i+8:])[0], ",")
		case strings.HasPrefix(line, ";; flags:"):
			f := strings.TrimPrefix(line, ";; flags:")
			flags = strings.Fields(f[:strings.Index(f, ";")])
		case line == "" || strings.HasPrefix(line, ";"):
		default:
			rr, err := miekg.NewRR(line)
			if err != nil {
				t.Fatalf("dig printed a line that does not parse: %q: %v", line, err)
			}
			answer = append(answer, rr)
		}
	}
	return status, flags, answer
}
