package dns

import (
	"fmt"
	"strings"

	miekg "github.com/miekg/dns"
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
	"socklab/luabind/runtime"
)

// Results are plain Lua tables, so that pairs, # and the REPL's table
// printer work on them; their metatables give them dig's look when printed.

// recordMetaKey is where the shared metatable of record tables lives in
// the registry: its __tostring writes the zone-file line from the table's
// own fields (name, ttl, class, type, data).
const recordMetaKey = "socklab.dns.record"

func recordMeta(L *lua.LState) *lua.LTable {
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), recordMetaKey).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	L.SetField(mt, "__name", lua.LString("dns.record"))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		get := func(k string) string { return lua.LVAsString(t.RawGetString(k)) }
		L.Push(lua.LString(fmt.Sprintf("%s\t%s\t%s\t%s\t%s", get("name"), get("ttl"), get("class"), get("type"), get("data"))))
		return 1
	}))
	L.SetField(L.Get(lua.RegistryIndex), recordMetaKey, mt)
	return mt
}

// recordTable converts one record: name, type, class, ttl, data (the
// zone-file text of its data) and its own fields (address, exchange…).
func recordTable(L *lua.LState, rr miekg.RR, meta *lua.LTable) *lua.LTable {
	h := rr.Header()
	fields := engine.Fields(rr)
	t := L.CreateTable(0, 5+len(fields))
	t.RawSetString("name", lua.LString(h.Name))
	t.RawSetString("type", nameValue(typeValues, h.Rrtype, engine.TypeName))
	t.RawSetString("class", nameValue(classValues, h.Class, engine.ClassName))
	t.RawSetString("ttl", lua.LNumber(h.Ttl))
	t.RawSetString("data", lua.LString(engine.Data(rr)))
	for _, f := range fields {
		if _, clash := t.RawGetString(f.Name).(lua.LString); clash { // a field named like the header
			continue
		}
		t.RawSetString(f.Name, goToLua(L, f.Value))
	}
	t.Metatable = meta
	return t
}

func goToLua(L *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case string:
		return lua.LString(x)
	case int64:
		return lua.LNumber(x)
	case []string:
		return runtime.Strings(L, x)
	}
	return lua.LNil
}

// transportValue is "udp" or "tcp" without making a Lua string.
func transportValue(s string) lua.LValue {
	switch s {
	case "udp":
		return transportUDP
	case "tcp":
		return transportTCP
	}
	return lua.LString(s)
}

func sectionTable(L *lua.LState, rrs []miekg.RR, meta *lua.LTable) *lua.LTable {
	list := L.CreateTable(len(rrs), 0)
	for _, rr := range rrs {
		if rr.Header().Rrtype == miekg.TypeOPT {
			continue
		}
		list.Append(recordTable(L, rr, meta))
	}
	return list
}

// responseTable converts a response: rcode, id, opcode, flags {qr, aa, tc,
// rd, ra, ad, cd}, question {name, type, class}, answer, authority,
// additional (lists of records), edns {udp, version, do} when present,
// server, transport, truncated, time (seconds), size (bytes). Printing it
// shows dig's answer for exactly the reply received.
func responseTable(L *lua.LState, resp *engine.Response) *lua.LTable {
	m := resp.Msg
	meta := recordMeta(L)
	t := L.CreateTable(0, 16)
	t.RawSetString("rcode", nameValue(rcodeValues, m.Rcode, engine.RcodeName))
	t.RawSetString("id", lua.LNumber(m.Id))
	t.RawSetString("opcode", nameValue(opcodeValues, m.Opcode, func(n int) string { return miekg.OpcodeToString[n] }))
	flags := L.CreateTable(0, 7)
	for _, f := range [...]struct {
		name string
		on   bool
	}{{"qr", m.Response}, {"aa", m.Authoritative}, {"tc", m.Truncated}, {"rd", m.RecursionDesired},
		{"ra", m.RecursionAvailable}, {"ad", m.AuthenticatedData}, {"cd", m.CheckingDisabled}} {
		flags.RawSetString(f.name, lua.LBool(f.on))
	}
	t.RawSetString("flags", flags)
	if len(m.Question) > 0 {
		q := m.Question[0]
		qt := L.CreateTable(0, 3)
		qt.RawSetString("name", lua.LString(q.Name))
		qt.RawSetString("type", nameValue(typeValues, q.Qtype, engine.TypeName))
		qt.RawSetString("class", nameValue(classValues, q.Qclass, engine.ClassName))
		t.RawSetString("question", qt)
	}
	t.RawSetString("answer", sectionTable(L, m.Answer, meta))
	t.RawSetString("authority", sectionTable(L, m.Ns, meta))
	t.RawSetString("additional", sectionTable(L, m.Extra, meta))
	if opt := m.IsEdns0(); opt != nil {
		e := L.CreateTable(0, 3)
		e.RawSetString("udp", lua.LNumber(opt.UDPSize()))
		e.RawSetString("version", lua.LNumber(opt.Version()))
		e.RawSetString("do", lua.LBool(opt.Do()))
		t.RawSetString("edns", e)
	}
	t.RawSetString("server", lua.LString(resp.Server))
	t.RawSetString("transport", transportValue(resp.Transport))
	t.RawSetString("truncated", lua.LBool(resp.Truncated))
	t.RawSetString("time", lua.LNumber(resp.RTT.Seconds()))
	t.RawSetString("size", lua.LNumber(resp.Size))
	// One small metatable per result: its __tostring prints the reply as
	// it came, whatever the script does to the table.
	mt := L.CreateTable(0, 2)
	mt.RawSetString("__name", lua.LString("dns.response"))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(strings.TrimRight(engine.Format(resp), "\n")))
		return 1
	}))
	t.Metatable = mt
	return t
}

// resolutionTable converts what dns.resolve found: name, canonical,
// aliases (the chain, the name asked first), records, and addresses for A
// and AAAA. It prints as `host` does.
func resolutionTable(L *lua.LState, res *engine.Resolution, qtype uint16) *lua.LTable {
	meta := recordMeta(L)
	t := L.CreateTable(0, 6)
	t.RawSetString("name", lua.LString(res.Name))
	t.RawSetString("canonical", lua.LString(res.Canonical))
	t.RawSetString("aliases", runtime.Strings(L, res.Aliases))
	t.RawSetString("records", sectionTable(L, res.Records, meta))
	t.RawSetString("type", lua.LString(engine.TypeName(qtype)))
	if qtype == miekg.TypeA || qtype == miekg.TypeAAAA {
		addrs := L.CreateTable(len(res.Records), 0)
		for _, rr := range res.Records {
			switch x := rr.(type) {
			case *miekg.A:
				addrs.Append(lua.LString(x.A.String()))
			case *miekg.AAAA:
				addrs.Append(lua.LString(x.AAAA.String()))
			}
		}
		t.RawSetString("addresses", addrs)
	}
	mt := L.CreateTable(0, 2)
	mt.RawSetString("__name", lua.LString("dns.resolution"))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(hostText(res)))
		return 1
	}))
	t.Metatable = mt
	return t
}

// hostText words a resolution as the `host` command does.
func hostText(res *engine.Resolution) string {
	var lines []string
	chain := append(append([]string(nil), res.Aliases...), res.Canonical)
	for i := 0; i+1 < len(chain); i++ {
		lines = append(lines, fmt.Sprintf("%s is an alias for %s", chain[i], chain[i+1]))
	}
	for _, rr := range res.Records {
		name := rr.Header().Name
		switch x := rr.(type) {
		case *miekg.A:
			lines = append(lines, fmt.Sprintf("%s has address %s", name, x.A))
		case *miekg.AAAA:
			lines = append(lines, fmt.Sprintf("%s has IPv6 address %s", name, x.AAAA))
		case *miekg.MX:
			lines = append(lines, fmt.Sprintf("%s mail is handled by %d %s", name, x.Preference, x.Mx))
		case *miekg.PTR:
			lines = append(lines, fmt.Sprintf("%s domain name pointer %s", name, x.Ptr))
		case *miekg.TXT:
			lines = append(lines, fmt.Sprintf("%s descriptive text %s", name, engine.Data(rr)))
		default:
			lines = append(lines, fmt.Sprintf("%s has %s record %s", name, engine.TypeName(rr.Header().Rrtype), engine.Data(rr)))
		}
	}
	return strings.Join(lines, "\n")
}
