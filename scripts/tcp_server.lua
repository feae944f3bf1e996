#!/usr/bin/env socklab
-- Lesson 7, terminal 1 of 2: the tutorial's TCP server. It greets each client,
-- prints what the client answers, and waits for the next one until Ctrl-C.
--   socklab scripts/tcp_server.lua [PORT]    (default 1234; 0 lets the kernel pick)
-- then, in a second terminal:  socklab scripts/tcp_client.lua [PORT]
-- (scripts/tcp_pair.lua runs both in one script, with tasks.)
--
-- Python                                            socklab
-- s = socket.socket(socket.AF_INET,                 socket.socket(socket.AF_INET,
--                   socket.SOCK_STREAM)                           socket.SOCK_STREAM)
-- s.bind((socket.gethostname(), 1234))              s:bind(host, port)
-- s.listen(4)                                       s:listen(4)
-- client, address = s.accept()                      local client, address = s:accept()
-- client.send(bytes("Welcome…", "utf-8"))           client:sendall("Welcome…")

local port = tonumber(arg[1] or 1234)
-- The tutorial binds to the host name. We do too when it names a loopback
-- address (127.x, as /etc/hosts usually says), otherwise we use 127.0.0.1:
-- a lab server should not be reachable from other machines.
local host = socket.gethostname()
local ip, err = socket.gethostbyname(host)
if not (ip and ip:match("^127%.")) then host = "127.0.0.1" end

local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  -- restart at once after Ctrl-C
assert(s:bind(host, port))
assert(s:listen(4))
print(("Server listening on host name %s, port %d; Ctrl-C stops it"):format(host, s:getsockname().port))

while true do
  local client, address = s:accept()
  print("Client has connected from the address " .. tostring(address))
  local sent, err = client:sendall("Welcome to the server!")  -- err: the client left
  local reply, why = client:recv(1024)
  print("Client says: " .. (reply or why))
  client:close()
end
