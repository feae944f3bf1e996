// Package socket is Python's socket module for Lua: sockets, the resolver and
// service ports, with a Go engine and its Lua face side by side.
package socket
