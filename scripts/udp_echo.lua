#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 4: UDP. A datagram server answers each message in upper case; the
-- client uses sendto/recvfrom, as in the Python tutorial.

local HOST = "127.0.0.1"
local server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server:bind(HOST, 0)
local port = server:getsockname().port

local server_task = spawn(function()
  for _ = 1, 3 do
    local data, addr = server:recvfrom(1024)
    server:sendto(data:upper(), addr)
  end
  server:close()
end)

local client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client:settimeout(2)
for _, word in ipairs({"one", "two", "three"}) do
  client:sendto(word, HOST, port)
  local reply, from = client:recvfrom(1024)
  print(("sent %-5s got %-5s from the server's port: %s"):format(word, reply, from.port == port))
end
server_task:join(5)

-- With nobody listening, a reply never comes: recvfrom times out.
client:settimeout(0.2)
client:sendto("anyone?", HOST, port)
print("after the server closed:", client:recvfrom(1024))
client:close()
