-- The Lua client of run.sh, one program for two runtimes: MODE PORT N;
-- prints the seconds taken.
--   socketbench lua bench/socket/client.lua MODE PORT N   (socklab)
--   lua5.4 bench/socket/client.lua MODE PORT N            (LuaSocket)
-- `api` holds each runtime's own calls; the echo round trips are written in
-- each runtime's idiom inside it, so that no wrapper call adds to the work
-- measured per round trip.
local mode, port, n = ...
port, n = tonumber(port), tonumber(n)

local api
if socket and socket.create_connection then -- socklab: Python's socket module, a global
  api = {
    now = now,
    tcp = socket.socket,
    connect = function(port) return socket.create_connection("127.0.0.1", port) end,
    round_trips = function(s, msg, n) -- recv returns what has come, up to 1024 bytes
      local size = #msg
      for i = 1, n do
        s:send(msg)
        local got = #s:recv(1024)
        while got < size do got = got + #s:recv(1024) end
      end
    end,
    sendall = function(s, data) return s:sendall(data) end,
    drain = function(s) s:shutdown(socket.SHUT_WR); s:recvall() end,
  }
else
  local socket = require "socket"
  api = {
    now = socket.gettime,
    tcp = socket.tcp,
    connect = function(port) return socket.connect("127.0.0.1", port) end,
    round_trips = function(s, msg, n)
      local size = #msg
      for i = 1, n do
        s:send(msg)
        assert(s:receive(size))
      end
    end,
    sendall = function(s, data) return s:send(data) end, -- a blocking send sends it all
    drain = function(s) s:shutdown("send"); s:receive("*a") end,
  }
end

local t0 = api.now()
if mode == "echo" then
  local s = assert(api.connect(port))
  api.round_trips(s, string.rep("x", 32), n)
  s:close()
elseif mode == "bulk" then
  local s = assert(api.connect(port))
  local chunk = string.rep("x", 65536)
  for i = 1, n * 16 do assert(api.sendall(s, chunk)) end
  api.drain(s)
  s:close()
elseif mode == "connect" then
  for i = 1, n do
    local s = api.tcp()
    assert(s:connect("127.0.0.1", port))
    s:close()
  end
end
print(string.format("%.6f", api.now() - t0))
