#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 7 in one script: the tutorial's TCP server (tcp_server.lua) runs as
-- a task, and its client (tcp_client.lua) talks to it over loopback, twice.
-- Run: socklab scripts/tcp_pair.lua
-- Python: socket(), bind(), listen(4), accept() / connect(), send(), recv().

local HOST = "127.0.0.1"
local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
assert(server:bind(HOST, 0))                     -- port 0: the kernel picks a free port
assert(server:listen(4))
local port = server:getsockname().port
print("server: listening on " .. HOST .. ":" .. port)

local server_task = spawn(function()
  for _ = 1, 2 do                                -- two clients, then stop
    local client, address = server:accept()
    print("server: Client has connected from the address " .. tostring(address))
    client:sendall("Welcome to the server!")
    print("server: client says " .. client:recv(1024))
    client:close()
  end
  server:close()
  return true
end)

for i = 1, 2 do
  local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  assert(s:connect(HOST, port))
  print("client " .. i .. ": server says " .. s:recv(1024))
  s:sendall("thanks from client " .. i)
  s:close()
end
assert(server_task:join())

-- Nobody listens on the closed server's port any more:
local probe = socket.socket()
print("connect_ex after close:", probe:connect_ex(HOST, port))
print("connect after close:", probe:connect(HOST, port))
probe:close()
