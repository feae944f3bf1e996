package dns

import (
	"fmt"

	miekg "github.com/miekg/dns"
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
)

// zoneRecords reads the zone option: zone-file text, or a list whose
// items are zone lines or record tables.
func zoneRecords(L *lua.LState, r *optionReader) []miekg.RR {
	switch z := r.get("zone").(type) {
	case *lua.LNilType:
		return nil
	case lua.LString:
		rrs, err := engine.ParseZone(string(z))
		if err != nil {
			r.bad("%s", err)
		}
		return rrs
	case *lua.LTable:
		rrs, err := recordList(z)
		if err != nil {
			r.bad("zone %s", err)
		}
		if len(rrs) > engine.MaxZoneRecords {
			r.bad("zone has more than %d records", engine.MaxZoneRecords)
		}
		return rrs
	default:
		r.bad("zone must be zone-file text or a list of records, got %s", typeName(z))
	}
	return nil
}

// recordList converts a Lua list of zone lines and record tables.
func recordList(list *lua.LTable) ([]miekg.RR, error) {
	var out []miekg.RR
	n := list.Len()
	extra := false
	list.ForEach(func(k, _ lua.LValue) {
		if i, ok := k.(lua.LNumber); !ok || float64(i) != float64(int(i)) || int(i) < 1 || int(i) > n {
			extra = true
		}
	})
	if extra {
		return nil, fmt.Errorf("must be a list (keys 1..n), not a table with other keys")
	}
	for i := 1; i <= n; i++ {
		rrs, err := recordItem(list.RawGetInt(i))
		if err != nil {
			return nil, fmt.Errorf("item %d: %v", i, err)
		}
		out = append(out, rrs...)
	}
	return out, nil
}

// recordItem converts one item: a zone line (or several), a positional
// record {name, type, data[, ttl]} or a keyed one {name =, type =, ttl =,
// class =, data = or the type's fields}.
func recordItem(v lua.LValue) ([]miekg.RR, error) {
	switch x := v.(type) {
	case lua.LString:
		return engine.ParseZone(string(x))
	case *lua.LTable:
		rec, err := recordFromTable(x)
		if err != nil {
			return nil, err
		}
		rr, err := engine.BuildRR(rec)
		if err != nil {
			return nil, err
		}
		return []miekg.RR{rr}, nil
	}
	return nil, fmt.Errorf("a zone line or a record table expected, got %s", typeName(v))
}

func recordFromTable(t *lua.LTable) (engine.Record, error) {
	rec := engine.Record{TTL: engine.DefaultTTL}
	str := func(v lua.LValue, what string) (string, error) {
		switch s := v.(type) {
		case lua.LString:
			return string(s), nil
		case lua.LNumber:
			return lua.LVAsString(s), nil
		}
		return "", fmt.Errorf("%s must be a string, got %s", what, typeName(v))
	}
	var err error
	positional := t.RawGetInt(1) != lua.LNil
	get := func(key string, pos int) lua.LValue {
		if positional {
			return t.RawGetInt(pos)
		}
		return t.RawGetString(key)
	}
	if rec.Name, err = str(get("name", 1), "name"); err != nil {
		return rec, err
	}
	typ := get("type", 2)
	switch x := typ.(type) {
	case lua.LString:
		if rec.Type, err = engine.ParseType(string(x)); err != nil {
			return rec, err
		}
	case lua.LNumber:
		if rec.Type, err = engine.TypeNumber(float64(x)); err != nil {
			return rec, err
		}
	default:
		return rec, fmt.Errorf("type must be a record type such as \"A\", got %s", typeName(typ))
	}
	if ttl := get("ttl", 4); ttl != lua.LNil {
		n, ok := ttl.(lua.LNumber)
		if !ok || float64(n) != float64(uint32(n)) {
			return rec, fmt.Errorf("ttl must be a whole number of seconds 0-4294967295, got %s", describe(ttl))
		}
		rec.TTL = uint32(n)
	}
	if positional {
		if rec.Data, err = str(t.RawGetInt(3), "data (item 3)"); err != nil {
			return rec, err
		}
		return rec, nil
	}
	if c := t.RawGetString("class"); c != lua.LNil {
		s, err := str(c, "class")
		if err != nil {
			return rec, err
		}
		if rec.Class, err = engine.ParseClass(s); err != nil {
			return rec, err
		}
	}
	if d := t.RawGetString("data"); d != lua.LNil {
		if rec.Data, err = str(d, "data"); err != nil {
			return rec, err
		}
		return rec, nil
	}
	rec.Fields = map[string]any{}
	var ferr error
	t.ForEach(func(k, v lua.LValue) {
		key, ok := k.(lua.LString)
		if !ok {
			ferr = fmt.Errorf("field names must be strings, got %s", typeName(k))
			return
		}
		switch string(key) {
		case "name", "type", "ttl", "class":
			return
		}
		switch x := v.(type) {
		case lua.LString:
			rec.Fields[string(key)] = string(x)
		case lua.LNumber:
			rec.Fields[string(key)] = float64(x)
		case *lua.LTable:
			var list []string
			for i := 1; i <= x.Len(); i++ {
				s, ok := x.RawGetInt(i).(lua.LString)
				if !ok {
					ferr = fmt.Errorf("field %s: item %d must be a string", key, i)
					return
				}
				list = append(list, string(s))
			}
			rec.Fields[string(key)] = list
		default:
			ferr = fmt.Errorf("field %s: a %s cannot be a record field", key, typeName(v))
		}
	})
	return rec, ferr
}
