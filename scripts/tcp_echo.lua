#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 3: a TCP echo server and its client in one script, as the Python
-- tutorial's two programs (socket, bind, listen, accept / connect, send, recv).
-- The server runs as a task; the client talks to it over loopback.

local HOST = "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind(HOST, 0)                 -- port 0: the kernel picks a free port
server:listen(4)
local port = server:getsockname().port
print("server listening on " .. HOST .. ":" .. port)

local function serve(conn, addr)
  print("server: connection from " .. addr.host)
  while true do
    local data = conn:recv(1024)
    if not data or data == "" then break end   -- "" is the end of the stream
    conn:sendall(data)
  end
  conn:close()
end

local server_task = spawn(function()
  for _ = 1, 2 do                    -- two clients, then stop
    local conn, addr = server:accept()
    spawn(serve, conn, addr):join()
  end
  server:close()
end)

for _, message in ipairs({"Hello, world", "second client"}) do
  local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  assert(s:connect(HOST, port))
  s:sendall(message)
  print("client received: " .. s:recv(1024))
  s:close()
end
server_task:join(5)

-- Nobody listens on the closed server's port any more:
local probe = socket.socket()
print("connect_ex after close:", probe:connect_ex(HOST, port))
print("connect after close:", probe:connect(HOST, port))
probe:close()
