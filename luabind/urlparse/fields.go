package urlparse

import (
	"math"
	"unsafe"
)

// fields are a result's (up to) six strings. urlparse's and urlsplit's are
// all substrings of the URL they were given, so they are kept as offsets
// into it: a result then fits Go's 96-byte size class instead of 144, and
// a loop over a million URLs allocates a quarter less (allocation was the
// largest cost left in bench/addrurl's loop). Fields that are not cut from
// the text (a default scheme, a URL that clean rebuilt without its tabs,
// _replace's values, a URL over 64 KiB) are kept as strings of their own.
type fields struct {
	text string
	cuts [6][2]uint16 // field i is text[cuts[i][0]:cuts[i][1]]
	own  *[6]string   // the fields themselves, when not all are cuts
}

// cutFields keeps f as cuts of text when it can.
func cutFields(text string, f *[6]string) fields {
	out := fields{text: text}
	if len(text) <= math.MaxUint16 {
		all := true
		for i, s := range f {
			from, ok := offsetIn(text, s)
			if !ok {
				all = false
				break
			}
			out.cuts[i] = [2]uint16{uint16(from), uint16(from + len(s))}
		}
		if all {
			return out
		}
	}
	own := new([6]string)
	*own = *f
	return fields{own: own}
}

// offsetIn is where s starts in text when s is a substring of text by
// memory (sliced from it), not merely by content; "" is anywhere.
// Comparing addresses is safe: Go's heap does not move, and no address
// is turned back into a pointer.
func offsetIn(text, s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if at < base || at-base+uintptr(len(s)) > uintptr(len(text)) {
		return 0, false
	}
	return int(at - base), true
}

// at is field i.
func (f *fields) at(i int) string {
	if f.own != nil {
		return f.own[i]
	}
	c := f.cuts[i]
	return f.text[c[0]:c[1]]
}

// all is every field (those past the kind's count are "").
func (f *fields) all() [6]string {
	if f.own != nil {
		return *f.own
	}
	var out [6]string
	for i := range out {
		out[i] = f.at(i)
	}
	return out
}
