package ping

import (
	"encoding/binary"
	"fmt"
	"net/netip"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// Reading the ICMP messages that answer our probes: an echo reply, or an
// ICMP error quoting the probe's packet, as ping (match) and traceroute
// (traceMatch) read them, and the words iputils and traceroute print for
// the errors.

// match turns a packet into an event about one of our echo requests.
func (ic *icmpConn) match(pkt packet, dst netip.Addr) (event, bool) {
	ev := event{from: pkt.from, ttl: pkt.ttl, bytes: len(pkt.msg), at: pkt.at}
	if len(pkt.msg) >= 8 && (pkt.msg[0] == 0 && !ic.v6 || pkt.msg[0] == 129 && ic.v6) {
		// An echo reply, read without icmp.ParseMessage (floods read 100,000).
		if ic.method == MethodRaw && (int(binary.BigEndian.Uint16(pkt.msg[4:])) != ic.id&0xffff || pkt.from != dst) {
			return event{}, false
		}
		ev.wire = int(binary.BigEndian.Uint16(pkt.msg[6:]))
		ev.corrupt = ic.method == MethodRaw && !ic.v6 && checksum(pkt.msg) != 0
		return ev, true
	}
	m, err := icmp.ParseMessage(ic.proto(), pkt.msg)
	if err != nil {
		return event{}, false
	}
	switch body := m.Body.(type) {
	case *icmp.Echo:
		if m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply {
			return event{}, false
		}
		if ic.method == MethodRaw && (body.ID != ic.id&0xffff || pkt.from != dst) {
			return event{}, false
		}
		ev.wire = body.Seq
		ev.corrupt = ic.method == MethodRaw && !ic.v6 && checksum(pkt.msg) != 0
		return ev, true
	case *icmp.DstUnreach:
		ev.err = errorText(m.Type, m.Code)
		return ic.quotedEcho(ev, body.Data)
	case *icmp.TimeExceeded:
		ev.err = errorText(m.Type, m.Code)
		return ic.quotedEcho(ev, body.Data)
	case *icmp.PacketTooBig:
		ev.err = fmt.Sprintf("Packet too big: mtu=%d", body.MTU)
		return ic.quotedEcho(ev, body.Data)
	}
	return event{}, false
}

// quotedEcho finds our echo request in an ICMP error's quoted packet.
func (ic *icmpConn) quotedEcho(ev event, data []byte) (event, bool) {
	proto, l4, _ := quotedPacket(data)
	if proto != ic.proto() || len(l4) < 8 {
		return event{}, false
	}
	if l4[0] != 8 && l4[0] != 128 { // echo request
		return event{}, false
	}
	if ic.method == MethodRaw && int(binary.BigEndian.Uint16(l4[4:])) != ic.id&0xffff {
		return event{}, false
	}
	ev.wire = int(binary.BigEndian.Uint16(l4[6:]))
	return ev, true
}

// quotedPacket reads the IP header an ICMP error quotes: the protocol, the
// start of the transport header and the destination.
func quotedPacket(data []byte) (proto int, l4 []byte, dst netip.Addr) {
	if len(data) < 1 {
		return 0, nil, netip.Addr{}
	}
	switch data[0] >> 4 {
	case 4:
		ihl := int(data[0]&0x0f) * 4
		if ihl < 20 || len(data) < ihl {
			return 0, nil, netip.Addr{}
		}
		dst, _ = netip.AddrFromSlice(data[16:20])
		return int(data[9]), data[ihl:], dst
	case 6:
		if len(data) < 40 {
			return 0, nil, netip.Addr{}
		}
		dst, _ = netip.AddrFromSlice(data[24:40])
		return int(data[6]), data[40:], dst
	}
	return 0, nil, netip.Addr{}
}

// errorText is iputils' wording of an ICMP error.
func errorText(t icmp.Type, code int) string {
	switch t {
	case ipv4.ICMPTypeDestinationUnreachable:
		texts := map[int]string{0: "Destination Net Unreachable", 1: "Destination Host Unreachable",
			2: "Destination Protocol Unreachable", 3: "Destination Port Unreachable",
			4: "Frag needed", 5: "Source Route Failed", 6: "Destination Net Unknown",
			7: "Destination Host Unknown", 8: "Source Host Isolated", 9: "Destination Net Prohibited",
			10: "Destination Host Prohibited", 11: "Destination Net Unreachable for Type of Service",
			12: "Destination Host Unreachable for Type of Service", 13: "Packet filtered",
			14: "Precedence Violation", 15: "Precedence Cutoff"}
		if s, ok := texts[code]; ok {
			return s
		}
		return fmt.Sprintf("Dest Unreachable, Bad Code: %d", code)
	case ipv4.ICMPTypeTimeExceeded:
		if code == 1 {
			return "Frag reassembly time exceeded"
		}
		return "Time to live exceeded"
	case ipv6.ICMPTypeDestinationUnreachable:
		texts := map[int]string{0: "No route", 1: "Administratively prohibited", 2: "Beyond scope of source address",
			3: "Address unreachable", 4: "Port unreachable", 5: "Source address failed ingress/egress policy",
			6: "Reject route to destination"}
		s, ok := texts[code]
		if !ok {
			s = fmt.Sprintf("Unknown code %d", code)
		}
		return "Destination unreachable: " + s
	case ipv6.ICMPTypeTimeExceeded:
		if code == 1 {
			return "Time exceeded: Defragmentation failure"
		}
		return "Time exceeded: Hop limit"
	}
	return fmt.Sprintf("ICMP type %v code %d", t, code)
}

// traceMatch reads one ICMP packet as an answer to a traceroute probe.
func (ic *icmpConn) traceMatch(pkt packet, dst netip.Addr, method string) (traceAnswer, bool) {
	m, err := icmp.ParseMessage(ic.proto(), pkt.msg)
	if err != nil {
		return traceAnswer{}, false
	}
	a := traceAnswer{from: pkt.from, at: pkt.at}
	var quoted []byte
	switch body := m.Body.(type) {
	case *icmp.Echo:
		if method != "icmp" || (m.Type != ipv4.ICMPTypeEchoReply && m.Type != ipv6.ICMPTypeEchoReply) || body.ID != ic.id&0xffff {
			return traceAnswer{}, false
		}
		a.key, a.reached = probeKey{body.ID, body.Seq}, pkt.from == dst
		return a, true
	case *icmp.TimeExceeded:
		quoted = body.Data
	case *icmp.DstUnreach:
		quoted = body.Data
		a.note, a.reached = unreachNote(m.Type, m.Code, method, pkt.from == dst)
	default:
		return traceAnswer{}, false
	}
	proto, l4, qdst := quotedPacket(quoted)
	if qdst != dst || len(l4) < 8 {
		return traceAnswer{}, false
	}
	be := binary.BigEndian
	switch {
	case method == "udp" && proto == unix.IPPROTO_UDP, method == "tcp" && proto == unix.IPPROTO_TCP:
		a.key = probeKey{int(be.Uint16(l4)), int(be.Uint16(l4[2:]))}
	case method == "icmp" && (proto == 1 || proto == 58):
		if int(be.Uint16(l4[4:])) != ic.id&0xffff {
			return traceAnswer{}, false
		}
		a.key = probeKey{int(be.Uint16(l4[4:])), int(be.Uint16(l4[6:]))}
	default:
		return traceAnswer{}, false
	}
	return a, true
}

// unreachNote is traceroute's annotation of an unreachable error, and
// whether it means the probe reached the target (a UDP port unreachable
// from the target itself is the normal end of a UDP trace).
func unreachNote(t icmp.Type, code int, method string, fromTarget bool) (string, bool) {
	portUnreach := (t == ipv4.ICMPTypeDestinationUnreachable && code == 3) || (t == ipv6.ICMPTypeDestinationUnreachable && code == 4)
	if portUnreach && fromTarget {
		return "", true
	}
	v4 := map[int]string{0: "!N", 1: "!H", 2: "!P", 3: "", 9: "!X", 10: "!X", 13: "!X"}
	v6 := map[int]string{0: "!N", 1: "!X", 3: "!H", 4: ""}
	table := v4
	if t == ipv6.ICMPTypeDestinationUnreachable {
		table = v6
	}
	note, ok := table[code]
	if !ok {
		note = fmt.Sprintf("!<%d>", code)
	}
	return note, true
}
