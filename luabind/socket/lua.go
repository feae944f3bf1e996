package socket

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/luabind/pyerr"
	"socklab/luabind/runtime"
)

// The Lua face: argument checking and conversion around the engine. Misuse
// raises a Lua error; network failures return nil and Python's message.

func init() {
	runtime.Register(&runtime.Module{
		Name:   "socket",
		Doc:    "Python's socket module: TCP/UDP/Unix sockets, the resolver, service ports",
		Funcs:  moduleFuncs,
		Types:  []*runtime.Type{socketType},
		Values: moduleValues,
	})
}

var constants = map[string]int{
	"AF_INET": unix.AF_INET, "AF_INET6": unix.AF_INET6, "AF_UNIX": unix.AF_UNIX, "AF_UNSPEC": unix.AF_UNSPEC,
	"SOCK_STREAM": unix.SOCK_STREAM, "SOCK_DGRAM": unix.SOCK_DGRAM, "SOCK_RAW": unix.SOCK_RAW,
	"SOL_SOCKET": unix.SOL_SOCKET, "SO_REUSEADDR": unix.SO_REUSEADDR, "SO_REUSEPORT": unix.SO_REUSEPORT,
	"SO_BROADCAST": unix.SO_BROADCAST, "SO_KEEPALIVE": unix.SO_KEEPALIVE, "SO_RCVBUF": unix.SO_RCVBUF,
	"SO_SNDBUF": unix.SO_SNDBUF, "SO_ERROR": unix.SO_ERROR, "SO_TYPE": unix.SO_TYPE, "SO_LINGER": unix.SO_LINGER,
	"SO_ACCEPTCONN": unix.SO_ACCEPTCONN, "SO_OOBINLINE": unix.SO_OOBINLINE,
	"IPPROTO_IP": unix.IPPROTO_IP, "IPPROTO_TCP": unix.IPPROTO_TCP, "IPPROTO_UDP": unix.IPPROTO_UDP,
	"IPPROTO_IPV6": unix.IPPROTO_IPV6, "IPPROTO_ICMP": unix.IPPROTO_ICMP, "IPPROTO_ICMPV6": unix.IPPROTO_ICMPV6,
	"IPPROTO_RAW": unix.IPPROTO_RAW,
	"TCP_NODELAY": unix.TCP_NODELAY, "TCP_KEEPIDLE": unix.TCP_KEEPIDLE, "TCP_KEEPINTVL": unix.TCP_KEEPINTVL,
	"TCP_KEEPCNT": unix.TCP_KEEPCNT, "IP_TTL": unix.IP_TTL, "IP_TOS": unix.IP_TOS, "IPV6_V6ONLY": unix.IPV6_V6ONLY,
	"IP_MULTICAST_TTL": unix.IP_MULTICAST_TTL, "IP_ADD_MEMBERSHIP": unix.IP_ADD_MEMBERSHIP,
	"SHUT_RD": unix.SHUT_RD, "SHUT_WR": unix.SHUT_WR, "SHUT_RDWR": unix.SHUT_RDWR,
	"MSG_PEEK": unix.MSG_PEEK, "MSG_DONTWAIT": unix.MSG_DONTWAIT, "MSG_WAITALL": unix.MSG_WAITALL,
	"MSG_OOB": unix.MSG_OOB, "SOMAXCONN": 4096, "INADDR_ANY": 0, "INADDR_LOOPBACK": 0x7f000001,
	"INADDR_BROADCAST": 0xffffffff,
	"AI_PASSIVE":       AI_PASSIVE, "AI_CANONNAME": AI_CANONNAME, "AI_NUMERICHOST": AI_NUMERICHOST,
	"AI_NUMERICSERV": AI_NUMERICSERV, "AI_V4MAPPED": AI_V4MAPPED, "AI_ALL": AI_ALL, "AI_ADDRCONFIG": AI_ADDRCONFIG,
	"NI_NUMERICHOST": NI_NUMERICHOST, "NI_NUMERICSERV": NI_NUMERICSERV, "NI_NOFQDN": NI_NOFQDN,
	"NI_NAMEREQD": NI_NAMEREQD, "NI_DGRAM": NI_DGRAM,
}

func moduleValues(L *lua.LState, mod *lua.LTable) {
	for k, v := range constants {
		L.SetField(mod, k, lua.LNumber(v))
	}
	L.SetField(mod, "has_ipv6", lua.LTrue)
	installAddrMeta(L)
}

func familyName(f int) string {
	switch f {
	case unix.AF_INET:
		return "AF_INET"
	case unix.AF_INET6:
		return "AF_INET6"
	case unix.AF_UNIX:
		return "AF_UNIX"
	}
	return fmt.Sprint(f)
}

func typeNameOf(t int) string {
	switch t {
	case unix.SOCK_STREAM:
		return "SOCK_STREAM"
	case unix.SOCK_DGRAM:
		return "SOCK_DGRAM"
	case unix.SOCK_RAW:
		return "SOCK_RAW"
	}
	return fmt.Sprint(t)
}

var moduleFuncs = []runtime.Function{
	{Name: "socket", Args: "([family[, type[, proto]]])", Doc: "Creates a socket: family AF_INET (default), AF_INET6 or AF_UNIX; type SOCK_STREAM (default, TCP) or SOCK_DGRAM (UDP). It belongs to the task that made it and is closed when that task ends, unless returned or passed on. Returns the socket, or nil and an error message.", Fn: luaSocket},
	{Name: "create_connection", Args: "(host, port[, timeout]) or ({host, port}[, timeout])", Doc: "Resolves host, connects a TCP socket to the first address that answers and returns it; timeout (seconds) applies to the connect and stays on the socket. Returns nil and the last error if none answers.", Fn: luaCreateConnection},
	{Name: "create_server", Args: "(host, port[, opts]) or ({host, port}[, opts])", Doc: "Returns a TCP socket bound to host:port (\"\" or nil host: every address) with SO_REUSEADDR set, listening. opts: family (AF_INET, or AF_INET6), backlog, reuse_port (SO_REUSEPORT), dualstack (IPv6 socket also accepting IPv4).", Fn: luaCreateServer},
	{Name: "setdefaulttimeout", Args: "(timeout)", Doc: "Sets the timeout in seconds that new sockets start with; nil means none (blocking).", Fn: luaSetDefaultTimeout},
	{Name: "getdefaulttimeout", Args: "()", Doc: "Returns the timeout new sockets start with, or nil for none.", Fn: luaGetDefaultTimeout},
	{Name: "gethostname", Args: "()", Doc: "Returns this machine's host name.", Fn: luaGetHostname},
	{Name: "gethostbyname", Args: "(name)", Doc: "Returns the IPv4 address of a host name as text (\"127.0.0.1\"), using /etc/hosts then DNS as the system does; nil and \"[Errno -2] Name or service not known\" for a name that does not exist.", Fn: luaGetHostByName},
	{Name: "gethostbyname_ex", Args: "(name)", Doc: "Returns three values: the host's canonical name, a list of aliases and a list of IPv4 addresses, as Python's gethostbyname_ex; or nil and an error message.", Fn: luaGetHostByNameEx},
	{Name: "gethostbyaddr", Args: "(address)", Doc: "Reverse lookup: returns the primary host name, a list of aliases and a list of addresses for an IP address (or a name, resolved first); or nil and an error such as \"[Errno 1] Unknown host\".", Fn: luaGetHostByAddr},
	{Name: "getfqdn", Args: "([name])", Doc: "Returns a fully qualified domain name for name (default: this host), as Python's getfqdn: the first name with a dot among the reverse lookup's names, else the primary name, else name itself.", Fn: luaGetFQDN},
	{Name: "getaddrinfo", Args: "(host, port[, family[, type[, proto[, flags]]]])", Doc: "Resolves host and port (number, service name or nil) into a list of entries {family, type, proto, canonname, addr}, also readable as e.family, e.type, e.proto, e.canonname, e.addr (an address table). host may be nil. Returns nil and a \"[Errno -N] ...\" message on failure.", Fn: luaGetAddrInfo},
	{Name: "getnameinfo", Args: "(addr, flags)", Doc: "Turns an address {host, port} into a host name and a service name (two strings), as Python's getnameinfo; flags are NI_* constants (NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD, NI_DGRAM, NI_NOFQDN).", Fn: luaGetNameInfo},
	{Name: "getservbyname", Args: "(name[, proto])", Doc: "Returns the port of a service (\"http\" → 80) for proto \"tcp\" or \"udp\" (any if omitted), from /etc/services or socklab's built-in IANA table; nil and \"service/proto not found\" if unknown.", Fn: luaGetServByName},
	{Name: "getservbyport", Args: "(port[, proto])", Doc: "Returns the service name for a port (80 → \"http\") for proto \"tcp\" or \"udp\" (any if omitted); nil and \"port/proto not found\" if unknown.", Fn: luaGetServByPort},
	{Name: "getprotobyname", Args: "(name)", Doc: "Returns the number of a protocol (\"tcp\" → 6, \"udp\" → 17, \"icmp\" → 1); nil and \"protocol not found\" if unknown.", Fn: luaGetProtoByName},
	{Name: "inet_aton", Args: "(ip)", Doc: "Packs an IPv4 address (any form inet_aton accepts: \"127.1\", \"0x7f.1\") into a 4-byte string; nil and an error if it is not one.", Fn: luaInetAton},
	{Name: "inet_ntoa", Args: "(packed)", Doc: "Formats a 4-byte string as a dotted-quad IPv4 address.", Fn: luaInetNtoa},
	{Name: "inet_pton", Args: "(family, ip)", Doc: "Packs an IPv4 (AF_INET, 4 bytes) or IPv6 (AF_INET6, 16 bytes) address in strict form into a byte string; nil and an error if it is malformed.", Fn: luaInetPton},
	{Name: "inet_ntop", Args: "(family, packed)", Doc: "Formats a 4-byte (AF_INET) or 16-byte (AF_INET6) string as an address, in glibc's style (\"::1\", \"::ffff:1.2.3.4\").", Fn: luaInetNtop},
}

var socketType = &runtime.Type{
	Name: "socket",
	Doc:  "a socket made by socket.socket(), accept() or create_connection(); methods as in Python",
	Methods: []runtime.Function{
		{Name: "bind", Args: "(host, port) or ({host, port}) or (path)", Doc: "Binds the socket to a local address; port 0 lets the system choose (getsockname shows it). Returns true, or nil and an error such as \"[Errno 98] Address already in use\".", Fn: sockBind},
		{Name: "listen", Args: "([backlog])", Doc: "Makes a stream socket accept connections (backlog default 128). Returns true, or nil and an error.", Fn: sockListen},
		{Name: "accept", Args: "()", Doc: "Waits for a connection and returns the connected socket and the peer's address; nil, \"timed out\" after the socket's timeout. Other tasks run meanwhile; Ctrl-C interrupts it.", Fn: sockAccept},
		{Name: "connect", Args: "(host, port) or ({host, port}) or (path)", Doc: "Connects to a remote address (names are resolved). Returns true, or nil and an error such as \"[Errno 111] Connection refused\" or \"timed out\".", Fn: sockConnect},
		{Name: "connect_ex", Args: "(host, port) or ({host, port}) or (path)", Doc: "Like connect, but returns the errno number: 0 on success, 111 when refused, 11 on timeout (a port scanner's test). A name that does not resolve returns nil and the error.", Fn: sockConnectEx},
		{Name: "send", Args: "(data[, flags])", Doc: "Sends what it can of data and returns the number of bytes sent; nil and an error such as \"[Errno 32] Broken pipe\".", Fn: sockSend},
		{Name: "sendall", Args: "(data[, flags])", Doc: "Sends all of data, waiting as needed. Returns true, or nil and an error.", Fn: sockSendAll},
		{Name: "sendto", Args: "(data[, flags], host, port) or (data[, flags], {host, port})", Doc: "Sends a datagram to an address and returns the number of bytes sent.", Fn: sockSendTo},
		{Name: "recv", Args: "(bufsize[, flags])", Doc: "Receives up to bufsize bytes as a (binary-safe) string; \"\" at end of stream. nil and \"timed out\" after the timeout, or nil and an error.", Fn: sockRecv},
		{Name: "recvfrom", Args: "(bufsize[, flags])", Doc: "Receives a datagram: returns the data and the sender's address.", Fn: sockRecvFrom},
		{Name: "close", Args: "()", Doc: "Closes the socket. Later calls report \"[Errno 9] Bad file descriptor\". Closing twice is harmless.", Fn: sockClose},
		{Name: "settimeout", Args: "(seconds)", Doc: "Sets the timeout of blocking calls: nil blocks without limit, 0 makes the socket non-blocking, otherwise calls fail with \"timed out\" after that many seconds.", Fn: sockSetTimeout},
		{Name: "gettimeout", Args: "()", Doc: "Returns the timeout in seconds, or nil if the socket blocks without limit.", Fn: sockGetTimeout},
		{Name: "setblocking", Args: "(flag)", Doc: "setblocking(true) is settimeout(nil), setblocking(false) is settimeout(0).", Fn: sockSetBlocking},
		{Name: "getblocking", Args: "()", Doc: "Returns true unless the socket is non-blocking (timeout 0).", Fn: sockGetBlocking},
		{Name: "setsockopt", Args: "(level, option, value)", Doc: "Sets a socket option: value is a number, a boolean or a byte string (e.g. s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)). Returns true, or nil and an error.", Fn: sockSetsockopt},
		{Name: "getsockopt", Args: "(level, option[, buflen])", Doc: "Returns an option's value: a number, or a byte string of at most buflen bytes when buflen is given.", Fn: sockGetsockopt},
		{Name: "getsockname", Args: "()", Doc: "Returns the socket's own address ({host, port}, or a path for Unix sockets).", Fn: sockGetsockname},
		{Name: "getpeername", Args: "()", Doc: "Returns the connected peer's address; nil and \"[Errno 107] Transport endpoint is not connected\" if none.", Fn: sockGetpeername},
		{Name: "shutdown", Args: "(how)", Doc: "Shuts down reading (SHUT_RD), writing (SHUT_WR: the peer sees end of stream) or both (SHUT_RDWR). Returns true, or nil and an error.", Fn: sockShutdown},
		{Name: "fileno", Args: "()", Doc: "Returns the file descriptor number, -1 once closed.", Fn: sockFileno},
		{Name: "recvline", Args: "([keepends])", Doc: "Receives one line, ending at \"\\n\", which is kept unless keepends is false. At end of stream returns what is left (\"\" if nothing).", Fn: sockRecvLine},
		{Name: "recvuntil", Args: "(delim[, drop])", Doc: "Receives up to and including delim (without it if drop is true). If the stream ends first, returns nil and \"connection closed\" and keeps the data for the next call.", Fn: sockRecvUntil},
		{Name: "recvexactly", Args: "(n)", Doc: "Receives exactly n bytes; if the stream ends first, returns nil and an error and keeps the data for the next call.", Fn: sockRecvExactly},
		{Name: "recvall", Args: "()", Doc: "Receives until the peer closes its side and returns everything.", Fn: sockRecvAll},
		{Name: "sendline", Args: "(data)", Doc: "Sends data followed by \"\\n\" (all of it). Returns true, or nil and an error.", Fn: sockSendLine},
		{Name: "lines", Args: "()", Doc: "Iterator over received lines without their line endings, for `for line in s:lines() do … end`; ends at end of stream (or on an error).", Fn: sockLines},
		{Name: "interactive", Args: "()", Doc: "Connects the terminal to the socket like nc: what arrives is printed, what you type is sent. Ctrl-D or Ctrl-C leaves; the socket stays open.", Fn: sockInteractive},
	},
	Fields: []string{"family", "type", "proto"},
	Field: func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue {
		s := ud.Value.(*Socket)
		switch key {
		case "family":
			return lua.LNumber(s.Family)
		case "type":
			return lua.LNumber(s.Type)
		case "proto":
			return lua.LNumber(s.Proto)
		}
		return nil
	},
	Tostring: func(ud *lua.LUserData) string { return ud.Value.(*Socket).String() },
}

// String is Python's repr of the socket.
func (s *Socket) String() string {
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

func checkSock(L *lua.LState) *Socket { return runtime.Check[*Socket](L, 1, "socket") }

func pushSock(L *lua.LState, s *Socket) *lua.LUserData {
	runtime.Track(L, s)
	ud := runtime.NewUserData(L, "socket", s)
	L.Push(ud)
	return ud
}

func ok(L *lua.LState, err error) int {
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}

func optInt(L *lua.LState, n, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return int(L.CheckNumber(n))
}

func luaSocket(L *lua.LState) int {
	family := optInt(L, 1, unix.AF_INET)
	typ := optInt(L, 2, unix.SOCK_STREAM)
	proto := optInt(L, 3, 0)
	if family != unix.AF_INET && family != unix.AF_INET6 && family != unix.AF_UNIX {
		L.ArgError(1, fmt.Sprintf("unknown address family %d (use AF_INET, AF_INET6 or AF_UNIX)", family))
	}
	if typ != unix.SOCK_STREAM && typ != unix.SOCK_DGRAM && typ != unix.SOCK_RAW && typ != unix.SOCK_SEQPACKET {
		L.ArgError(2, fmt.Sprintf("unknown socket type %d (use SOCK_STREAM or SOCK_DGRAM)", typ))
	}
	s, err := NewSocket(family, typ, proto)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	pushSock(L, s)
	return 1
}

// sockAddr reads the address arguments of a method starting at n and
// resolves them.
func sockAddr(L *lua.LState, s *Socket, n int) (unix.Sockaddr, error) {
	host, port, _ := addrArgs(L, s.Family, n)
	return resolveAddr(L, s.Family, host, port)
}

func sockBind(L *lua.LState) int {
	s := checkSock(L)
	sa, err := sockAddr(L, s, 2)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	return ok(L, s.Bind(sa))
}

func sockListen(L *lua.LState) int {
	s := checkSock(L)
	backlog := optInt(L, 2, 128)
	return ok(L, s.Listen(max(backlog, 0)))
}

func sockAccept(L *lua.LState) int {
	s := checkSock(L)
	var c *Socket
	var sa unix.Sockaddr
	err := runtime.Block(L, func(ctx context.Context) (err error) {
		c, sa, err = s.Accept(ctx)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	pushSock(L, c)
	L.Push(addrValue(L, sa))
	return 2
}

func doConnect(L *lua.LState) (*Socket, error) {
	s := checkSock(L)
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
	if err == runtime.ErrTimeout {
		L.Push(lua.LNumber(int(unix.EAGAIN)))
		return 1
	}
	return pyerr.Fail(L, err)
}

// data reads a string argument as bytes without copying: the engine only
// reads them (send and friends), and Lua strings are immutable.
func data(L *lua.LState, n int) []byte {
	s := L.CheckString(n)
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func sockSend(L *lua.LState) int {
	s := checkSock(L)
	p := data(L, 2)
	flags := optInt(L, 3, 0)
	n, err := send(L, s, p, flags, nil)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LNumber(n))
	return 1
}

// send sends p (to sa, unless nil) as Python's send/sendto do, trying first
// without letting go of the Lua lock (see TrySend).
func send(L *lua.LState, s *Socket, p []byte, flags int, sa unix.Sockaddr) (n int, err error) {
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
func sendAll(L *lua.LState, s *Socket, p []byte, flags int) error {
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
	s := checkSock(L)
	p := data(L, 2)
	flags := optInt(L, 3, 0)
	return ok(L, sendAll(L, s, p, flags))
}

func sockSendLine(L *lua.LState) int {
	s := checkSock(L)
	p := append([]byte(L.CheckString(2)), '\n')
	return ok(L, sendAll(L, s, p, 0))
}

func sockSendTo(L *lua.LState) int {
	s := checkSock(L)
	p := data(L, 2)
	flags, n := 0, 3
	if v, isNum := L.Get(3).(lua.LNumber); isNum {
		flags, n = int(v), 4
	}
	sa, err := sockAddr(L, s, n)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	sent, err := send(L, s, p, flags, sa)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LNumber(sent))
	return 1
}

const poolBufSize = 64 << 10

var bufPool = sync.Pool{New: func() any { b := make([]byte, poolBufSize); return &b }}

func checkBufsize(L *lua.LState, n int) int {
	size := L.CheckInt(n)
	if size < 0 {
		L.ArgError(n, "negative buffersize in recv")
	}
	if size > 1<<30 {
		L.ArgError(n, "buffersize too large (at most 1 GiB)")
	}
	return size
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
	s := checkSock(L)
	size := checkBufsize(L, 2)
	flags := optInt(L, 3, 0)
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
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LString(buf[:n]))
	return 1
}

func sockRecvFrom(L *lua.LState) int {
	s := checkSock(L)
	size := checkBufsize(L, 2)
	flags := optInt(L, 3, 0)
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
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LString(buf[:n]))
	L.Push(addrValue(L, sa))
	return 2
}

func sockClose(L *lua.LState) int {
	s := checkSock(L)
	runtime.Untrack(L, s)
	s.Close()
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
	level, opt := L.CheckInt(2), L.CheckInt(3)
	switch v := L.Get(4).(type) {
	case lua.LNumber:
		return ok(L, s.SetsockoptInt(level, opt, int(v)))
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
	level, opt := L.CheckInt(2), L.CheckInt(3)
	if L.Get(4) != lua.LNil {
		n := L.CheckInt(4)
		if n < 0 || n > 1024 {
			L.ArgError(4, "getsockopt buflen out of range")
		}
		b, err := s.GetsockoptBytes(level, opt, n)
		if err != nil {
			return pyerr.Fail(L, err)
		}
		L.Push(lua.LString(b))
		return 1
	}
	v, err := s.GetsockoptInt(level, opt)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LNumber(v))
	return 1
}

func sockGetsockname(L *lua.LState) int {
	sa, err := checkSock(L).Sockname()
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(addrValue(L, sa))
	return 1
}

func sockGetpeername(L *lua.LState) int {
	sa, err := checkSock(L).Peername()
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(addrValue(L, sa))
	return 1
}

func sockShutdown(L *lua.LState) int {
	s := checkSock(L)
	how := L.CheckInt(2)
	if how < 0 || how > 2 {
		L.ArgError(2, "how must be SHUT_RD, SHUT_WR or SHUT_RDWR")
	}
	return ok(L, s.Shutdown(how))
}

func sockFileno(L *lua.LState) int {
	L.Push(lua.LNumber(checkSock(L).Fileno()))
	return 1
}

// --- line-oriented helpers ------------------------------------------------------

// ErrClosedEarly is what recvuntil/recvexactly fail with when the stream
// ends first.
var ErrClosedEarly = OSError("connection closed")

// fill reads more data into the read-ahead buffer; it reports false at end
// of stream.
func (s *Socket) fill(ctx context.Context) (bool, error) {
	buf, bp := getBuf(poolBufSize)
	defer putBuf(bp)
	var n int
	err := s.io(ctx, dirRead, func(fd, _ int) (err error) {
		n, err = sysRecv(fd, buf, 0)
		return err
	})
	if err != nil {
		return false, err
	}
	if n == 0 {
		return false, nil
	}
	s.rmu.Lock()
	s.rbuf = append(s.rbuf, buf[:n]...)
	s.rmu.Unlock()
	return true, nil
}

// RecvUntil returns the data up to and including delim. At end of stream it
// returns what is buffered and eof=true, leaving it buffered when keep.
func (s *Socket) RecvUntil(ctx context.Context, delim []byte, keep bool) (data []byte, eof bool, err error) {
	for {
		s.rmu.Lock()
		if i := bytes.Index(s.rbuf, delim); i >= 0 {
			data = append([]byte(nil), s.rbuf[:i+len(delim)]...)
			s.rbuf = s.rbuf[i+len(delim):]
			s.rmu.Unlock()
			return data, false, nil
		}
		s.rmu.Unlock()
		more, err := s.fill(ctx)
		if err != nil {
			return nil, false, err
		}
		if !more {
			s.rmu.Lock()
			data = append([]byte(nil), s.rbuf...)
			if !keep {
				s.rbuf = s.rbuf[:0]
			}
			s.rmu.Unlock()
			return data, true, nil
		}
	}
}

// RecvExactly returns exactly n bytes, or eof=true (data stays buffered).
func (s *Socket) RecvExactly(ctx context.Context, n int) ([]byte, bool, error) {
	for {
		s.rmu.Lock()
		if len(s.rbuf) >= n {
			data := append([]byte(nil), s.rbuf[:n]...)
			s.rbuf = s.rbuf[n:]
			s.rmu.Unlock()
			return data, false, nil
		}
		s.rmu.Unlock()
		more, err := s.fill(ctx)
		if err != nil {
			return nil, false, err
		}
		if !more {
			return nil, true, nil
		}
	}
}

func (s *Socket) buffered() int {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	return len(s.rbuf)
}

func recvLine(L *lua.LState, s *Socket, keepends bool) (lua.LValue, error) {
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
	s := checkSock(L)
	keep := L.Get(2) == lua.LNil || L.ToBool(2)
	v, err := recvLine(L, s, keep)
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(v)
	return 1
}

func sockRecvUntil(L *lua.LState) int {
	s := checkSock(L)
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
		return pyerr.Fail(L, err)
	}
	if eof {
		return pyerr.Fail(L, ErrClosedEarly)
	}
	if drop {
		got = got[:len(got)-len(delim)]
	}
	L.Push(lua.LString(got))
	return 1
}

func sockRecvExactly(L *lua.LState) int {
	s := checkSock(L)
	n := L.CheckInt(2)
	if n < 0 {
		L.ArgError(2, "negative size")
	}
	var got []byte
	var eof bool
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		got, eof, err = s.RecvExactly(ctx, n)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	if eof {
		return pyerr.Fail(L, OSError(fmt.Sprintf("connection closed after %d of %d bytes", s.buffered(), n)))
	}
	L.Push(lua.LString(got))
	return 1
}

func sockRecvAll(L *lua.LState) int {
	s := checkSock(L)
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		for {
			var more bool
			more, err = s.fill(ctx)
			if err != nil || !more {
				return err
			}
		}
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	s.rmu.Lock()
	all := s.rbuf
	s.rbuf = nil
	s.rmu.Unlock()
	L.Push(lua.LString(all))
	return 1
}

func sockLines(L *lua.LState) int {
	s := checkSock(L)
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
	s := checkSock(L)
	out := runtime.Of(L).Stdout()
	var err error
	runtime.Block(L, func(ctx context.Context) error {
		err = s.interactive(ctx, os.Stdin, out)
		return err
	})
	if err != nil {
		return pyerr.Fail(L, err)
	}
	L.Push(lua.LTrue)
	return 1
}
