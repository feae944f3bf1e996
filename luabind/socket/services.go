package socket

import (
	_ "embed"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Service and protocol tables: /etc/services and /etc/protocols when the
// machine has them (glibc's "files" rules: first matching line wins, names
// and aliases match exactly), then the embedded copies, so that the classic
// tutorial services answer on a machine without the files (containers
// often lack them) and names Debian's file lacks (irc) still resolve.

//go:embed services.txt
var embeddedServices string

//go:embed protocols.txt
var embeddedProtocols string

type servEntry struct {
	name    string
	port    int
	proto   string
	aliases []string
}

type protoEntry struct {
	name    string
	num     int
	aliases []string
}

// fileCache re-reads a file when its size or modification time changes.
type fileCache[T any] struct {
	mu    sync.Mutex
	path  string
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
		c.ok = false
		c.data = nil
		return nil
	}
	if c.ok && c.path == path && c.mtime.Equal(st.ModTime()) && c.size == st.Size() {
		return c.data
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	c.path, c.mtime, c.size, c.ok = path, st.ModTime(), st.Size(), true
	c.data = parse(string(b))
	return c.data
}

var (
	servFile  fileCache[servEntry]
	protoFile fileCache[protoEntry]

	embedOnce   sync.Once
	embServ     []servEntry
	embProtocol []protoEntry
)

func embedded() ([]servEntry, []protoEntry) {
	embedOnce.Do(func() {
		embServ = parseServices(embeddedServices)
		embProtocol = parseProtocols(embeddedProtocols)
	})
	return embServ, embProtocol
}

func fields(text string, each func(fs []string)) {
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if fs := strings.Fields(line); len(fs) >= 2 {
			each(fs)
		}
	}
}

func parseServices(text string) []servEntry {
	var out []servEntry
	fields(text, func(fs []string) {
		p, proto, ok := strings.Cut(fs[1], "/")
		n, err := strconv.Atoi(p)
		if !ok || err != nil || n < 0 || n > 65535 {
			return
		}
		out = append(out, servEntry{name: fs[0], port: n, proto: proto, aliases: fs[2:]})
	})
	return out
}

func parseProtocols(text string) []protoEntry {
	var out []protoEntry
	fields(text, func(fs []string) {
		n, err := strconv.Atoi(fs[1])
		if err != nil {
			return
		}
		out = append(out, protoEntry{name: fs[0], num: n, aliases: fs[2:]})
	})
	return out
}

func serviceTables() [][]servEntry {
	emb, _ := embedded()
	if f := servFile.get(servicesPath, parseServices); f != nil {
		return [][]servEntry{f, emb}
	}
	return [][]servEntry{emb}
}

func (e *servEntry) named(name string) bool {
	if e.name == name {
		return true
	}
	for _, a := range e.aliases {
		if a == name {
			return true
		}
	}
	return false
}

// ServiceByName is getservbyname: the port of a service name or alias for
// proto ("tcp", "udp"; "" for any). The embedded table is consulted only
// for names /etc/services does not mention at all, so that where the file
// answers, the answer is the system's.
func ServiceByName(name, proto string) (int, bool) {
	for _, table := range serviceTables() {
		known := false
		for i := range table {
			e := &table[i]
			if !e.named(name) {
				continue
			}
			if proto == "" || e.proto == proto {
				return e.port, true
			}
			known = true
		}
		if known {
			return 0, false
		}
	}
	return 0, false
}

// ServiceByPort is getservbyport: the official name of the service on port
// for proto ("" for any); the embedded table only answers for ports
// /etc/services does not mention.
func ServiceByPort(port int, proto string) (string, bool) {
	for _, table := range serviceTables() {
		known := false
		for _, e := range table {
			if e.port != port {
				continue
			}
			if proto == "" || e.proto == proto {
				return e.name, true
			}
			known = true
		}
		if known {
			return "", false
		}
	}
	return "", false
}

// ServiceName is the name of the service on port for proto ("tcp" or
// "udp"), or "" when none is known: for a port scanner's SERVICE column.
func ServiceName(port int, proto string) string {
	name, _ := ServiceByPort(port, proto)
	return name
}

// ProtoByName is getprotobyname: the number of a protocol name or alias.
func ProtoByName(name string) (int, bool) {
	_, emb := embedded()
	tables := [][]protoEntry{emb}
	if f := protoFile.get(protoPath, parseProtocols); f != nil {
		tables = [][]protoEntry{f, emb}
	}
	for _, table := range tables {
		for _, e := range table {
			if e.name == name {
				return e.num, true
			}
			for _, a := range e.aliases {
				if a == name {
					return e.num, true
				}
			}
		}
	}
	return 0, false
}
