#!/usr/bin/env socklab
-- Lesson 8, terminal 2 of 2: the tutorial's UDP client. Start
-- scripts/udp_server.lua in another terminal first, then:
--   socklab scripts/udp_client.lua [PORT]    (default 20001, the server's)
--
-- Python                                               socklab
-- s = socket.socket(family=socket.AF_INET,             socket.socket(socket.AF_INET,
--                   type=socket.SOCK_DGRAM)                          socket.SOCK_DGRAM)
-- s.sendto(str.encode("Hello UDP Server"),             s:sendto("Hello UDP Server",
--          ("127.0.0.1", 20001))                                "127.0.0.1", port)
-- message, address = s.recvfrom(1024)                  local message, address = s:recvfrom(1024)

local port = tonumber(arg[1] or 20001)
local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
-- UDP has no connection: if nobody listens, the datagram is simply lost
-- and no answer comes. Wait 2 seconds at most (Python: s.settimeout(2)).
s:settimeout(2)
s:sendto("Hello UDP Server", "127.0.0.1", port)
local message, address = s:recvfrom(1024)
if not message then
  print(("No answer from 127.0.0.1 port %d: %s (is udp_server.lua running?)"):format(port, address))
  os.exit(1)
end
print("Message from Server: " .. message)
s:close()
