package scan

import (
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// localPortRange is net.ipv4.ip_local_port_range (32768–60999 if unreadable).
var localPortRange = sync.OnceValues(func() (int, int) {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		f := strings.Fields(string(b))
		if len(f) == 2 {
			lo, err1 := strconv.Atoi(f[0])
			hi, err2 := strconv.Atoi(f[1])
			if err1 == nil && err2 == nil {
				return lo, hi
			}
		}
	}
	return 32768, 60999
})

// openFDs counts this process's open file descriptors.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 64 // a guess
	}
	return len(ents)
}

// maxAutoConcurrency caps the automatic number of probes in flight. Only
// maxWorkers of them block an OS thread (for fastWindow at most); the
// others wait in the poller, so a firewalled host that answers nothing is
// probed thousands of ports at a time.
const maxAutoConcurrency = 8192

// AutoConcurrency is the most probes in flight when Options.Concurrency is
// 0: half the file descriptors still free under RLIMIT_NOFILE, at most
// maxAutoConcurrency, at least 1.
func AutoConcurrency() int {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil {
		return 64
	}
	soft := rl.Cur
	if soft > 1<<20 {
		soft = 1 << 20
	}
	free := int(soft) - openFDs()
	return max(1, min(maxAutoConcurrency, free/2))
}
