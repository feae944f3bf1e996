package resolver

// The DNS wire format, all of it in this file, behind two functions so
// that a DNS library can replace it:
//
//	packQuery(fqdn, qtype) (msg, id, err)   a recursive query for one name
//	unpackAnswer(msg, id, qtype) (*dnsAnswer, error)
//
// unpackAnswer follows the CNAME chain from the question's name and keeps
// the records of qtype at its end; its errors are *dnsError (NXDOMAIN,
// no data, or anything else: a server failure or a malformed answer).

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net/netip"
	"strings"
)

// packQuery makes a recursive query for qtype of fqdn and returns it
// with its ID.
func packQuery(fqdn string, qtype uint16) ([]byte, uint16, error) {
	id := uint16(rand.Uint32())
	b := make([]byte, 12, 64)
	binary.BigEndian.PutUint16(b, id)
	b[2] = 0x01 // RD
	b[5] = 1    // QDCOUNT
	for _, label := range strings.Split(strings.TrimSuffix(fqdn, "."), ".") {
		if len(label) == 0 || len(label) > 63 {
			return nil, 0, errors.New("bad name")
		}
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	b = append(b, 0, byte(qtype>>8), byte(qtype), 0, 1)
	if len(b) > 12+255+4 {
		return nil, 0, errors.New("name too long")
	}
	return b, id, nil
}

// readName decodes a possibly compressed name at off; it returns the name
// (no trailing dot) and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	end := -1
	for jumps := 0; jumps < 64; {
		if off >= len(msg) {
			return "", 0, errors.New("short")
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.Join(labels, "."), end, nil
		case l&0xC0 == 0xC0:
			if off+1 >= len(msg) {
				return "", 0, errors.New("short")
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3FFF)
			jumps++
		default:
			if off+1+l > len(msg) {
				return "", 0, errors.New("short")
			}
			labels = append(labels, string(msg[off+1:off+1+l]))
			off += 1 + l
		}
	}
	return "", 0, errors.New("loop")
}

// unpackAnswer reads the answer to query id (see the file comment); a
// message that is not that answer is a *dnsError of no kind.
func unpackAnswer(msg []byte, id, qtype uint16) (*dnsAnswer, error) {
	if len(msg) < 12 || binary.BigEndian.Uint16(msg) != id || msg[2]&0x80 == 0 {
		return nil, &dnsError{}
	}
	rcode := msg[3] & 0x0F
	switch rcode {
	case 0:
	case 3:
		return nil, &dnsError{notFound: true}
	default:
		return nil, &dnsError{}
	}
	qd := int(binary.BigEndian.Uint16(msg[4:]))
	an := int(binary.BigEndian.Uint16(msg[6:]))
	off := 12
	var qname string
	for i := 0; i < qd; i++ {
		n, o, err := readName(msg, off)
		if err != nil {
			return nil, &dnsError{}
		}
		qname, off = n, o+4
	}
	ans := &dnsAnswer{name: qname}
	want := qname
	for i := 0; i < an; i++ {
		owner, o, err := readName(msg, off)
		if err != nil || o+10 > len(msg) {
			return nil, &dnsError{}
		}
		typ := binary.BigEndian.Uint16(msg[o:])
		rdlen := int(binary.BigEndian.Uint16(msg[o+8:]))
		rd := o + 10
		if rd+rdlen > len(msg) {
			return nil, &dnsError{}
		}
		off = rd + rdlen
		if !strings.EqualFold(owner, want) {
			continue
		}
		switch typ {
		case typeCNAME:
			target, _, err := readName(msg, rd)
			if err != nil {
				return nil, &dnsError{}
			}
			ans.cnames = append(ans.cnames, owner)
			want, ans.name = target, target
		case typeA:
			if qtype == typeA && rdlen == 4 {
				ans.addrs = append(ans.addrs, netip.AddrFrom4([4]byte(msg[rd:rd+4])))
			}
		case typeAAAA:
			if qtype == typeAAAA && rdlen == 16 {
				ans.addrs = append(ans.addrs, netip.AddrFrom16([16]byte(msg[rd:rd+16])))
			}
		case typePTR:
			if qtype == typePTR {
				target, _, err := readName(msg, rd)
				if err == nil {
					ans.ptrs = append(ans.ptrs, target)
				}
			}
		}
	}
	if len(ans.addrs) == 0 && len(ans.ptrs) == 0 {
		return nil, &dnsError{noData: true, viaCNAME: len(ans.cnames) > 0}
	}
	return ans, nil
}
