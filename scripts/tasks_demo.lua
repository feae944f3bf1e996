#!/usr/bin/env socklab
-- socklab: selfcheck
-- Tasks and channels. Three workers send their results on a channel; the main
-- chunk collects them as they come (in whatever order the tasks finish) and
-- prints them in worker order. Then two tasks play ping-pong over two
-- channels: each waits for the other, which works only because both run at
-- once. Run: socklab scripts/tasks_demo.lua
-- Python: threading.Thread(target=f, args=(n,)).start() is spawn(f, n);
-- queue.Queue() is chan(); q.put(v) / q.get() are ch:send(v) / ch:recv().

local results = chan()
local workers = {}
for id = 1, 3 do
  workers[id] = spawn(function(n)
    results:send({id = n, square = n * n})
    return n
  end, id)
end

local got = {}
for _ = 1, 3 do
  local r = assert(results:recv(30))
  got[r.id] = r
end
for id = 1, 3 do
  print(("worker %d: %d squared is %d"):format(id, id, got[id].square))
end

-- join waits for every task: scripts should join the tasks they need,
-- because socklab cancels whatever is still running when the script ends.
for i, r in ipairs(join(workers)) do
  print("worker " .. i .. " returned", unpack(r))
end

local ping, pong = chan(), chan()
local player = spawn(function()
  for _ = 1, 3 do
    local ball = ping:recv()
    print("  pong " .. ball)
    pong:send(ball + 1)
  end
  return true
end)
local ball = 1
for _ = 1, 3 do
  print("ping " .. ball)
  ping:send(ball)
  ball = pong:recv()
end
assert(player:join())
print("ball after three rounds:", ball)
