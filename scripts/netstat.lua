#!/usr/bin/env socklab
-- socklab: selfcheck netns
-- Lesson 10: `netstat -na` from Lua. net.connections() lists this machine's
-- sockets (listening, connected, UDP) as Lua values, and prints like
-- netstat. The script opens a server, a client connected to it and a UDP
-- socket first, so that its own sockets are in the list.
-- Run: socklab scripts/netstat.lua      (root sees every program's name)
--
-- The tutorial runs `netstat -na` in a shell; Python itself has no call for
-- it (psutil.net_connections() is the nearest).
--   netstat -na                    print(net.connections())
--   netstat -na | grep :PORT       net.connections({port = PORT})
--   netstat -nat                   net.connections("tcp")

local server = assert(socket.create_server("127.0.0.1", 0))
local port = server:getsockname().port
local client = assert(socket.create_connection("127.0.0.1", port))
local conn = assert(server:accept())
local udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(udp:bind("127.0.0.1", 0))

print(net.connections())

print("\nThe sockets on our server's port " .. port .. ", as Lua values:")
local rows = {}
for _, c in ipairs(net.connections({port = port})) do
  local role = c.state == "LISTEN" and "the server, listening"
      or c.local_port == port and "the server's side of the connection"
      or "the client's side of the connection"
  rows[#rows + 1] = ("%-4s %-12s %s"):format(c.proto, c.state, role)
end
table.sort(rows)
print(table.concat(rows, "\n"))
