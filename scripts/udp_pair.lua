#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 8 in one script: the tutorial's UDP server (udp_server.lua) runs as
-- a task; its client (udp_client.lua) sends datagrams with sendto and reads
-- the answers with recvfrom, as in Python. No connection is ever made.
-- Run: socklab scripts/udp_pair.lua

local HOST = "127.0.0.1"
local server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(server:bind(HOST, 0))                     -- port 0: the kernel picks
local port = server:getsockname().port

local server_task = spawn(function()
  for _ = 1, 3 do                                -- three datagrams, then stop
    local message, address = server:recvfrom(1024)
    print("server: got " .. message .. " from " .. tostring(address))
    server:sendto(message:upper(), address)
  end
  server:close()
  return true
end)

local client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client:settimeout(2)
for _, word in ipairs({"one", "two", "three"}) do
  client:sendto(word, HOST, port)
  local reply, from = client:recvfrom(1024)
  print(("client: sent %-5s got %-5s from the server's port: %s"):format(word, reply, from.port == port))
end
assert(server_task:join())

-- With nobody listening, a reply never comes: recvfrom times out.
client:settimeout(0.2)
client:sendto("anyone?", HOST, port)
print("client, after the server closed:", client:recvfrom(1024))
client:close()
