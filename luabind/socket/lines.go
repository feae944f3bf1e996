package socket

// The line-oriented helpers (recvline, recvuntil, recvexactly, recvall,
// lines, sendline) and interactive: the engine reads ahead (sock's
// RecvUntil and friends); this is their Lua side.

import (
	"bytes"
	"context"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/sock"
	"socklab/luabind/runtime"
)

func recvLine(L *lua.LState, s *sock.Socket, keepends bool) (lua.LValue, error) {
	var line []byte
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		line, _, err = s.RecvUntil(ctx, []byte{'\n'}, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !keepends {
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
	}
	return lua.LString(line), nil
}

func sockRecvLine(L *lua.LState) int {
	s := checkOpen(L)
	keep := L.Get(2) == lua.LNil || L.ToBool(2)
	v, err := recvLine(L, s, keep)
	if err != nil {
		return fail(L, err)
	}
	L.Push(v)
	return 1
}

func sockRecvUntil(L *lua.LState) int {
	s := checkOpen(L)
	delim := L.CheckString(2)
	if delim == "" {
		L.ArgError(2, "delimiter must not be empty")
	}
	drop := L.ToBool(3)
	var got []byte
	var eof bool
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		got, eof, err = s.RecvUntil(ctx, []byte(delim), true)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	if eof {
		return fail(L, errClosedEarly)
	}
	if drop {
		got = got[:len(got)-len(delim)]
	}
	L.Push(lua.LString(got))
	return 1
}

func sockRecvExactly(L *lua.LState) int {
	s := checkOpen(L)
	n := checkSize(L, 2, "size", "negative size")
	var got []byte
	var eof bool
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		got, eof, err = s.RecvExactly(ctx, n)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	if eof {
		return fail(L, OSError(fmt.Sprintf("connection closed after %d of %d bytes", s.Buffered(), n)))
	}
	L.Push(lua.LString(got))
	return 1
}

func sockRecvAll(L *lua.LState) int {
	s := checkOpen(L)
	var all []byte
	err := runtime.Block(L, func(ctx context.Context) (err error) {
		all, err = s.RecvAll(ctx)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(all))
	return 1
}

func sockLines(L *lua.LState) int {
	s := checkOpen(L)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		var line []byte
		var eof bool
		var err error
		runtime.Block(L, func(ctx context.Context) error {
			line, eof, err = s.RecvUntil(ctx, []byte{'\n'}, false)
			return err
		})
		if err != nil || (eof && len(line) == 0) {
			L.Push(lua.LNil)
			return 1
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		L.Push(lua.LString(line))
		return 1
	}))
	return 1
}

func sockInteractive(L *lua.LState) int {
	s := checkOpen(L)
	out := runtime.Of(L).Stdout()
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		err = s.Interactive(ctx, os.Stdin, out)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}
