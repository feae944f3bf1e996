-- Lua 5.4 + LuaSocket client: MODE PORT N; prints the seconds taken.
local socket = require "socket"
local mode, port, n = ...
port, n = tonumber(port), tonumber(n)
local t0 = socket.gettime()
if mode == "echo" then
  local s = assert(socket.connect("127.0.0.1", port))
  local msg = string.rep("x", 32)
  for i = 1, n do
    s:send(msg)
    assert(s:receive(32))
  end
  s:close()
elseif mode == "bulk" then
  local s = assert(socket.connect("127.0.0.1", port))
  local chunk = string.rep("x", 65536)
  for i = 1, n * 16 do assert(s:send(chunk)) end
  s:shutdown("send")
  s:receive("*a")
  s:close()
elseif mode == "connect" then
  for i = 1, n do
    local s = socket.tcp()
    assert(s:connect("127.0.0.1", port))
    s:close()
  end
end
print(string.format("%.6f", socket.gettime() - t0))
