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
	Doc: "one answer of net.ping: seq, from, bytes, ttl, time (ms; nil for an error), dup, error (iputils' words), " +
		"line (as ping prints it); prints as its line",
	Fields: []string{"seq", "from", "bytes", "ttl", "time", "dup", "error", "line"},
	Field:  replyField,
	Tostring: func(ud *lua.LUserData) string {
		if ref, ok := ud.Value.(*replyRef); ok {
			return ref.res.Line(*ref.rep)
		}
		return "?"
	},
}

// replyRef is a reply and the result it belongs to (its line needs both).
type replyRef struct {
	res *engine.Result
	rep *engine.Reply
}

var replyGetters = map[string]func(ref *replyRef) lua.LValue{
	"seq":   func(ref *replyRef) lua.LValue { return lua.LNumber(ref.rep.Seq) },
	"bytes": func(ref *replyRef) lua.LValue { return lua.LNumber(ref.rep.Bytes) },
	"dup":   func(ref *replyRef) lua.LValue { return lua.LBool(ref.rep.Dup) },
	"line":  func(ref *replyRef) lua.LValue { return lua.LString(ref.res.Line(*ref.rep)) },
	"from": func(ref *replyRef) lua.LValue {
		if !ref.rep.From.IsValid() {
			return nil
		}
		return lua.LString(ref.rep.From.String())
	},
	"ttl": func(ref *replyRef) lua.LValue {
		if ref.rep.TTL <= 0 {
			return nil
		}
		return lua.LNumber(ref.rep.TTL)
	},
	"error": func(ref *replyRef) lua.LValue {
		if ref.rep.Error == "" {
			return nil
		}
		return lua.LString(ref.rep.Error)
	},
	"time": func(ref *replyRef) lua.LValue {
		if ref.rep.Error != "" {
			return nil
		}
		return ms(ref.rep.RTT)
	},
}

func replyField(_ *lua.LState, ud *lua.LUserData, key string) lua.LValue {
	ref, ok := ud.Value.(*replyRef)
	get := replyGetters[key]
	if !ok || get == nil {
		return nil
	}
	return get(ref)
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
	list := L.CreateTable(len(r.Replies), 0)
	refs := make([]replyRef, len(r.Replies))
	uds := runtime.NewUserDatas(L, replyTypeName, len(r.Replies))
	for i := range r.Replies {
		refs[i] = replyRef{res: r, rep: &r.Replies[i]}
		uds[i].Value = &refs[i]
		list.Append(&uds[i])
	}
	return list
}
