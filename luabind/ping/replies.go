package ping

import (
	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/ping"
	"socklab/luabind/runtime"
)

// A flood holds 100,000 replies. Building a table of eight fields for each
// took longer than the flood itself (gopher-lua keeps a map and a key list
// per table), so r.replies is made when first read, and each reply is a
// read-only value whose fields are made when read.

const replyTypeName = "net.pingreply"

var replyType = &runtime.Type{
	Name: replyTypeName,
	Doc: "one answer of net.ping: seq, from, bytes, ttl, time (ms; nil for an error), dup, corrupt (a bad checksum), error (iputils' words), " +
		"line (as ping prints it); prints as its line",
	Fields: []string{"seq", "from", "bytes", "ttl", "time", "dup", "corrupt", "error", "line"},
	Field:  replyField,
	Tostring: func(ud *lua.LUserData) string {
		if ref, ok := ud.Value.(*replyRef); ok {
			return ref.res.Line(ref.res.Reply(ref.i))
		}
		return "?"
	},
}

// replyRef is a reply: the result it belongs to (its line needs the
// result) and its index there.
type replyRef struct {
	res *engine.Result
	i   int
}

var replyGetters = map[string]func(res *engine.Result, rep engine.Reply) lua.LValue{
	"seq":     func(_ *engine.Result, rep engine.Reply) lua.LValue { return lua.LNumber(rep.Seq) },
	"bytes":   func(_ *engine.Result, rep engine.Reply) lua.LValue { return lua.LNumber(rep.Bytes) },
	"dup":     func(_ *engine.Result, rep engine.Reply) lua.LValue { return lua.LBool(rep.Dup) },
	"corrupt": func(_ *engine.Result, rep engine.Reply) lua.LValue { return lua.LBool(rep.Corrupt) },
	"line":    func(res *engine.Result, rep engine.Reply) lua.LValue { return lua.LString(res.Line(rep)) },
	"from": func(_ *engine.Result, rep engine.Reply) lua.LValue {
		if !rep.From.IsValid() {
			return nil
		}
		return lua.LString(rep.From.String())
	},
	"ttl": func(_ *engine.Result, rep engine.Reply) lua.LValue {
		if rep.TTL <= 0 {
			return nil
		}
		return lua.LNumber(rep.TTL)
	},
	"error": func(_ *engine.Result, rep engine.Reply) lua.LValue {
		if rep.Error == "" {
			return nil
		}
		return lua.LString(rep.Error)
	},
	"time": func(_ *engine.Result, rep engine.Reply) lua.LValue {
		if rep.Error != "" {
			return nil
		}
		return ms(rep.RTT)
	},
}

func replyField(_ *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	ref, ok := ud.Value.(*replyRef)
	get := replyGetters[key]
	if !ok || get == nil {
		return nil
	}
	return get(ref.res, ref.res.Reply(ref.i))
}

// lazyReplies makes t.replies appear when first read: the list of r's
// replies, stored in t from then on.
func lazyReplies(L *lua.LState, t *lua.LTable, r *engine.Result) {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		t.RawSetString("replies", repliesTable(L, r))
		return
	}
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		if L.Get(2) != lua.LString("replies") {
			L.Push(lua.LNil)
			return 1
		}
		list := repliesTable(L, r)
		t.RawSetString("replies", list)
		L.Push(list)
		return 1
	}))
}

func repliesTable(L *lua.LState, r *engine.Result) *lua.LTable {
	n := r.NumReplies()
	list := L.CreateTable(n, 0)
	refs := make([]replyRef, n)
	uds := runtime.NewUserDatas(L, replyTypeName, n)
	for i := range n {
		refs[i] = replyRef{res: r, i: i}
		uds[i].Value = &refs[i]
		list.Append(&uds[i])
	}
	return list
}
