package dns

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	miekg "github.com/miekg/dns"
)

// DefaultTTL is the TTL of zone lines that give none (and no $TTL).
const DefaultTTL = 3600

// MaxZoneRecords bounds a zone: a lab zone is small, and a typo in a
// generator ($GENERATE 1-10000000) should not eat the machine.
const MaxZoneRecords = 20000

// ParseZone reads zone-file text ("www.lab.test CNAME web.lab.test", one
// record a line, $ORIGIN and $TTL allowed, $INCLUDE not). Names without a
// trailing dot are relative to $ORIGIN, or to the root without one, so
// "web.lab.test" means "web.lab.test.". Errors name the line.
func ParseZone(text string) ([]miekg.RR, error) {
	if rrs, ok := parsed.get(text); ok {
		return rrs, nil
	}
	zp := miekg.NewZoneParser(strings.NewReader(dedent(text)), ".", "")
	zp.SetDefaultTTL(DefaultTTL)
	var rrs []miekg.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if len(rrs) == MaxZoneRecords {
			return nil, fmt.Errorf("zone has more than %d records", MaxZoneRecords)
		}
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return nil, errors.New("zone: " + ZoneErrorText(err) + zoneHint)
	}
	parsed.put(text, rrs)
	return rrs, nil
}

// zoneHint reminds a learner of a zone line's shape.
const zoneHint = " (a zone line is: name [ttl] [class] type data, e.g. \"web.lab.test A 127.0.0.2\")"

// dedent removes the indentation every non-blank line shares, as Python's
// textwrap.dedent does, so that a zone written indented inside a Lua
// [[long string]] parses: in a zone file a line that starts with blanks
// would otherwise continue the previous owner name.
func dedent(text string) string {
	lines := strings.Split(text, "\n")
	common := ""
	first := true
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if first {
			common, first = indent, false
			continue
		}
		for !strings.HasPrefix(indent, common) {
			common = common[:len(common)-1]
		}
	}
	if common == "" {
		return text
	}
	for i, line := range lines {
		lines[i] = strings.TrimPrefix(line, common)
	}
	return strings.Join(lines, "\n")
}

// ZoneErrorText words the library's parse error for a person: "bad A A:
// "not-an-ip" at line 2:14" rather than "dns: bad A A: ... at line: 2:14".
func ZoneErrorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "dns: ")
	return strings.Replace(s, " at line: ", " at line ", 1)
}

// Zone answers questions from a set of records, as an authoritative server
// does: CNAME chains inside the zone are followed, a missing name under
// the zone's domain is NXDOMAIN with the SOA (if any) in the authority
// section, an existing name without the type asked is NODATA, wildcards
// ("*.lab.test") match missing names, and the addresses of MX, SRV and NS
// targets in the zone go in the additional section.
type Zone struct {
	byName  map[string][]miekg.RR // lower-case owner name
	parents map[string]bool       // names that exist only as ancestors (empty non-terminals)
	apexes  []string              // the zone's domains: SOA owners, else the common suffix
	soa     map[string]*miekg.SOA
}

// NewZone indexes rrs. OPT records and the like are ignored.
func NewZone(rrs []miekg.RR) *Zone {
	z := &Zone{byName: map[string][]miekg.RR{}, parents: map[string]bool{}, soa: map[string]*miekg.SOA{}}
	for _, rr := range rrs {
		if rr.Header().Rrtype == miekg.TypeOPT {
			continue
		}
		name := strings.ToLower(rr.Header().Name)
		z.byName[name] = append(z.byName[name], rr)
		if soa, ok := rr.(*miekg.SOA); ok {
			z.soa[name] = soa
			z.apexes = append(z.apexes, name)
		}
	}
	for name := range z.byName {
		for p := parent(name); p != ""; p = parent(p) {
			z.parents[p] = true
		}
	}
	if len(z.apexes) == 0 {
		z.apexes = impliedDomains(z.byName)
	}
	sort.Slice(z.apexes, func(i, j int) bool { return len(z.apexes[i]) > len(z.apexes[j]) })
	return z
}

// Len is the number of records.
func (z *Zone) Len() int {
	n := 0
	for _, rrs := range z.byName {
		n += len(rrs)
	}
	return n
}

// Apexes are the domains the zone is authoritative for.
func (z *Zone) Apexes() []string { return z.apexes }

// parent strips the first label: "www.lab.test." → "lab.test.", "test." →
// ".", "." → "".
func parent(name string) string {
	if name == "." || name == "" {
		return ""
	}
	labels := miekg.SplitDomainName(name)
	if len(labels) <= 1 {
		return "."
	}
	i := strings.IndexByte(name, '.') // names with escaped dots are rare in labs
	return name[i+1:]
}

// impliedDomains are the domains of a zone without SOA: each name's parent
// (lab.test for web.lab.test), or the name itself when its parent would be
// a top-level domain alone; those under another one are dropped.
func impliedDomains(names map[string][]miekg.RR) []string {
	set := map[string]bool{}
	for name := range names {
		d := parent(name)
		if miekg.CountLabel(d) < 2 {
			d = name
		}
		if miekg.CountLabel(d) >= 2 {
			set[d] = true
		}
	}
	var out []string
	for d := range set {
		covered := false
		for p := parent(d); p != "" && !covered; p = parent(p) {
			covered = set[p]
		}
		if !covered {
			out = append(out, d)
		}
	}
	return out
}

// Authoritative reports whether name is at or under one of the zone's
// domains.
func (z *Zone) Authoritative(name string) bool { return z.apexOf(strings.ToLower(name)) != "" }

func (z *Zone) apexOf(name string) string {
	for _, apex := range z.apexes {
		if miekg.IsSubDomain(apex, name) {
			return apex
		}
	}
	return ""
}

// Answer is what a zone says to a question.
type Answer struct {
	Rcode      int
	Answer     []miekg.RR
	Authority  []miekg.RR
	Additional []miekg.RR
	Known      bool // the zone holds the name or is authoritative for it
}

// maxChain bounds CNAME chasing inside a zone (a loop is a lab's typo).
const maxChain = 16

// Lookup answers q from the zone.
func (z *Zone) Lookup(q miekg.Question) Answer {
	name := strings.ToLower(q.Name)
	var a Answer
	seen := map[string]bool{}
	for hop := 0; hop < maxChain && !seen[name]; hop++ {
		seen[name] = true
		rrs, exists := z.records(name, q.Name)
		if !exists {
			if hop == 0 {
				if z.parents[name] { // an empty non-terminal exists: NODATA
					a.Known = true
					a.Authority = z.soaFor(name)
					return a
				}
				if z.apexOf(name) == "" {
					return a // not ours: the server decides (REFUSED or NXDOMAIN)
				}
				a.Known, a.Rcode = true, miekg.RcodeNameError
				a.Authority = z.soaFor(name)
			}
			return a // a CNAME leads out of what the zone has: the chain so far
		}
		a.Known = true
		var matched []miekg.RR
		var cname miekg.RR
		for _, rr := range rrs {
			h := rr.Header()
			if h.Class != q.Qclass && q.Qclass != miekg.ClassANY {
				continue
			}
			switch {
			case q.Qtype == miekg.TypeANY || h.Rrtype == q.Qtype:
				matched = append(matched, rr)
			case h.Rrtype == miekg.TypeCNAME:
				cname = rr
			}
		}
		if len(matched) > 0 {
			a.Answer = append(a.Answer, matched...)
			break
		}
		if cname == nil { // NODATA: the name exists without this type
			if len(a.Answer) == 0 {
				a.Authority = z.soaFor(name)
			}
			break
		}
		a.Answer = append(a.Answer, cname)
		name = strings.ToLower(cname.(*miekg.CNAME).Target)
	}
	a.Additional = z.glue(a.Answer)
	return a
}

// records returns the records at name, or those of the wildcard that
// covers it, renamed to qname.
func (z *Zone) records(name, qname string) ([]miekg.RR, bool) {
	if rrs, ok := z.byName[name]; ok {
		return rrs, true
	}
	if z.parents[name] {
		return nil, false
	}
	for p := parent(name); p != ""; p = parent(p) {
		wild := "*." + p
		if p == "." {
			wild = "*."
		}
		if rrs, ok := z.byName[wild]; ok {
			out := make([]miekg.RR, len(rrs))
			for i, rr := range rrs {
				out[i] = miekg.Copy(rr)
				out[i].Header().Name = qname
			}
			return out, true
		}
		if _, ok := z.byName[p]; ok || z.parents[p] {
			break // the closest encloser has no wildcard
		}
	}
	return nil, false
}

func (z *Zone) soaFor(name string) []miekg.RR {
	apex := z.apexOf(name)
	soa := z.soa[apex]
	if soa == nil {
		return nil
	}
	neg := miekg.Copy(soa)
	if soa.Minttl < soa.Hdr.Ttl { // RFC 2308: negative answers live min(TTL, MINIMUM)
		neg.Header().Ttl = soa.Minttl
	}
	return []miekg.RR{neg}
}

// glue adds the zone's addresses of the names an answer points to.
func (z *Zone) glue(answer []miekg.RR) []miekg.RR {
	var extra []miekg.RR
	for _, rr := range answer {
		var target string
		switch x := rr.(type) {
		case *miekg.MX:
			target = x.Mx
		case *miekg.SRV:
			target = x.Target
		case *miekg.NS:
			target = x.Ns
		default:
			continue
		}
		for _, g := range z.byName[strings.ToLower(target)] {
			if t := g.Header().Rrtype; t == miekg.TypeA || t == miekg.TypeAAAA {
				extra = append(extra, g)
			}
		}
	}
	return extra
}
