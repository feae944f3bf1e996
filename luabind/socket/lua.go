package socket

import (
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"socklab/internal/resolver"
	"socklab/internal/sock"
	"socklab/luabind/runtime"
)

// The module's table: functions, the socket type, constants.

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
	"AI_PASSIVE":       resolver.AI_PASSIVE, "AI_CANONNAME": resolver.AI_CANONNAME, "AI_NUMERICHOST": resolver.AI_NUMERICHOST,
	"AI_NUMERICSERV": resolver.AI_NUMERICSERV, "AI_V4MAPPED": resolver.AI_V4MAPPED, "AI_ALL": resolver.AI_ALL, "AI_ADDRCONFIG": resolver.AI_ADDRCONFIG,
	"NI_NUMERICHOST": resolver.NI_NUMERICHOST, "NI_NUMERICSERV": resolver.NI_NUMERICSERV, "NI_NOFQDN": resolver.NI_NOFQDN,
	"NI_NAMEREQD": resolver.NI_NAMEREQD, "NI_DGRAM": resolver.NI_DGRAM,
}

func moduleValues(L *lua.LState, mod *lua.LTable) {
	for k, v := range constants {
		L.SetField(mod, k, lua.LNumber(v))
	}
	L.SetField(mod, "has_ipv6", lua.LTrue)
	installAddrMeta(L)
	installAddrInfoMeta(L)
	installState(L)
}

var moduleFuncs = []runtime.Function{
	{Name: "socket", Args: "([family[, type[, proto]]])", Doc: "Creates a socket: family AF_INET (default), AF_INET6 or AF_UNIX; type SOCK_STREAM (default, TCP) or SOCK_DGRAM (UDP). It belongs to the task that made it and is closed when that task ends, unless returned or passed on. Returns the socket, or nil and an error message.", Fn: luaSocket},
	{Name: "create_connection", Args: "(host, port[, timeout]) or ({host, port}[, timeout])", Doc: "Resolves host and port (a number or a service name such as \"http\"), connects a TCP socket to the first address that answers and returns it; timeout (seconds) applies to the connect and stays on the socket. Returns nil and the last error if none answers.", Fn: luaCreateConnection},
	{Name: "create_server", Args: "(host, port[, opts]) or ({host, port}[, opts])", Doc: "Returns a TCP socket bound to host:port (\"\" or nil host: every address) with SO_REUSEADDR set, listening. opts: family (AF_INET, or AF_INET6), backlog, reuse_port (SO_REUSEPORT), dualstack (IPv6 socket also accepting IPv4).", Fn: luaCreateServer},
	{Name: "setdefaulttimeout", Args: "(timeout)", Doc: "Sets the timeout in seconds that new sockets start with; nil means none (blocking).", Fn: luaSetDefaultTimeout},
	{Name: "getdefaulttimeout", Args: "()", Doc: "Returns the timeout new sockets start with, or nil for none.", Fn: luaGetDefaultTimeout},
	{Name: "gethostname", Args: "()", Doc: "Returns this machine's host name.", Fn: luaGetHostname},
	{Name: "gethostbyname", Args: "(name)", Doc: "Returns the IPv4 address of a host name as text (\"127.0.0.1\"), using /etc/hosts then DNS as the system does; nil and \"[Errno -2] Name or service not known\" for a name that does not exist.", Fn: lookupFn((*resolver.Resolver).GetHostByName, pushHostAddr)},
	{Name: "gethostbyname_ex", Args: "(name)", Doc: "Returns three values: the host's canonical name, a list of aliases and a list of IPv4 addresses, as Python's gethostbyname_ex; or nil and an error message.", Fn: lookupFn((*resolver.Resolver).GetHostByNameEx, pushHostInfo)},
	{Name: "gethostbyaddr", Args: "(address)", Doc: "Reverse lookup: returns the primary host name, a list of aliases and a list of addresses for an IP address (or a name, resolved first); or nil and an error such as \"[Errno 1] Unknown host\".", Fn: lookupFn((*resolver.Resolver).GetHostByAddr, pushHostInfo)},
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
		{Name: "bind", Args: "(host, port) or ({host, port}) or (path)", Doc: "Binds the socket to a local address; port 0 lets the system choose (getsockname shows it), a service name (\"echo\") is looked up. Returns true, or nil and an error such as \"[Errno 98] Address already in use\".", Fn: sockBind},
		{Name: "listen", Args: "([backlog])", Doc: "Makes a stream socket accept connections (backlog default 128). Returns true, or nil and an error.", Fn: sockListen},
		{Name: "accept", Args: "()", Doc: "Waits for a connection and returns the connected socket and the peer's address; nil, \"timed out\" after the socket's timeout. Other tasks run meanwhile; Ctrl-C interrupts it.", Fn: sockAccept},
		{Name: "connect", Args: "(host, port) or ({host, port}) or (path)", Doc: "Connects to a remote address (host names and service names such as \"http\" are resolved). Returns true, or nil and an error such as \"[Errno 111] Connection refused\" or \"timed out\".", Fn: sockConnect},
		{Name: "connect_ex", Args: "(host, port) or ({host, port}) or (path)", Doc: "Like connect, but returns the errno number: 0 on success, 111 when refused, 11 on timeout (a port scanner's test). A name that does not resolve returns nil and the error.", Fn: sockConnectEx},
		{Name: "send", Args: "(data[, flags])", Doc: "Sends what it can of data and returns the number of bytes sent; nil and an error such as \"[Errno 32] Broken pipe\".", Fn: sockSend},
		{Name: "sendall", Args: "(data[, flags])", Doc: "Sends all of data, waiting as needed. Returns true, or nil and an error.", Fn: sockSendAll},
		{Name: "sendto", Args: "(data[, flags], host, port) or (data[, flags], {host, port})", Doc: "Sends a datagram to an address (the port may be a service name, looked up for udp) and returns the number of bytes sent.", Fn: sockSendTo},
		{Name: "recv", Args: "(bufsize[, flags])", Doc: "Receives up to bufsize bytes as a (binary-safe) string; \"\" at end of stream. nil and \"timed out\" after the timeout, or nil and an error.", Fn: sockRecv},
		{Name: "recvfrom", Args: "(bufsize[, flags])", Doc: "Receives a datagram: returns the data and the sender's address.", Fn: sockRecvFrom},
		{Name: "close", Args: "()", Doc: "Closes the socket. Later calls report \"[Errno 9] Bad file descriptor\". Closing twice is harmless.", Fn: sockClose},
		{Name: "settimeout", Args: "(seconds)", Doc: "Sets the timeout of blocking calls: nil blocks without limit, 0 makes the socket non-blocking, otherwise calls fail with \"timed out\" after that many seconds.", Fn: sockSetTimeout},
		{Name: "gettimeout", Args: "()", Doc: "Returns the timeout in seconds, or nil if the socket blocks without limit.", Fn: sockGetTimeout},
		{Name: "setblocking", Args: "(flag)", Doc: "setblocking(true) is settimeout(nil), setblocking(false) is settimeout(0).", Fn: sockSetBlocking},
		{Name: "getblocking", Args: "()", Doc: "Returns true unless the socket is non-blocking (timeout 0).", Fn: sockGetBlocking},
		{Name: "setsockopt", Args: "(level, option, value)", Doc: "Sets a socket option: value is a number, a boolean or a byte string (e.g. s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)). Returns true, or nil and an error.", Fn: sockSetsockopt},
		{Name: "getsockopt", Args: "(level, option[, buflen])", Doc: "Returns an option's value: a number, or a byte string of at most buflen bytes when buflen is given.", Fn: sockGetsockopt},
		{Name: "getsockname", Args: "()", Doc: "Returns the socket's own address ({host, port}, or a path for Unix sockets).", Fn: sockAddress((*sock.Socket).Sockname)},
		{Name: "getpeername", Args: "()", Doc: "Returns the connected peer's address; nil and \"[Errno 107] Transport endpoint is not connected\" if none.", Fn: sockAddress((*sock.Socket).Peername)},
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
	// A socket's family, type and proto never change, so sockets get one
	// metatable per combination whose __index is a plain table: methods
	// and these attributes are table lookups (runtime's variants.go).
	Fields:      []string{"family", "type", "proto"},
	FixedFields: []string{"family", "type", "proto"},
	Fixed: func(v any) []lua.LValue {
		s := v.(*sock.Socket)
		return []lua.LValue{lua.LNumber(s.Family), lua.LNumber(s.Type), lua.LNumber(s.Proto)}
	},
	Tostring: func(ud *lua.LUserData) string { return repr(ud.Value.(*sock.Socket)) },
	Names:    valueNames,
}
