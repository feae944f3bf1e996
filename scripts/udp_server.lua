#!/usr/bin/env socklab
-- Lesson 8, terminal 1 of 2: the tutorial's UDP server. No connection: it
-- receives datagrams from anyone and answers each sender, until Ctrl-C.
--   socklab scripts/udp_server.lua [PORT]    (default 20001; 0 lets the kernel pick)
-- then, in a second terminal:  socklab scripts/udp_client.lua [PORT]
-- (scripts/udp_pair.lua runs both in one script, with tasks.)
--
-- Python                                               socklab
-- s = socket.socket(family=socket.AF_INET,             socket.socket(socket.AF_INET,
--                   type=socket.SOCK_DGRAM)                          socket.SOCK_DGRAM)
-- s.bind(("127.0.0.1", 20001))                         s:bind("127.0.0.1", port)
-- message, address = s.recvfrom(1024)                  local message, address = s:recvfrom(1024)
-- s.sendto(str.encode("Hello UDP Client"), address)    s:sendto("Hello UDP Client", address)

local port = tonumber(arg[1] or 20001)
local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(s:bind("127.0.0.1", port))
print(("UDP server up and listening on 127.0.0.1 port %d; Ctrl-C stops it"):format(s:getsockname().port))

while true do
  local message, address = s:recvfrom(1024)
  print("Message from Client: " .. message)
  print("Client IP Address: " .. tostring(address))
  s:sendto("Hello UDP Client", address)
end
