package runtime

import (
	"context"
	"fmt"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Channel is a Go-style channel of Lua values between tasks. The data
// channel is never closed (a send racing a close would panic); closed
// signals the end instead, and receivers drain what is buffered first.
type Channel struct {
	data      chan lua.LValue
	closed    chan struct{}
	closeOnce sync.Once
	capacity  int
}

var chanType = &Type{
	Name:    "chan",
	Doc:     "a channel between tasks, made by chan([capacity])",
	Methods: []Function{chanSendMethod, chanRecvMethod, chanCloseMethod, chanLenMethod},
	Tostring: func(ud *lua.LUserData) string {
		c := ud.Value.(*Channel)
		return fmt.Sprintf("<chan %d/%d>", len(c.data), c.capacity)
	},
}

// maxChanCapacity bounds a channel's buffer, which Go allocates whole when
// the channel is made (16 bytes a slot: 1 MiB at most).
const maxChanCapacity = 1 << 16

var chanFunc = Function{Name: "chan", Args: "([capacity])", Doc: "Makes a channel between tasks. Go-style: ch:send(v), ch:recv([timeout]), ch:close(). capacity 0 (the default) means every send waits for a receiver; at most 65536.", Fn: luaChan}

func luaChan(L *lua.LState) int {
	n := L.OptInt(1, 0)
	if n < 0 || n > maxChanCapacity {
		L.ArgError(1, fmt.Sprintf("capacity must be between 0 and %d", maxChanCapacity))
	}
	c := &Channel{data: make(chan lua.LValue, n), closed: make(chan struct{}), capacity: n}
	L.Push(NewUserData(L, "chan", c))
	return 1
}

func checkChan(L *lua.LState) *Channel { return Check[*Channel](L, 1, "chan") }

func (c *Channel) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

var chanSendMethod = Function{Name: "send", Args: "(value[, timeout])", Doc: "Sends value, waiting for room (or a receiver). Returns true, or nil, \"timed out\". Sending on a closed channel is an error.", Fn: chanSend}

func chanSend(L *lua.LState) int {
	c := checkChan(L)
	v := L.CheckAny(2)
	timeout := OptTimeout(L, 3)
	if c.isClosed() {
		L.RaiseError("send on closed channel")
	}
	// A resource in flight belongs to the session until a receiver adopts it,
	// so that the sender ending does not close it.
	rt := Of(L)
	rt.ledger.give(v, rt.root)
	select { // fast path: room in the buffer, no need to let go of the lock
	case c.data <- v:
		L.Push(lua.LTrue)
		return 1
	default:
	}
	sent, closed := false, false
	Block(L, func(ctx context.Context) error {
		expire, stop := timer(timeout)
		defer stop()
		select {
		case c.data <- v:
			sent = true
		case <-c.closed:
			closed = true
		case <-expire:
		case <-ctx.Done():
		}
		return nil
	})
	if sent {
		L.Push(lua.LTrue)
		return 1
	}
	Adopt(L, v) // not sent: what it holds is the sender's again
	if closed {
		L.RaiseError("send on closed channel")
	}
	return Fail(L, ErrTimeout)
}

var chanRecvMethod = Function{Name: "recv", Args: "([timeout])", Doc: "Receives the next value: value, true; or nil, false once the channel is closed and empty; or nil, \"timed out\".", Fn: chanRecv}

func chanRecv(L *lua.LState) int {
	c := checkChan(L)
	timeout := OptTimeout(L, 2)
	var v lua.LValue
	got, closed := false, false
	select {
	case v = <-c.data:
		got = true
	default:
		Block(L, func(ctx context.Context) error {
			expire, stop := timer(timeout)
			defer stop()
			select {
			case v = <-c.data:
				got = true
			case <-c.closed:
				select { // drain what was buffered before the close
				case v = <-c.data:
					got = true
				default:
					closed = true
				}
			case <-expire:
			case <-ctx.Done():
			}
			return nil
		})
	}
	switch {
	case got:
		Adopt(L, v)
		L.Push(v)
		L.Push(lua.LTrue)
		return 2
	case closed:
		L.Push(lua.LNil)
		L.Push(lua.LFalse)
		return 2
	}
	return Fail(L, ErrTimeout)
}

var chanCloseMethod = Function{Name: "close", Args: "()", Doc: "Closes the channel: receivers get what is buffered, then nil, false.", Fn: chanClose}

func chanClose(L *lua.LState) int {
	c := checkChan(L)
	c.closeOnce.Do(func() { close(c.closed) })
	return 0
}

var chanLenMethod = Function{Name: "len", Args: "()", Doc: "Returns the number of values buffered.", Fn: chanLen}

func chanLen(L *lua.LState) int {
	L.Push(lua.LNumber(len(checkChan(L).data)))
	return 1
}

// timer returns a channel that fires after d (never, for d < 0).
func timer(d time.Duration) (<-chan time.Time, func()) {
	if d < 0 {
		return nil, func() {}
	}
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
