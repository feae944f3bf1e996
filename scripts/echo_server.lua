#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 9: the client/server pseudocode (the client sends a request, the
-- server answers, until the client closes) as an echo server that serves many
-- clients at once: each connection gets its own task, as Python gives each its
-- own thread.
--   socklab scripts/echo_server.lua         demo: three clients connected at once
--   socklab scripts/echo_server.lua PORT    the server alone until Ctrl-C (try: nc 127.0.0.1 PORT)
--
-- Python                                           socklab
-- s = socket.create_server(("127.0.0.1", port))    socket.create_server("127.0.0.1", port)
-- conn, addr = s.accept()                          local conn, addr = s:accept()
-- threading.Thread(target=serve,                   spawn(serve, conn, addr)
--                  args=(conn, addr)).start()
-- data = conn.recv(1024); if not data: break       if data == "" then break end

local function serve(conn, addr)      -- request → response until the client closes
  local requests = 0
  while true do
    local data = conn:recv(1024)
    if not data or data == "" then break end   -- "": the client closed its side
    requests = requests + 1
    local sent, err = conn:sendall(data)
    if not sent then break end                 -- the client has gone
  end
  conn:close()
  return requests
end

local server = assert(socket.create_server("127.0.0.1", tonumber(arg[1]) or 0))
local port = server:getsockname().port
if arg[1] then                        -- the server alone
  print(("Echo server on 127.0.0.1 port %d; Ctrl-C stops it"):format(port))
  while true do
    local conn, addr = server:accept()
    print("connected: " .. tostring(addr))
    spawn(function(c) print(("%s left after %d requests"):format(tostring(addr), serve(c, addr))) end, conn)
  end
end

-- Demo: the server runs as a task; three clients stay connected at once and
-- take turns. Each answer comes at once because each client has a task.
local accepting = spawn(function()
  local handlers = {}
  for i = 1, 3 do handlers[i] = spawn(serve, server:accept()) end
  local counts = {}
  for i, results in ipairs(join(handlers)) do counts[i] = results[1] end
  return counts
end)
local clients = {}
for i = 1, 3 do clients[i] = assert(socket.create_connection("127.0.0.1", port)) end
for round = 1, 2 do
  for i, c in ipairs(clients) do
    local request = "request " .. round
    c:sendall(request)
    print(("client %d sent %q, got back %q"):format(i, request, c:recv(1024)))
  end
end
for _, c in ipairs(clients) do c:close() end
print("server: requests per client: " .. table.concat(assert(accepting:join()), ", "))
