package ping

import (
	"net/netip"
	"time"
)

// A flood keeps 100,000 replies. As []Reply they took 10 MB of memory with
// pointers in it (the source address, the texts), which the garbage
// collector scanned in the middle of the flood: about a tenth of the
// flood's CPU time. A record is the same reply in 32 bytes without a
// pointer: sources and texts are numbered, each kept once in the Result.

// record is one Reply, kept compact.
type record struct {
	seq   int64
	rtt   time.Duration
	from  uint32 // index in Result.froms
	bytes int32
	text  uint32 // 1 + index in Result.texts of the error or note; 0: none
	ttl   uint8
	flags uint8
}

const (
	recDup     = 1 << iota
	recSendErr // the error came from sendmsg
	recNote    // text is a note (TCP), not an error
	recCorrupt
)

// store keeps rep in r.
func (r *Result) store(rep Reply) {
	rec := record{seq: int64(rep.Seq), rtt: rep.RTT, from: r.fromIndex(rep.From), bytes: int32(rep.Bytes), ttl: uint8(rep.TTL)}
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
	r.records = append(r.records, rec)
}

// fromIndex numbers a source address; a ping hears from one or a few, so
// the last one is checked first.
func (r *Result) fromIndex(a netip.Addr) uint32 {
	if n := len(r.froms); n > 0 && r.froms[r.lastFrom] == a {
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
func (r *Result) NumReplies() int { return len(r.records) }

// Reply is the i-th reply or error (from 0), in the order they came.
func (r *Result) Reply(i int) Reply {
	rec := &r.records[i]
	rep := Reply{Seq: int(rec.seq), From: r.froms[rec.from], Bytes: int(rec.bytes), TTL: int(rec.ttl), RTT: rec.rtt,
		Dup: rec.flags&recDup != 0, Corrupt: rec.flags&recCorrupt != 0, sendErr: rec.flags&recSendErr != 0}
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
	out := make([]Reply, len(r.records))
	for i := range out {
		out[i] = r.Reply(i)
	}
	return out
}
