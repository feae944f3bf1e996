package scan

// The progress bar net.scan draws on a terminal.

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progressBar draws "scanning 1 host: [#####.....] 45% 29491/65535, 2 open,
// 1 s left" on a terminal, redrawn with \r, erased by clear.
type progressBar struct {
	w     io.Writer
	start time.Time
	delay time.Duration
	hosts int
	open  atomic.Int64

	mu    sync.Mutex
	drawn bool
}

const barWidth = 24

func (b *progressBar) update(done, total int) {
	el := time.Since(b.start)
	if el < b.delay || done >= total || total == 0 {
		return
	}
	filled := done * barWidth / total
	left := "?"
	if done > 0 {
		rest := time.Duration(float64(el) * float64(total-done) / float64(done))
		left = strconv.Itoa(int(rest.Seconds()+0.5)) + " s"
	}
	line := fmt.Sprintf("\r\x1b[Kscanning %s: [%s%s] %3d%% %d/%d, %d open, %s left",
		plural(b.hosts, "host"), strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled),
		done*100/total, done, total, b.open.Load(), left)
	b.mu.Lock()
	defer b.mu.Unlock()
	io.WriteString(b.w, line)
	b.drawn = true
}

// clear erases the bar if it is on screen.
func (b *progressBar) clear() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		io.WriteString(b.w, "\r\x1b[K")
		b.drawn = false
	}
}
