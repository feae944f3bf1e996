package ping

import (
	"math"
	"net/netip"
	"sort"
	"time"
)

// A flood keeps 100,000 replies. As []Reply they took 10 MB with pointers
// in it (the source address, the texts), which the garbage collector
// scanned in the middle of the flood; and on this project's machines (a
// paravirtualised VM) each page a process touches for the first time costs
// about 20 µs, so memory is time. Almost every reply of a flood is like
// the one before it: the next sequence number, from the same host, the
// same size and TTL. So each reply keeps only its round trip (4 bytes), and
// a reply that differs from that pattern also keeps a record of its other
// fields in odd.

// record is a reply's fields but its round trip.
type record struct {
	seq   int64
	from  uint32 // index in Result.froms
	bytes int32
	text  uint32 // 1 + index in Result.texts of the error or note; 0: none
	ttl   uint8
	flags uint8
	// longRTT holds a round trip too long for rtts (71 minutes or more).
	longRTT time.Duration
}

const (
	recDup     = 1 << iota
	recSendErr // the error came from sendmsg
	recNote    // text is a note (TCP), not an error
	recCorrupt
)

// oddReply is reply i's record, where it is not the usual one.
type oddReply struct {
	i   int
	rec record
}

// replies holds a Result's replies.
type replies struct {
	rtts  []uint32   // µs (iputils' resolution), saturated; one per reply
	odd   []oddReply // by i
	usual record     // the previous reply's record: a reply like it, with the next seq, is not odd
	marks int        // errors that leave an E on a flood's screen

	froms       []netip.Addr
	fromIndexes map[netip.Addr]uint32
	lastFrom    uint32
	texts       []string
	textIndexes map[string]uint32
}

// store keeps rep in r.
func (r *Result) store(rep Reply) {
	rec := record{seq: int64(rep.Seq), from: r.fromIndex(rep.From), bytes: int32(rep.Bytes), ttl: uint8(rep.TTL)}
	switch {
	case rep.Error != "":
		rec.text = r.textIndex(rep.Error)
	case rep.Note != "":
		rec.text = r.textIndex(rep.Note)
		rec.flags |= recNote
	}
	if rep.Dup {
		rec.flags |= recDup
	}
	if rep.sendErr {
		rec.flags |= recSendErr
	}
	if rep.Corrupt {
		rec.flags |= recCorrupt
	}
	if rep.Error != "" && !rep.Dup {
		r.marks++
	}
	us := rep.RTT.Microseconds()
	if us >= math.MaxUint32 {
		rec.longRTT = rep.RTT.Truncate(time.Microsecond)
	}
	i := len(r.rtts)
	next := r.usual
	next.seq++
	if i == 0 || rec != next {
		r.odd = append(r.odd, oddReply{i, rec})
	}
	r.usual = rec
	r.rtts = append(r.rtts, uint32(min(us, math.MaxUint32)))
}

// fromIndex numbers a source address; a ping hears from one or a few, so
// the last one is checked first.
func (r *Result) fromIndex(a netip.Addr) uint32 {
	if len(r.froms) > 0 && r.froms[r.lastFrom] == a {
		return r.lastFrom
	}
	i, ok := r.fromIndexes[a]
	if !ok {
		if r.fromIndexes == nil {
			r.fromIndexes = map[netip.Addr]uint32{}
		}
		i = uint32(len(r.froms))
		r.froms = append(r.froms, a)
		r.fromIndexes[a] = i
	}
	r.lastFrom = i
	return i
}

func (r *Result) textIndex(s string) uint32 {
	i, ok := r.textIndexes[s]
	if !ok {
		if r.textIndexes == nil {
			r.textIndexes = map[string]uint32{}
		}
		r.texts = append(r.texts, s)
		i = uint32(len(r.texts))
		r.textIndexes[s] = i
	}
	return i
}

// NumReplies is how many replies and errors r holds.
func (r *Result) NumReplies() int { return len(r.rtts) }

// Reply is the i-th reply or error (from 0), in the order they came. Its
// RTT has iputils' resolution, the microsecond.
func (r *Result) Reply(i int) Reply {
	// The last odd reply at or before i (the first reply is odd).
	k := sort.Search(len(r.odd), func(k int) bool { return r.odd[k].i > i }) - 1
	rec := r.odd[k].rec
	rec.seq += int64(i - r.odd[k].i)
	rep := Reply{Seq: int(rec.seq), From: r.froms[rec.from], Bytes: int(rec.bytes), TTL: int(rec.ttl),
		RTT: time.Duration(r.rtts[i]) * time.Microsecond, Dup: rec.flags&recDup != 0,
		Corrupt: rec.flags&recCorrupt != 0, sendErr: rec.flags&recSendErr != 0}
	if rec.longRTT > 0 {
		rep.RTT = rec.longRTT
	}
	if rec.text > 0 {
		if rec.flags&recNote != 0 {
			rep.Note = r.texts[rec.text-1]
		} else {
			rep.Error = r.texts[rec.text-1]
		}
	}
	return rep
}

// Replies are all of r's replies and errors, made afresh on each call.
func (r *Result) Replies() []Reply {
	out := make([]Reply, len(r.rtts))
	for i := range out {
		out[i] = r.Reply(i)
	}
	return out
}
