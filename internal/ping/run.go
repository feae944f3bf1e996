package ping

import (
	"context"
	"time"
)

// floodGap is how long a flood ping waits for a reply before sending the
// next echo anyway (iputils' -f: 10 ms).
const floodGap = 10 * time.Millisecond

// lingerFloor is the least a finished count waits for late replies. iputils
// waits two of the longest round trips; on a loaded machine that can be a
// few microseconds, so we wait at least this long.
const lingerFloor = 100 * time.Millisecond

// run sends the probes and gathers the answers into r.
func run(ctx context.Context, r *Result, p prober, o Options) {
	start := time.Now()
	stop := context.AfterFunc(ctx, p.interrupt)
	defer stop()
	echoes := newEchoLog(o.Count)
	r.rtts = make([]uint32, 0, min(o.Count, 1<<20)) // a flood appends 100,000: grow once
	var lastSent time.Time
	var deadline time.Time
	if o.Deadline > 0 {
		deadline = start.Add(o.Deadline)
	}
	next := start
	var lingerEnd time.Time
	for {
		now := time.Now()
		if ctx.Err() != nil {
			r.Interrupted = true
			break
		}
		if !deadline.IsZero() && !now.Before(deadline) {
			break
		}
		if (o.Count == 0 || r.Transmitted < o.Count) && !now.Before(next) {
			seq := r.Transmitted + 1
			echoes.sending(seq, now.Sub(start))
			lastSent = now
			r.Transmitted++
			if r.Flood && o.OnMark != nil {
				o.OnMark(".")
			}
			if err := p.send(seq); err != nil {
				r.Errors++
				r.add(Reply{Seq: seq, Error: errnoText(err), sendErr: true}, o)
			}
			if o.Interval > 0 {
				next = now.Add(o.Interval)
			} else {
				next = now.Add(floodGap)
			}
		}
		if o.Count > 0 && r.Received+r.Errors >= o.Count {
			break
		}
		wake := next
		if o.Count > 0 && r.Transmitted >= o.Count {
			if lingerEnd.IsZero() {
				wait := o.Timeout
				if r.Received > 0 {
					wait = max(2*time.Duration(r.tmax)*time.Microsecond, lingerFloor)
				}
				lingerEnd = lastSent.Add(wait)
			}
			if !now.Before(lingerEnd) {
				break
			}
			wake = lingerEnd
		}
		if !deadline.IsZero() && deadline.Before(wake) {
			wake = deadline
		}
		ev, ok := p.next(wake)
		if !ok {
			continue
		}
		seq := wireToSeq(ev.wire, r.Transmitted)
		if seq < 1 {
			continue
		}
		r.record(ev, seq, start.Add(echoes.sentAt(seq)), echoes, o)
		if o.Interval == 0 && seq == r.Transmitted {
			next = ev.at // flood: the next echo goes as soon as this one is answered
		}
	}
	r.Elapsed = time.Since(start)
}

// echoLog remembers, for the last 65,536 sequence numbers (all that 16
// bits on the wire tell apart), when each echo went and whether it was
// answered, as iputils' table of received sequence numbers does: a flood of
// 100,000 touches 0.5 MB for it, not a slot per echo (replies.go says why
// memory counts).
type echoLog struct {
	sent     []time.Duration // since the start, at seq % len(sent)
	answered []uint64        // bits, at seq % len(sent)
}

func newEchoLog(count int) *echoLog {
	n := 1 << 16
	if count > 0 && count < n {
		n = count + 1
	}
	return &echoLog{sent: make([]time.Duration, n), answered: make([]uint64, (n+63)/64)}
}

func (l *echoLog) sending(seq int, at time.Duration) {
	i := seq % len(l.sent)
	l.sent[i] = at
	l.answered[i/64] &^= 1 << (i % 64)
}

func (l *echoLog) sentAt(seq int) time.Duration { return l.sent[seq%len(l.sent)] }

// answer marks seq answered and reports whether it already was.
func (l *echoLog) answer(seq int) (dup bool) {
	i := seq % len(l.sent)
	bit := uint64(1) << (i % 64)
	dup = l.answered[i/64]&bit != 0
	l.answered[i/64] |= bit
	return dup
}

// wireToSeq maps a 16-bit wire sequence to the latest sequence number sent
// with those low bits (long floods wrap).
func wireToSeq(wire, last int) int {
	seq := last - ((last - wire) & 0xffff)
	if seq < 1 || seq > last {
		return 0
	}
	return seq
}

// record adds one answer to the statistics as iputils' gather_statistics
// does: duplicates count in the time sums.
func (r *Result) record(ev event, seq int, sent time.Time, echoes *echoLog, o Options) {
	rep := Reply{Seq: seq, From: ev.from, Bytes: ev.bytes, TTL: ev.ttl, Note: ev.note}
	if ev.err != "" {
		r.Errors++
		rep.Error = ev.err
		r.add(rep, o)
		return
	}
	rep.RTT = max(ev.at.Sub(sent), 0)
	us := rep.RTT.Microseconds()
	if ev.corrupt { // as iputils: neither received nor timed
		rep.Corrupt = true
		r.Corrupted++
		r.add(rep, o)
		return
	}
	if echoes.answer(seq) {
		rep.Dup = true
		r.Duplicates++
	} else {
		r.Received++
	}
	if r.timing {
		r.tsum += us
		r.tsum2 += us * us
		if r.tmin < 0 || us < r.tmin {
			r.tmin = us
		}
		if us > r.tmax {
			r.tmax = us
		}
	}
	r.add(rep, o)
}

func (r *Result) add(rep Reply, o Options) {
	r.store(rep)
	switch {
	case r.Flood && o.OnMark != nil:
		o.OnMark(floodMark(rep))
	case !r.Flood && o.OnLine != nil:
		o.OnLine(r.Line(rep))
	}
}

// floodMark is what ping -f prints for an answer: a reply erases the dot
// its echo printed; an error leaves an E in its place, a corrupted reply
// a C.
func floodMark(rep Reply) string {
	switch {
	case rep.Error != "":
		return "\bE"
	case rep.Corrupt:
		return "\bC"
	}
	return "\b \b"
}
