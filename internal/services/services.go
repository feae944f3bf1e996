// Package services answers the questions of getservbyname, getservbyport
// and getprotobyname: which port a service name has, which service a port
// has, which number a protocol name has. It is plain Go (no Lua), shared by
// the socket module and the port scanner.
//
// The answers come from /etc/services and /etc/protocols when the machine
// has them, read by glibc's "files" rules (the first matching line wins;
// names and aliases match exactly, case included), and otherwise from
// embedded copies of the IANA tables. The embedded table also answers for
// names and ports the system file does not mention at all, so that the
// classic tutorial services resolve on a machine without the file
// (containers often lack it) and names Debian's file lacks (irc) still
// resolve; where the system file knows a name or port, its answer stands,
// even when that answer is "not for this protocol".
//
// The files are re-read when their size or modification time changes. A
// Tables value is safe for concurrent use; System reads the machine's
// files, New reads others (tests).
package services

import (
	_ "embed"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed services.txt
var embeddedServices string

//go:embed protocols.txt
var embeddedProtocols string

// Service is one line of a services file: "http 80/tcp www".
type Service struct {
	Name    string
	Port    int
	Proto   string // "tcp", "udp", "sctp", …
	Aliases []string
}

// Protocol is one line of a protocols file: "tcp 6 TCP".
type Protocol struct {
	Name    string
	Number  int
	Aliases []string
}

// Tables answers lookups from one services file and one protocols file,
// each backed by the embedded table.
type Tables struct {
	servicesPath, protocolsPath string
	services                    fileCache[Service]
	protocols                   fileCache[Protocol]
}

// New returns tables read from the given files (either may be missing).
func New(servicesPath, protocolsPath string) *Tables {
	return &Tables{servicesPath: servicesPath, protocolsPath: protocolsPath}
}

// System is the machine's tables: /etc/services and /etc/protocols.
var System = New("/etc/services", "/etc/protocols")

// PortByName is getservbyname: the port of a service name or alias for
// proto ("tcp", "udp"; "" for any) from the system tables.
func PortByName(name, proto string) (int, bool) { return System.PortByName(name, proto) }

// NameByPort is getservbyport: the official name of the service on port
// for proto ("" for any) from the system tables.
func NameByPort(port int, proto string) (string, bool) { return System.NameByPort(port, proto) }

// Name is the name of the service on port for proto ("tcp" or "udp"), or
// "" when none is known: for a port scanner's SERVICE column.
func Name(port int, proto string) string {
	name, _ := System.NameByPort(port, proto)
	return name
}

// ProtocolByName is getprotobyname: the number of a protocol name or alias
// from the system tables.
func ProtocolByName(name string) (int, bool) { return System.ProtocolByName(name) }

// PortByName is getservbyname on t (see the package function).
func (t *Tables) PortByName(name, proto string) (int, bool) {
	for _, table := range t.serviceTables() {
		known := false
		for i := range table {
			e := &table[i]
			if !named(e.Name, e.Aliases, name) {
				continue
			}
			if proto == "" || e.Proto == proto {
				return e.Port, true
			}
			known = true
		}
		if known {
			return 0, false
		}
	}
	return 0, false
}

// NameByPort is getservbyport on t (see the package function).
func (t *Tables) NameByPort(port int, proto string) (string, bool) {
	for _, table := range t.serviceTables() {
		known := false
		for i := range table {
			e := &table[i]
			if e.Port != port {
				continue
			}
			if proto == "" || e.Proto == proto {
				return e.Name, true
			}
			known = true
		}
		if known {
			return "", false
		}
	}
	return "", false
}

// ProtocolByName is getprotobyname on t (see the package function).
func (t *Tables) ProtocolByName(name string) (int, bool) {
	_, emb := embedded()
	tables := [][]Protocol{emb}
	if f := t.protocols.get(t.protocolsPath, ParseProtocols); f != nil {
		tables = [][]Protocol{f, emb}
	}
	for _, table := range tables {
		for i := range table {
			if named(table[i].Name, table[i].Aliases, name) {
				return table[i].Number, true
			}
		}
	}
	return 0, false
}

// Services lists the entries of t's services file (nil when it is missing
// or empty); the embedded table is not included.
func (t *Tables) Services() []Service {
	return t.services.get(t.servicesPath, ParseServices)
}

// Protocols lists the entries of t's protocols file (nil when it is
// missing or empty); the embedded table is not included.
func (t *Tables) Protocols() []Protocol {
	return t.protocols.get(t.protocolsPath, ParseProtocols)
}

func (t *Tables) serviceTables() [][]Service {
	emb, _ := embedded()
	if f := t.services.get(t.servicesPath, ParseServices); f != nil {
		return [][]Service{f, emb}
	}
	return [][]Service{emb}
}

func named(name string, aliases []string, want string) bool {
	if name == want {
		return true
	}
	for _, a := range aliases {
		if a == want {
			return true
		}
	}
	return false
}

// ParseServices reads services(5) text: "name port/proto [aliases…]" per
// line, '#' starts a comment. Malformed lines are skipped, as glibc does.
func ParseServices(text string) []Service {
	var out []Service
	eachLine(text, func(fs []string) {
		p, proto, ok := strings.Cut(fs[1], "/")
		n, err := strconv.Atoi(p)
		if !ok || proto == "" || err != nil || n < 0 || n > 65535 {
			return
		}
		out = append(out, Service{Name: fs[0], Port: n, Proto: proto, Aliases: fs[2:]})
	})
	return out
}

// ParseProtocols reads protocols(5) text: "name number [aliases…]" per
// line, '#' starts a comment. Malformed lines are skipped.
func ParseProtocols(text string) []Protocol {
	var out []Protocol
	eachLine(text, func(fs []string) {
		n, err := strconv.Atoi(fs[1])
		if err != nil || n < 0 || n > 255 {
			return
		}
		out = append(out, Protocol{Name: fs[0], Number: n, Aliases: fs[2:]})
	})
	return out
}

// eachLine calls each with the fields of every line that has at least two.
func eachLine(text string, each func(fs []string)) {
	for line := range strings.SplitSeq(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if fs := strings.Fields(line); len(fs) >= 2 {
			each(fs)
		}
	}
}

var (
	embedOnce    sync.Once
	embServices  []Service
	embProtocols []Protocol
)

func embedded() ([]Service, []Protocol) {
	embedOnce.Do(func() {
		embServices = ParseServices(embeddedServices)
		embProtocols = ParseProtocols(embeddedProtocols)
	})
	return embServices, embProtocols
}

// fileCache holds a parsed file and re-reads it when its size or
// modification time changes.
type fileCache[T any] struct {
	mu    sync.Mutex
	mtime time.Time
	size  int64
	ok    bool
	data  []T
}

func (c *fileCache[T]) get(path string, parse func(string) []T) []T {
	st, err := os.Stat(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
		c.ok, c.data = false, nil
		return nil
	}
	if c.ok && c.mtime.Equal(st.ModTime()) && c.size == st.Size() {
		return c.data
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	c.mtime, c.size, c.ok = st.ModTime(), st.Size(), true
	c.data = parse(string(b))
	return c.data
}
