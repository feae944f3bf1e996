package services

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// tablesWith writes a services and a protocols file (empty text: no file)
// and returns tables reading them.
func tablesWith(t *testing.T, services, protocols string) (*Tables, string) {
	t.Helper()
	dir := t.TempDir()
	sp, pp := filepath.Join(dir, "services"), filepath.Join(dir, "protocols")
	if services != "" {
		os.WriteFile(sp, []byte(services), 0o644)
	}
	if protocols != "" {
		os.WriteFile(pp, []byte(protocols), 0o644)
	}
	return New(sp, pp), sp
}

func TestEmbeddedTables(t *testing.T) {
	t.Parallel()
	tb, _ := tablesWith(t, "", "")
	ports := []struct {
		name, proto string
		port        int
		ok          bool
	}{
		{"http", "", 80, true},
		{"http", "tcp", 80, true},
		{"www", "tcp", 80, true}, // an alias
		{"imap", "", 143, true},
		{"domain", "udp", 53, true},
		{"irc", "", 194, true},
		{"HTTP", "", 0, false}, // names match exactly
		{"ssh", "sctp", 0, false},
		{"no-such-service", "", 0, false},
	}
	for _, c := range ports {
		port, ok := tb.PortByName(c.name, c.proto)
		if port != c.port || ok != c.ok {
			t.Errorf("PortByName(%q, %q) = %d, %v; want %d, %v", c.name, c.proto, port, ok, c.port, c.ok)
		}
	}
	names := []struct {
		port  int
		proto string
		name  string
		ok    bool
	}{
		{80, "", "http", true},
		{143, "tcp", "imap2", true}, // the official name, not the alias
		{53, "udp", "domain", true},
		{22, "udp", "", false},
		{64999, "", "", false},
	}
	for _, c := range names {
		name, ok := tb.NameByPort(c.port, c.proto)
		if name != c.name || ok != c.ok {
			t.Errorf("NameByPort(%d, %q) = %q, %v; want %q, %v", c.port, c.proto, name, ok, c.name, c.ok)
		}
	}
	for name, want := range map[string]int{"tcp": 6, "TCP": 6, "udp": 17, "icmp": 1, "ipv6-icmp": 58} {
		if n, ok := tb.ProtocolByName(name); !ok || n != want {
			t.Errorf("ProtocolByName(%q) = %d, %v; want %d", name, n, ok, want)
		}
	}
	if _, ok := tb.ProtocolByName("nope"); ok {
		t.Error("ProtocolByName(nope) found something")
	}
	if tb.Services() != nil || tb.Protocols() != nil {
		t.Error("missing files list entries")
	}
}

// The system file's answer stands where it knows a name or port at all;
// the embedded table fills in only what it does not mention.
func TestFileBeforeEmbedded(t *testing.T) {
	t.Parallel()
	tb, _ := tablesWith(t, `# a local services file
http 8080/tcp web   # moved
myapp 7777/udp
ssh 22/udp
bad line/tcp
also-bad 70000/tcp
`, "tcp 6\nmyproto 253 MYPROTO\n")
	cases := []struct {
		name, proto string
		port        int
		ok          bool
	}{
		{"http", "", 8080, true},
		{"web", "tcp", 8080, true},
		{"http", "udp", 0, false}, // the file knows http, not for udp
		{"myapp", "", 7777, true},
		{"ssh", "tcp", 0, false},
		{"irc", "", 194, true}, // the file does not know irc
		{"also-bad", "", 0, false},
	}
	for _, c := range cases {
		port, ok := tb.PortByName(c.name, c.proto)
		if port != c.port || ok != c.ok {
			t.Errorf("PortByName(%q, %q) = %d, %v; want %d, %v", c.name, c.proto, port, ok, c.port, c.ok)
		}
	}
	if n, ok := tb.NameByPort(22, "tcp"); ok {
		t.Errorf("NameByPort(22, tcp) = %q: the file says 22 is udp only", n)
	}
	if n, _ := tb.NameByPort(443, "tcp"); n != "https" {
		t.Errorf("NameByPort(443, tcp) = %q, want https from the embedded table", n)
	}
	if n, ok := tb.ProtocolByName("MYPROTO"); !ok || n != 253 {
		t.Errorf("ProtocolByName(MYPROTO) = %d, %v", n, ok)
	}
	if n, ok := tb.ProtocolByName("udp"); !ok || n != 17 {
		t.Errorf("ProtocolByName(udp) = %d, %v; want 17 from the embedded table", n, ok)
	}
	if got := len(tb.Services()); got != 3 {
		t.Errorf("Services() has %d entries, want 3", got)
	}
}

// A changed file is read again.
func TestFileReloaded(t *testing.T) {
	t.Parallel()
	tb, path := tablesWith(t, "one 1001/tcp\n", "")
	if p, _ := tb.PortByName("one", "tcp"); p != 1001 {
		t.Fatalf("first read: %d", p)
	}
	os.WriteFile(path, []byte("one 1002/tcp\ntwo 2/tcp\n"), 0o644)
	// Make the change visible even on a file system with coarse mtimes.
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(path, later, later)
	if p, _ := tb.PortByName("one", "tcp"); p != 1002 {
		t.Fatalf("after rewrite: %d", p)
	}
	os.Remove(path)
	if p, _ := tb.PortByName("one", "tcp"); p != 0 {
		t.Fatalf("after removal: %d (no such name in the embedded table)", p)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	got := ParseServices("a 1/tcp x y\n\tb\t2/udp # c 3/tcp\nc 3\nd x/tcp\ne 4/\n#f 5/tcp\n")
	want := []Service{{"a", 1, "tcp", []string{"x", "y"}}, {"b", 2, "udp", []string{}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseServices: %#v", got)
	}
	gotP := ParseProtocols("ip 0 IP\nx y\nbig 256\nneg -1\nudp 17 UDP # comment\n")
	wantP := []Protocol{{"ip", 0, []string{"IP"}}, {"udp", 17, []string{"UDP"}}}
	if !reflect.DeepEqual(gotP, wantP) {
		t.Errorf("ParseProtocols: %#v", gotP)
	}
}

// The package functions read the machine's files, falling back to the
// embedded table: ssh is 22/tcp in both.
func TestSystem(t *testing.T) {
	t.Parallel()
	if Name(22, "tcp") != "ssh" || Name(64999, "tcp") != "" {
		t.Error("Name")
	}
	if p, ok := PortByName("ssh", "tcp"); !ok || p != 22 {
		t.Error("PortByName")
	}
	if n, ok := NameByPort(22, ""); !ok || n != "ssh" {
		t.Error("NameByPort")
	}
	if n, ok := ProtocolByName("tcp"); !ok || n != 6 {
		t.Error("ProtocolByName")
	}
}

func FuzzParseServices(f *testing.F) {
	f.Add(embeddedServices)
	f.Add("a 1/tcp\nb 65536/udp\nc -1/tcp\nd 0x10/tcp\ne 1/\n/ /\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range ParseServices(text) {
			if s.Port < 0 || s.Port > 65535 || s.Name == "" || s.Proto == "" {
				t.Fatalf("bad entry %#v", s)
			}
		}
	})
}

func FuzzParseProtocols(f *testing.F) {
	f.Add(embeddedProtocols)
	f.Add("a 1\nb 256\nc -1\nd x\n")
	f.Fuzz(func(t *testing.T, text string) {
		for _, p := range ParseProtocols(text) {
			if p.Number < 0 || p.Number > 255 || p.Name == "" {
				t.Fatalf("bad entry %#v", p)
			}
		}
	})
}
