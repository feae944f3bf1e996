-- The clients of bench/memory/run.sh: one task per connection.
--   socklab bench/memory/echo_clients.lua PORT [CLIENTS [MESSAGES]]
-- Every client connects, waits until all are connected (so that every task
-- and connection is alive at once), then does MESSAGES round trips of 16
-- bytes. Prints the round trips that came back intact, which must be all.
local port, N, M = tonumber(arg[1]), tonumber(arg[2]) or 10000, tonumber(arg[3]) or 10
local connected, go = chan(N), chan()
local clients = {}
for i = 1, N do
  clients[i] = spawn(function()
    local c, err = socket.create_connection({"127.0.0.1", port})
    connected:send(c ~= nil)
    if not c then error(err) end
    go:recv()                                       -- all connected: start together
    local ok = 0
    for j = 1, M do
      local msg = string.format("%07d:%08d", i, j)  -- 16 bytes
      c:sendall(msg)
      if c:recvexactly(16) == msg then ok = ok + 1 end
    end
    c:close()
    return ok
  end)
end
local up = 0
for _ = 1, N do if connected:recv() then up = up + 1 end end
if up < N then print(string.format("only %d of %d clients connected", up, N)) end
go:close()
local total = 0
for _, r in ipairs(join(clients)) do total = total + (r[1] or 0) end
print(string.format("%d clients x %d messages: %d of %d round trips intact", N, M, total, N * M))
