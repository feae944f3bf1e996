package socket

// The socket type's methods.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/internal/sock"
	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

// String is Python's repr of the socket.
func repr(s *sock.Socket) string {
	fd := s.Fileno()
	var b strings.Builder
	b.WriteString("<socket ")
	if fd < 0 {
		b.WriteString("[closed] ")
	}
	fmt.Fprintf(&b, "fd=%d family=%s type=%s", fd, familyName(s.Family), typeNameOf(s.Type))
	if fd >= 0 {
		if sa, err := s.Sockname(); err == nil {
			if a := addrString(sa); a != "" && a != `""` {
				b.WriteString(" laddr=" + a)
			}
		}
		if sa, err := s.Peername(); err == nil {
			if a := addrString(sa); a != "" && a != `""` {
				b.WriteString(" raddr=" + a)
			}
		}
	}
	b.WriteString(">")
	return b.String()
}

func checkSock(L *lua.LState) *sock.Socket { return runtime.Check[*sock.Socket](L, 1, "socket") }

// checkOpen is checkSock for I/O. A socket the script closed itself fails
// the ordinary way (nil, "[Errno 9] Bad file descriptor"), so a server task
// stopped by closing its listener ends its loop on `if not c`. A socket
// closed under the script, because the task or the REPL line that opened it
// ended or was interrupted, raises at once whatever the call site keeps:
// otherwise `while true do local c, a = s:accept() … end` typed after Ctrl-C
// closed s spins for ever on nil, message.
func checkOpen(L *lua.LState) *sock.Socket {
	s := checkSock(L)
	if s.Closed() && !s.ClosedByUser() {
		L.RaiseError("%s: the socket was closed when the task or REPL line that opened it ended", pyerr.ErrnoMessage(syscall.EBADF))
	}
	return s
}

func pushSock(L *lua.LState, s *sock.Socket) *lua.LUserData {
	runtime.Track(L, s)
	ud := runtime.NewUserData(L, "socket", s)
	L.Push(ud)
	return ud
}

func ok(L *lua.LState, err error) int {
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

// optChoice reads optional argument n, which must be one of choices
// (def when nil or absent); otherwise the error says "unknown <what> X
// (hint)".
func optChoice(L *lua.LState, n int, def int, what, hint string, choices ...int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	f := L.CheckNumber(n)
	for _, c := range choices {
		if f == lua.LNumber(c) {
			return c
		}
	}
	L.ArgError(n, fmt.Sprintf("unknown %s %s (%s)", what, numText(float64(f)), hint))
	return 0
}

func luaSocket(L *lua.LState) int {
	family := optChoice(L, 1, unix.AF_INET, "address family", "use AF_INET, AF_INET6 or AF_UNIX",
		unix.AF_INET, unix.AF_INET6, unix.AF_UNIX)
	typ := optChoice(L, 2, unix.SOCK_STREAM, "socket type", "use SOCK_STREAM or SOCK_DGRAM",
		unix.SOCK_STREAM, unix.SOCK_DGRAM, unix.SOCK_RAW, unix.SOCK_SEQPACKET)
	proto := optCInt(L, 3, "proto", 0)
	s, err := stateOf(L).newSocket(family, typ, proto)
	if err != nil {
		return fail(L, err)
	}
	pushSock(L, s)
	return 1
}

// sockAddr reads the address arguments of a method starting at n and
// resolves them.
func sockAddr(L *lua.LState, s *sock.Socket, n int) (unix.Sockaddr, error) {
	host, port, _ := addrArgs(L, s.Family, n)
	return resolveAddr(L, s.Family, s.Type, host, port)
}

func sockBind(L *lua.LState) int {
	s := checkOpen(L)
	sa, err := sockAddr(L, s, 2)
	if err != nil {
		return fail(L, err)
	}
	return ok(L, s.Bind(sa))
}

func sockListen(L *lua.LState) int {
	s := checkOpen(L)
	backlog := optCInt(L, 2, "backlog", 128)
	return ok(L, s.Listen(max(backlog, 0)))
}

func sockAccept(L *lua.LState) int {
	s := checkOpen(L)
	timeout := stateOf(L).timeout() // Python: accepted sockets get the default
	var c *sock.Socket
	var sa unix.Sockaddr
	err := runtime.Block(L, func(ctx context.Context) (err error) {
		c, sa, err = s.Accept(ctx, timeout)
		return err
	})
	if err != nil {
		return fail(L, err)
	}
	pushSock(L, c)
	L.Push(addrValue(L, sa))
	return 2
}

func doConnect(L *lua.LState) (*sock.Socket, error) {
	s := checkOpen(L)
	sa, err := sockAddr(L, s, 2)
	if err != nil {
		return s, err
	}
	return s, runtime.Block(L, func(ctx context.Context) error { return s.Connect(ctx, sa) })
}

func sockConnect(L *lua.LState) int {
	_, err := doConnect(L)
	return ok(L, err)
}

func sockConnectEx(L *lua.LState) int {
	_, err := doConnect(L)
	if err == nil {
		L.Push(lua.LNumber(0))
		return 1
	}
	if en := pyerr.Errno(err); en != 0 {
		L.Push(lua.LNumber(int(en)))
		return 1
	}
	if errors.Is(err, sock.ErrTimeout) {
		L.Push(lua.LNumber(int(unix.EAGAIN)))
		return 1
	}
	return fail(L, err)
}

// data reads a string argument as bytes without copying: the engine only
// reads them (send and friends), and Lua strings are immutable.
func data(L *lua.LState, n int) []byte {
	s := L.CheckString(n)
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func sockSend(L *lua.LState) int {
	s := checkOpen(L)
	p := data(L, 2)
	flags := optCInt(L, 3, "flags", 0)
	n, err := send(L, s, p, flags, nil)
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// send sends p (to sa, unless nil) as Python's send/sendto do, trying first
// without letting go of the Lua lock (see TrySend).
func send(L *lua.LState, s *sock.Socket, p []byte, flags int, sa unix.Sockaddr) (n int, err error) {
	if n, err, done := s.TrySend(p, flags, sa); done {
		return n, err
	}
	err = runtime.Block(L, func(ctx context.Context) (err error) {
		if sa != nil {
			n, err = s.SendTo(ctx, p, flags, sa)
		} else {
			n, err = s.Send(ctx, p, flags)
		}
		return err
	})
	return n, err
}

// sendAll sends all of p, the first part without letting go of the Lua lock
// when the send buffer has room.
func sendAll(L *lua.LState, s *sock.Socket, p []byte, flags int) error {
	n, err, done := s.TrySend(p, flags, nil)
	if done && (err != nil || n == len(p)) {
		return err
	}
	rest := p[n:]
	return runtime.Block(L, func(ctx context.Context) error {
		_, err := s.SendAll(ctx, rest, flags)
		return err
	})
}

func sockSendAll(L *lua.LState) int {
	s := checkOpen(L)
	p := data(L, 2)
	flags := optCInt(L, 3, "flags", 0)
	return ok(L, sendAll(L, s, p, flags))
}

func sockSendLine(L *lua.LState) int {
	s := checkOpen(L)
	p := append([]byte(L.CheckString(2)), '\n')
	return ok(L, sendAll(L, s, p, 0))
}

func sockSendTo(L *lua.LState) int {
	s := checkOpen(L)
	p := data(L, 2)
	flags, n := 0, 3
	if _, isNum := L.Get(3).(lua.LNumber); isNum {
		flags, n = cInt(L, 3, "flags"), 4
	}
	sa, err := sockAddr(L, s, n)
	if err != nil {
		return fail(L, err)
	}
	sent, err := send(L, s, p, flags, sa)
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LNumber(sent))
	return 1
}

const poolBufSize = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, poolBufSize); return &b }}

// maxRead is the most one call reads.
const maxRead = 1 << 30

// checkSize reads a byte count: Python's words for a negative one, ours
// for one too large or not a number.
func checkSize(L *lua.LState, n int, what, negative string) int {
	f := float64(L.CheckNumber(n))
	switch {
	case f != f:
		L.ArgError(n, what+" must be a number, got nan")
	case f < 0:
		L.ArgError(n, negative)
	case f > maxRead:
		L.ArgError(n, fmt.Sprintf("%s too large (at most 1 GiB), got %s", what, numText(f)))
	}
	return int(f)
}

func checkBufsize(L *lua.LState, n int) int {
	return checkSize(L, n, "buffersize", "negative buffersize in recv")
}

// getBuf returns a buffer of size bytes; putBuf(bp) gives it back.
func getBuf(size int) ([]byte, *[]byte) {
	if size <= poolBufSize {
		bp := bufPool.Get().(*[]byte)
		return (*bp)[:size], bp
	}
	return make([]byte, size), nil
}

func putBuf(bp *[]byte) {
	if bp != nil {
		bufPool.Put(bp)
	}
}

func sockRecv(L *lua.LState) int {
	s := checkOpen(L)
	size := checkBufsize(L, 2)
	flags := optCInt(L, 3, "flags", 0)
	if size == 0 {
		// As CPython: no syscall (recv(2) of 0 bytes on a TCP socket
		// waits for data before it returns 0).
		L.Push(lua.LString(""))
		return 1
	}
	buf, bp := getBuf(size)
	defer putBuf(bp)
	n, err, done := s.SpinRecv(buf, flags, runtime.Contended(L))
	if !done {
		err = runtime.Block(L, func(ctx context.Context) (err error) {
			n, err = s.Recv(ctx, buf, flags)
			return err
		})
	}
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(buf[:n]))
	return 1
}

func sockRecvFrom(L *lua.LState) int {
	s := checkOpen(L)
	size := checkBufsize(L, 2)
	flags := optCInt(L, 3, "flags", 0)
	buf, bp := getBuf(size)
	defer putBuf(bp)
	n, sa, err, done := s.TryRecvFrom(buf, flags)
	if !done {
		err = runtime.Block(L, func(ctx context.Context) (err error) {
			n, sa, err = s.RecvFrom(ctx, buf, flags)
			return err
		})
	}
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LString(buf[:n]))
	L.Push(addrValue(L, sa))
	return 2
}

func sockClose(L *lua.LState) int {
	s := checkSock(L)
	runtime.Untrack(L, s)
	if !s.Lingers() {
		s.CloseByUser()
	} else {
		// close(2) may wait up to the linger time for the peer: without
		// the lock, and Ctrl-C returns at once (the kernel goes on
		// lingering, and the descriptor is closed either way).
		runtime.Block(L, func(ctx context.Context) error {
			done := make(chan struct{})
			go func() { s.CloseByUser(); close(done) }()
			select {
			case <-done:
			case <-ctx.Done():
			}
			return nil
		})
	}
	L.Push(lua.LTrue)
	return 1
}

func sockSetTimeout(L *lua.LState) int {
	s := checkSock(L)
	return ok(L, s.SetTimeout(runtime.OptTimeout(L, 2)))
}

func pushTimeout(L *lua.LState, d time.Duration) int {
	if d < 0 {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LNumber(d.Seconds()))
	}
	return 1
}

func sockGetTimeout(L *lua.LState) int { return pushTimeout(L, checkSock(L).Timeout()) }

func sockSetBlocking(L *lua.LState) int {
	s := checkSock(L)
	d := time.Duration(-1)
	if !L.ToBool(2) {
		d = 0
	}
	return ok(L, s.SetTimeout(d))
}

func sockGetBlocking(L *lua.LState) int {
	L.Push(lua.LBool(checkSock(L).Timeout() != 0))
	return 1
}

func sockSetsockopt(L *lua.LState) int {
	s := checkSock(L)
	level, opt := cInt(L, 2, "level"), cInt(L, 3, "option")
	switch v := L.Get(4).(type) {
	case lua.LNumber:
		return ok(L, s.SetsockoptInt(level, opt, cInt(L, 4, "value")))
	case lua.LBool:
		b := 0
		if v {
			b = 1
		}
		return ok(L, s.SetsockoptInt(level, opt, b))
	case lua.LString:
		return ok(L, s.SetsockoptBytes(level, opt, []byte(v)))
	default:
		L.ArgError(4, "number, boolean or string expected, got "+typeName(v))
	}
	return 0
}

func sockGetsockopt(L *lua.LState) int {
	s := checkSock(L)
	level, opt := cInt(L, 2, "level"), cInt(L, 3, "option")
	if L.Get(4) != lua.LNil {
		n := intArg(L, 4, "buflen", 0, 1024)
		b, err := s.GetsockoptBytes(level, opt, n)
		if err != nil {
			return fail(L, err)
		}
		L.Push(lua.LString(b))
		return 1
	}
	v, err := s.GetsockoptInt(level, opt)
	if err != nil {
		return fail(L, err)
	}
	L.Push(lua.LNumber(v))
	return 1
}

// sockAddress is getsockname or getpeername: the address get reports, or
// nil and the error.
func sockAddress(get func(s *sock.Socket) (unix.Sockaddr, error)) lua.LGFunction {
	return func(L *lua.LState) int {
		sa, err := get(checkSock(L))
		if err != nil {
			return fail(L, err)
		}
		L.Push(addrValue(L, sa))
		return 1
	}
}

func sockShutdown(L *lua.LState) int {
	s := checkSock(L)
	how := L.CheckNumber(2)
	if how != unix.SHUT_RD && how != unix.SHUT_WR && how != unix.SHUT_RDWR {
		L.ArgError(2, "how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got "+numText(float64(how)))
	}
	return ok(L, s.Shutdown(int(how)))
}

func sockFileno(L *lua.LState) int {
	L.Push(lua.LNumber(checkSock(L).Fileno()))
	return 1
}
