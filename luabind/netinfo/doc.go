// Package netinfo is the Lua face of internal/netinfo: net.interfaces,
// net.interface, net.routes, net.route_to and net.connections. It registers
// into the `net` module beside net.scan (several packages fill one module).
//
// Results are plain Lua tables, so scripts loop and filter them with ipairs
// and field access; each table has a metatable whose __tostring prints it as
// the familiar tool does (`ip a`, `ip route`, `netstat -nap`), which is what
// the REPL shows.
package netinfo
