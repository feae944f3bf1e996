package ping

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func (r *Result) headerLine() string {
	if r.Method == MethodTCP {
		h := fmt.Sprintf("PING %s (%s) TCP port %s", r.Host, r.Addr, r.port)
		if len(r.Skipped) > 0 {
			h += " (no ICMP: " + strings.Join(r.Skipped, "; ") + ")"
		}
		return h
	}
	if r.isIPv6 {
		return fmt.Sprintf("PING %s(%s) %d data bytes", r.Host, r.Addr, r.Size)
	}
	return fmt.Sprintf("PING %s (%s) %d(%d) bytes of data.", r.Host, r.Addr, r.Size, r.Size+28)
}

// from is how a reply's source is named: the address, or "name (address)"
// when the target was a name and answered itself.
func (r *Result) from(rep Reply) string {
	if !r.numericHost && rep.From == r.Addr {
		return fmt.Sprintf("%s (%s)", r.Host, rep.From)
	}
	return rep.From.String()
}

// Line is the reply's line as iputils prints it.
func (r *Result) Line(rep Reply) string {
	switch {
	case rep.sendErr:
		return "ping: sendmsg: " + rep.Error
	case rep.Error != "":
		return fmt.Sprintf("From %s icmp_seq=%d %s", rep.From, rep.Seq, rep.Error)
	}
	note := rep.Note
	var b strings.Builder
	if r.Method == MethodTCP {
		fmt.Fprintf(&b, "Reply from %s port %s (%s): tcp_seq=%d", r.from(rep), r.port, note, rep.Seq)
	} else {
		fmt.Fprintf(&b, "%d bytes from %s: icmp_seq=%d", rep.Bytes, r.from(rep), rep.Seq)
		if rep.TTL > 0 {
			fmt.Fprintf(&b, " ttl=%d", rep.TTL)
		}
	}
	if r.timing {
		b.WriteString(" time=" + tripTime(rep.RTT.Microseconds()) + " ms")
	}
	if rep.Dup {
		b.WriteString(" (DUP!)")
	}
	if rep.Corrupt {
		b.WriteString(" (BAD CHECKSUM!)")
	}
	return b.String()
}

// tripTime prints microseconds as iputils does: three significant decimals
// below 1 ms, fewer above.
func tripTime(us int64) string {
	switch {
	case us >= 100000-50:
		return strconv.FormatInt((us+500)/1000, 10)
	case us >= 10000-5:
		return fmt.Sprintf("%d.%01d", (us+50)/1000, ((us+50)%1000)/100)
	case us >= 1000:
		return fmt.Sprintf("%d.%02d", (us+5)/1000, ((us+5)%1000)/10)
	}
	return fmt.Sprintf("%d.%03d", us/1000, us%1000)
}

// Loss is the packet loss in percent.
func (r *Result) Loss() float64 {
	if r.Transmitted == 0 {
		return 0
	}
	return float64(float32(float64(r.Transmitted-r.Received) * 100 / float64(r.Transmitted)))
}

// Stats are min, avg, max and mdev as iputils computes them (integer
// microseconds, the variance from the sums); ok is false when no time was
// measured.
func (r *Result) Stats() (min, avg, max, mdev time.Duration, ok bool) {
	n := int64(r.Received + r.Duplicates)
	if r.Received == 0 || !r.timing || n == 0 {
		return 0, 0, 0, 0, false
	}
	tavg := r.tsum / n
	var tvar int64
	if r.tsum < 1<<31-1 {
		tvar = (r.tsum2 - r.tsum*r.tsum/n) / n
	} else {
		tvar = r.tsum2/n - tavg*tavg
	}
	us := time.Microsecond
	return time.Duration(r.tmin) * us, time.Duration(tavg) * us, time.Duration(r.tmax) * us, time.Duration(isqrt(tvar)) * us, true
}

// isqrt is iputils' llsqrt: the integer square root.
func isqrt(a int64) int64 {
	if a <= 0 {
		return 0
	}
	x := int64(1) << ((bits.Len64(uint64(a)) + 1) / 2)
	for {
		y := (x + a/x) / 2
		if y >= x {
			return x
		}
		x = y
	}
}

func ms3(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%03d", us/1000, us%1000)
}

// Summary is iputils' closing block: the statistics line and, when times
// were measured, the rtt line.
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s ping statistics ---\n", r.Host)
	fmt.Fprintf(&b, "%d packets transmitted, %d received", r.Transmitted, r.Received)
	if r.Duplicates > 0 {
		fmt.Fprintf(&b, ", +%d duplicates", r.Duplicates)
	}
	if r.Corrupted > 0 {
		fmt.Fprintf(&b, ", +%d corrupted", r.Corrupted)
	}
	if r.Errors > 0 {
		fmt.Fprintf(&b, ", +%d errors", r.Errors)
	}
	if r.Transmitted > 0 {
		fmt.Fprintf(&b, ", %s%% packet loss, time %dms", strconv.FormatFloat(r.Loss(), 'g', 6, 64), (r.Elapsed + 500*time.Microsecond).Milliseconds())
	}
	b.WriteString("\n")
	if mn, avg, mx, mdev, ok := r.Stats(); ok {
		fmt.Fprintf(&b, "rtt min/avg/max/mdev = %s/%s/%s/%s ms\n", ms3(mn), ms3(avg), ms3(mx), ms3(mdev))
	}
	return b.String()
}

// Header is the first line ("PING host (addr) 56(84) bytes of data.").
func (r *Result) Header() string { return r.header }

// String is the whole transcript as iputils prints it. A flood's is what
// ping -f leaves on the screen: the header, a line with a dot for each
// echo without an answer (an E for an error), and the summary.
func (r *Result) String() string {
	var b strings.Builder
	b.WriteString(r.header + "\n")
	if r.Flood {
		b.WriteString(r.floodMarks() + "\n" + r.Summary())
		return b.String()
	}
	for i := range r.NumReplies() {
		b.WriteString(r.Line(r.Reply(i)) + "\n")
	}
	b.WriteString("\n" + r.Summary())
	return b.String()
}

// floodMarks is what remains of ping -f's dots: one per echo that got no
// answer, an E for each error, a C for each corrupted reply.
func (r *Result) floodMarks() string {
	lost := max(r.Transmitted-r.Received-r.marks-r.Corrupted, 0)
	return strings.Repeat(".", lost) + strings.Repeat("E", r.marks) + strings.Repeat("C", r.Corrupted)
}

func errnoText(err error) string {
	var en syscall.Errno
	if errors.As(err, &en) {
		s := en.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}
