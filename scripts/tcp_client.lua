#!/usr/bin/env socklab
-- Lesson 7, terminal 2 of 2: the tutorial's TCP client. Start
-- scripts/tcp_server.lua in another terminal first, then:
--   socklab scripts/tcp_client.lua [PORT]    (default 1234, the server's)
--
-- Python                                            socklab
-- s = socket.socket(socket.AF_INET,                 socket.socket(socket.AF_INET,
--                   socket.SOCK_STREAM)                           socket.SOCK_STREAM)
-- s.connect((socket.gethostname(), 1234))           s:connect(host, port)
-- msg = s.recv(1024)                                local msg = s:recv(1024)
-- print(msg.decode("utf-8"))                        print(msg)   -- Lua strings are bytes
-- s.send(bytes("Thanks…", "utf-8"))                 s:sendall("Thanks…")

local port = tonumber(arg[1] or 1234)
local host = socket.gethostname()                   -- the server's rule, see tcp_server.lua
local ip, err = socket.gethostbyname(host)
if not (ip and ip:match("^127%.")) then host = "127.0.0.1" end

local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
local ok, err = s:connect(host, port)
if not ok then
  print(("Cannot connect to host name %s, port %d: %s (is tcp_server.lua running?)"):format(host, port, err))
  os.exit(1)
end
local msg = s:recv(1024)
print("Server says: " .. msg)
s:sendall("Thanks for having me!")
s:close()
