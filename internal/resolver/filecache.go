package resolver

// /etc/hosts and /etc/resolv.conf are read once and again only when they
// change: a lookup in a loop should not re-read and re-parse two files
// each time. A file counts as changed when its modification time, size,
// inode or device differ (a bind mount over it changes the last two).

import (
	"os"
	"sync"
	"syscall"
	"time"
)

type fileStamp struct {
	mtime    time.Time
	size     int64
	ino, dev uint64
}

func stampOf(path string) (fileStamp, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, false
	}
	s := fileStamp{mtime: st.ModTime(), size: st.Size()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		s.ino, s.dev = sys.Ino, uint64(sys.Dev)
	}
	return s, true
}

// fileCache keeps what a parser made of a file, keyed by a string that
// names the file (and whatever else the result depends on).
type fileCache[T any] struct {
	mu      sync.Mutex
	entries map[string]cachedFile[T]
}

type cachedFile[T any] struct {
	stamp fileStamp
	value T
}

// get returns the parsed contents of path, parsing again only when the
// file changed. A missing file is not cached: parse decides what it means.
func (c *fileCache[T]) get(key, path string, parse func() T) T {
	stamp, ok := stampOf(path)
	if !ok {
		return parse()
	}
	c.mu.Lock()
	e, hit := c.entries[key]
	c.mu.Unlock()
	if hit && e.stamp == stamp {
		return e.value
	}
	v := parse()
	if again, ok := stampOf(path); ok && again == stamp { // not changed while we read
		c.mu.Lock()
		if c.entries == nil {
			c.entries = map[string]cachedFile[T]{}
		}
		c.entries[key] = cachedFile[T]{stamp, v}
		c.mu.Unlock()
	}
	return v
}

var (
	hostsCache  fileCache[[]hostEntry]
	resolvCache fileCache[resolvConf]
)
