-- socklab Lua client: MODE PORT N; prints the seconds taken.
local mode, port, n = ...
port, n = tonumber(port), tonumber(n)
local t0 = now()
if mode == "echo" then
  local s = assert(socket.create_connection("127.0.0.1", port))
  local msg = string.rep("x", 32)
  for i = 1, n do
    s:send(msg)
    local got = #s:recv(1024)
    while got < 32 do got = got + #s:recv(1024) end
  end
  s:close()
elseif mode == "bulk" then
  local s = assert(socket.create_connection("127.0.0.1", port))
  local chunk = string.rep("x", 65536)
  for i = 1, n * 16 do assert(s:sendall(chunk)) end
  s:shutdown(socket.SHUT_WR)
  s:recvall()
  s:close()
elseif mode == "connect" then
  for i = 1, n do
    local s = socket.socket()
    assert(s:connect("127.0.0.1", port))
    s:close()
  end
end
print(string.format("%.6f", now() - t0))
