package dns

import (
	"strings"
	"testing"

	miekg "github.com/miekg/dns"
)

func TestParseZoneErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"www.lab.test CNAME web.lab.test\nweb.lab.test A 127.0.0.2", ""},
		{"web.lab.test A not-an-ip", "bad A A"},
		{"web.lab.test A 127.0.0.1\nweb.lab.test MX ten mail", "line 2"},
		{"web.lab.test FOO bar", "a zone line is: name [ttl] [class] type data"},
		{"$INCLUDE /etc/passwd", "$INCLUDE"},
		{strings.Repeat("a", 64) + ".test A 127.0.0.1", "bad owner name"},
		{"(", "zone"},
		{"\t  www.lab.test CNAME web.lab.test\n\n\t  web.lab.test A 127.0.0.2\n\t", ""},
	}
	for _, c := range cases {
		rrs, err := ParseZone(c.text)
		if c.want == "" {
			if err != nil || len(rrs) != 2 || rrs[0].Header().Name != "www.lab.test." || rrs[0].Header().Ttl != DefaultTTL {
				t.Errorf("ParseZone(%q) = %v, %v", c.text, rrs, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseZone(%q): %v, want error with %q", c.text, err, c.want)
		}
	}
}

func TestFieldsRoundTrip(t *testing.T) {
	rrs, err := ParseZone(labZone)
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range rrs {
		fields := map[string]any{}
		for _, f := range Fields(rr) {
			if f.Name == "text" {
				continue
			}
			fields[f.Name] = f.Value
		}
		h := rr.Header()
		got, err := BuildRR(Record{Name: h.Name, Type: h.Rrtype, TTL: h.Ttl, Fields: fields})
		if err != nil {
			t.Errorf("BuildRR(%v): %v", rr, err)
			continue
		}
		if got.String() != rr.String() {
			t.Errorf("round trip: %s, want %s", got, rr)
		}
	}
	want := map[uint16]string{miekg.TypeMX: "preference exchange", miekg.TypeSOA: "mname rname serial refresh retry expire minimum",
		miekg.TypeSRV: "priority weight port target", miekg.TypeA: "address", miekg.TypeCAA: "flags tag value"}
	for typ, names := range want {
		if got := strings.Join(FieldNames(typ), " "); got != names {
			t.Errorf("FieldNames(%s) = %q, want %q", TypeName(typ), got, names)
		}
	}
}

func TestBuildRRErrors(t *testing.T) {
	cases := []struct {
		r    Record
		want string
	}{
		{Record{Name: "a.test", Type: miekg.TypeA}, "no data"},
		{Record{Name: "a.test", Type: miekg.TypeA, Data: "300.1.1.1"}, "bad A"},
		{Record{Name: "a.test", Type: miekg.TypeA, Fields: map[string]any{"adress": "1.2.3.4"}}, `unknown field "adress"`},
		{Record{Name: "a.test", Type: miekg.TypeMX, Fields: map[string]any{"exchange": "m.test"}}, `missing field "preference"`},
		{Record{Name: "a.test", Type: miekg.TypeMX, Fields: map[string]any{"preference": 1.5, "exchange": "m"}}, "integer"},
		{Record{Name: "a.test", Type: miekg.TypeCNAME, Fields: map[string]any{"target": "two words"}}, "single word"},
		{Record{Name: strings.Repeat("a", 70) + ".test", Type: miekg.TypeA, Data: "1.2.3.4"}, "at most 63"},
	}
	for _, c := range cases {
		if _, err := BuildRR(c.r); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("BuildRR(%+v): %v, want %q", c.r, err, c.want)
		}
	}
	rr, err := BuildRR(Record{Name: "t.test", Type: miekg.TypeTXT, Fields: map[string]any{"text": strings.Repeat("q", 300) + `"\`}})
	if err != nil || fieldValue(rr, "text") != strings.Repeat("q", 300)+`"\` || len(rr.(*miekg.TXT).Txt) != 2 {
		t.Fatalf("long TXT: %v %v", rr, err)
	}
}

// FuzzParseZone: any text either parses into records that a zone can
// index and answer from, or gives an error; never a panic or a hang.
func FuzzParseZone(f *testing.F) {
	for _, seed := range []string{labZone, "www.lab.test CNAME web.lab.test\nweb.lab.test A 127.0.0.2",
		"$ORIGIN lab.test.\n@ SOA ns admin 1 2 3 4 5\nwww CNAME @", "$GENERATE 1-5 h$ A 10.0.0.$", "a ( A\n 1.2.3.4 )",
		"*.w.test. TXT \"x\\\"y\"", "x. 1 CH TXT a", "x. TYPE999 \\# 2 abcd", "\"", "a.b. IN A 1.2.3.4 ; c"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rrs, err := ParseZone(text)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		z := NewZone(rrs)
		for i, rr := range rrs {
			if i == 50 {
				break
			}
			h := rr.Header()
			z.Lookup(miekg.Question{Name: h.Name, Qtype: h.Rrtype, Qclass: h.Class})
			z.Lookup(miekg.Question{Name: "x." + h.Name, Qtype: miekg.TypeA, Qclass: miekg.ClassINET})
			_ = Fields(rr)
			if got, want := Data(rr), slowData(rr); got != want {
				t.Fatalf("Data(%q) = %q, want %q", rr.String(), got, want)
			}
		}
	})
}

func fieldValue(rr miekg.RR, name string) any {
	for _, f := range Fields(rr) {
		if f.Name == name {
			return f.Value
		}
	}
	return nil
}

// slowData is Data as the library defines it: the record's text without
// its header's text.
func slowData(rr miekg.RR) string { return strings.TrimPrefix(rr.String(), rr.Header().String()) }

// Data cuts the record's text after the header's four columns; names with
// tabs, spaces, quotes and bytes that need escaping must not fool it, for
// any type the library knows (zero data and the lab zone's data).
func TestDataCutsTheHeader(t *testing.T) {
	rrs, err := ParseZone(labZone)
	if err != nil {
		t.Fatal(err)
	}
	for typ, mk := range miekg.TypeToRR {
		for _, name := range []string{"web.lab.test.", "a\tb.test.", "a\\; b\\\"\\(.test.", "\\009\\255x.", "."} {
			rr := mk()
			*rr.Header() = miekg.RR_Header{Name: name, Rrtype: typ, Class: miekg.ClassINET, Ttl: 300}
			rrs = append(rrs, rr)
		}
	}
	for _, rr := range rrs {
		if got, want := Data(rr), slowData(rr); got != want {
			t.Errorf("Data(%q) = %q, want %q", rr.String(), got, want)
		}
	}
}
