-- The echo server of bench/memory/run.sh: one Lua task per connection.
--   socklab bench/memory/echo_server.lua CLIENTS
-- Prints its port, serves CLIENTS connections until each client closes, exits.
local N = tonumber(arg[1]) or 10000
local srv = socket.create_server({"127.0.0.1", 0}, {backlog = 4096})
local port = srv:getsockname()[2]
print(port)
io.stdout:flush()
local handlers = {}
for i = 1, N do
  local conn = srv:accept()
  handlers[i] = spawn(function(c)
    while true do
      local data = c:recv(64)
      if not data or data == "" then break end
      if not c:sendall(data) then break end   -- the client has gone
    end
    c:close()
  end, conn)
end
join(handlers)
