package dns

import (
	"encoding/binary"
	"fmt"
	"iter"
	"net"
	"reflect"
	"strings"

	miekg "github.com/miekg/dns"
)

// A record's own fields by name, for the Lua face: mx.preference,
// mx.exchange, soa.serial. The library's struct fields are the source;
// aliases give the common types the names dig's documentation and
// dnspython use, and every other type gets its struct field names in lower
// case (a CAA's flag, tag, value; an SSHFP's algorithm, type, fingerprint).

// fieldAliases maps a type's struct field to its Lua name.
var fieldAliases = map[uint16]map[string]string{
	miekg.TypeA:     {"A": "address"},
	miekg.TypeAAAA:  {"AAAA": "address"},
	miekg.TypeCNAME: {"Target": "target"},
	miekg.TypeDNAME: {"Target": "target"},
	miekg.TypeNS:    {"Ns": "target"},
	miekg.TypePTR:   {"Ptr": "target"},
	miekg.TypeMX:    {"Mx": "exchange"},
	miekg.TypeSOA:   {"Ns": "mname", "Mbox": "rname", "Minttl": "minimum"},
	miekg.TypeTXT:   {"Txt": "strings"},
	miekg.TypeSPF:   {"Txt": "strings"},
	miekg.TypeCAA:   {"Flag": "flags"},
	miekg.TypeHINFO: {"Cpu": "cpu", "Os": "os"},
}

// Field is one named value of a record's data: a string, an int64 or a
// []string.
type Field struct {
	Name  string
	Value any
}

// Data is the record's data as a zone file writes it ("10 mail.lab.test.").
func Data(rr miekg.RR) string {
	s := rr.String()
	if !plainText(rr) {
		return strings.TrimPrefix(s, rr.Header().String())
	}
	// These types write the header's four tab-ended columns (name, TTL,
	// class, type; a name's control characters escaped) and then the data:
	// cutting after the fourth tab spares writing the header a second time,
	// a third of what converting an answer for Lua cost.
	rest := s
	for range 4 {
		i := strings.IndexByte(rest, '\t')
		if i < 0 {
			return strings.TrimPrefix(s, rr.Header().String())
		}
		rest = rest[i+1:]
	}
	return rest
}

// plainText tells the common types whose text is the header's then the
// data's (not OPT, TSIG, TKEY, NULL, or an unknown type's generic form,
// which the library writes otherwise).
func plainText(rr miekg.RR) bool {
	switch rr.(type) {
	case *miekg.A, *miekg.AAAA, *miekg.CNAME, *miekg.DNAME, *miekg.NS, *miekg.PTR, *miekg.MX,
		*miekg.SOA, *miekg.TXT, *miekg.SPF, *miekg.SRV, *miekg.CAA, *miekg.HINFO:
		return true
	}
	return false
}

// Fields returns the record's own fields in the library's order. Values
// the face cannot show as a string, number or list of strings (EDNS0
// options, SVCB parameters) are left out; Data has everything.
func Fields(rr miekg.RR) []Field {
	switch x := rr.(type) { // the commonest answers, without reflection
	case *miekg.A:
		if x.A == nil {
			return nil
		}
		return []Field{{"address", x.A.String()}}
	case *miekg.AAAA:
		if x.AAAA == nil {
			return nil
		}
		return []Field{{"address", x.AAAA.String()}}
	}
	v := reflect.ValueOf(rr)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	t := v.Type()
	var out []Field
	for i, name := range luaFields(t, rr.Header().Rrtype) {
		fv := v.Field(i)
		switch x := fv.Interface().(type) {
		case net.IP:
			if x != nil {
				out = append(out, Field{name, x.String()})
			}
		case string:
			if rr.Header().Rrtype == miekg.TypeHINFO || rr.Header().Rrtype == miekg.TypeCAA && t.Field(i).Name == "Value" {
				x = unescapeTxt(x)
			}
			out = append(out, Field{name, x})
		case []string:
			// The library keeps character-strings escaped (\" \\ \DDD);
			// a script wants the bytes.
			raw := make([]string, len(x))
			for i, s := range x {
				raw[i] = unescapeTxt(s)
			}
			out = append(out, Field{name, raw})
			if rr.Header().Rrtype == miekg.TypeTXT || rr.Header().Rrtype == miekg.TypeSPF {
				out = append(out, Field{"text", strings.Join(raw, "")})
			}
		case bool:
			// no record type in the common set has one; skip
		default:
			switch fv.Kind() {
			case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				out = append(out, Field{name, int64(fv.Uint())})
			case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
				out = append(out, Field{name, fv.Int()})
			}
		}
	}
	return out
}

// luaFields yields the index and Lua name of each field of t, the struct
// of a record of type rrtype, that scripts see: not the header, not the
// unexported ones.
func luaFields(t reflect.Type, rrtype uint16) iter.Seq2[int, string] {
	aliases := fieldAliases[rrtype]
	return func(yield func(int, string) bool) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Name == "Hdr" || !f.IsExported() {
				continue
			}
			name := aliases[f.Name]
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			if !yield(i, name) {
				return
			}
		}
	}
}

// FieldNames lists the names BuildRR takes for a type, in order.
func FieldNames(rrtype uint16) []string {
	mk, ok := miekg.TypeToRR[rrtype]
	if !ok {
		return nil
	}
	var names []string
	for _, name := range luaFields(reflect.TypeOf(mk()).Elem(), rrtype) {
		names = append(names, name)
	}
	return names
}

// Record describes a record to build: its header and either Data (the
// zone-file text of its data) or its Fields by name (strings, numbers, lists
// of strings for TXT).
type Record struct {
	Name   string
	Type   uint16
	Class  uint16 // 0: IN
	TTL    uint32
	Data   string
	Fields map[string]any
}

// BuildRR makes a record from r and checks it by writing it as a zone-file
// line and parsing that line back: what is served is exactly what a zone
// file would hold.
func BuildRR(r Record) (miekg.RR, error) {
	// A record given by its data text is looked up before anything is
	// checked or written: a server's handler returns the same few, and
	// only texts that built a record are remembered.
	var key string
	if r.Data != "" && len(r.Fields) == 0 {
		key = recordKey(r)
		if rr, ok := parsed.getOne(key); ok {
			return rr, nil
		}
	}
	name, err := CheckName(r.Name)
	if err != nil {
		return nil, err
	}
	class := r.Class
	if class == 0 {
		class = miekg.ClassINET
	}
	head := fmt.Sprintf("%s %d %s %s ", name, r.TTL, ClassName(class), TypeName(r.Type))
	data := r.Data
	if data == "" && len(r.Fields) > 0 {
		data, err = dataFromFields(r.Type, r.Fields)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", name, TypeName(r.Type), err)
		}
	}
	if data == "" {
		return nil, fmt.Errorf("%s %s: no data (give data = \"…\" or the fields %s)", name, TypeName(r.Type), strings.Join(FieldNames(r.Type), ", "))
	}
	rr, err := miekg.NewRR(head + data)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %s", name, TypeName(r.Type), ZoneErrorText(err))
	}
	if rr == nil {
		return nil, fmt.Errorf("%s %s: no record", name, TypeName(r.Type))
	}
	if key != "" {
		parsed.put(key, []miekg.RR{rr})
	}
	return rr, nil
}

// recordKey names r in the parsed cache. It starts with a NUL, which no
// zone text that ParseZone remembers does.
func recordKey(r Record) string {
	b := make([]byte, 0, 1+4+2+2+len(r.Name)+1+len(r.Data))
	b = append(b, 0)
	b = binary.BigEndian.AppendUint32(b, r.TTL)
	b = binary.BigEndian.AppendUint16(b, r.Type)
	b = binary.BigEndian.AppendUint16(b, r.Class)
	b = append(b, r.Name...)
	b = append(b, 0)
	b = append(b, r.Data...)
	return string(b)
}

// dataFromFields writes named fields as zone-file data, in the type's
// field order. Every field must be given; unknown names are errors.
func dataFromFields(rrtype uint16, fields map[string]any) (string, error) {
	names := FieldNames(rrtype)
	if names == nil {
		return "", fmt.Errorf("fields are not known for this type: give data = \"…\"")
	}
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	if rrtype == miekg.TypeTXT || rrtype == miekg.TypeSPF {
		known["text"] = true
	}
	for k := range fields {
		if !known[k] {
			return "", fmt.Errorf("unknown field %q (fields: %s)", k, strings.Join(names, ", "))
		}
	}
	var parts []string
	for _, n := range names {
		v, ok := fields[n]
		if !ok && n == "strings" {
			v, ok = fields["text"]
		}
		if !ok {
			return "", fmt.Errorf("missing field %q (fields: %s)", n, strings.Join(names, ", "))
		}
		switch x := v.(type) {
		case string:
			if n == "strings" || n == "value" || (rrtype == miekg.TypeHINFO) {
				parts = append(parts, quoteTxt(x))
			} else {
				if x == "" || strings.ContainsAny(x, " \t\n;\"()") {
					return "", fmt.Errorf("field %q: %q is not a single word", n, x)
				}
				parts = append(parts, x)
			}
		case []string:
			for _, s := range x {
				parts = append(parts, quoteTxt(s))
			}
		case int64:
			parts = append(parts, fmt.Sprint(x))
		case float64:
			if x != float64(int64(x)) {
				return "", fmt.Errorf("field %q must be an integer, got %v", n, x)
			}
			parts = append(parts, fmt.Sprint(int64(x)))
		default:
			return "", fmt.Errorf("field %q: a %T cannot be a record field", n, v)
		}
	}
	return strings.Join(parts, " "), nil
}

// quoteTxt writes s as one zone-file character-string; a string longer
// than 255 bytes becomes several, as TXT records hold.
func quoteTxt(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, quoteOne(s[:255]))
		s = s[255:]
	}
	return strings.Join(append(parts, quoteOne(s)), " ")
}

func quoteOne(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// unescapeTxt turns the library's presentation escapes back into bytes.
func unescapeTxt(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if n < 256 {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
