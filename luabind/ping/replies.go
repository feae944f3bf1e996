package ping

import (
	"unsafe"

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
		if list, ok := ud.Value.(*replyList); ok {
			res, rep := list.reply(ud)
			return res.Line(rep)
		}
		return "?"
	},
}

// replyList is what each reply userdata holds: the result (a line needs
// it) and the userdatas, made in one array, so that a userdata's index is
// its place in that array. A value per reply naming its index would take
// 1.6 MB more for a flood, and memory is time here (internal/ping's
// replies.go).
type replyList struct {
	res *engine.Result
	uds []lua.LUserData
}

// reply is the reply ud stands for, one of list.uds.
func (list *replyList) reply(ud *lua.LUserData) (*engine.Result, engine.Reply) {
	i := int((uintptr(unsafe.Pointer(ud)) - uintptr(unsafe.Pointer(unsafe.SliceData(list.uds)))) / unsafe.Sizeof(*ud))
	return list.res, list.res.Reply(i)
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
	list, ok := ud.Value.(*replyList)
	get := replyGetters[key]
	if !ok || get == nil {
		return nil
	}
	return get(list.reply(ud))
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
	t := L.CreateTable(n, 0)
	list := &replyList{res: r, uds: runtime.NewUserDatas(L, replyTypeName, n)}
	for i := range list.uds {
		list.uds[i].Value = list
		t.Append(&list.uds[i])
	}
	return t
}
