#!/usr/bin/env socklab
-- socklab: selfcheck
-- Tasks and channels: three workers sleep for different times and send their
-- results on a channel; the main chunk collects them as they come and prints
-- them in worker order. Run: socklab scripts/tasks_demo.lua

local results = chan()
local workers = {}
for id = 1, 3 do
  workers[id] = spawn(function(n)
    sleep((4 - n) * 0.05) -- worker 3 finishes first, worker 1 last
    results:send({id = n, square = n * n})
    return n
  end, id)
end

local got, order = {}, {}
for _ = 1, 3 do
  local r = assert(results:recv(5))
  got[r.id] = r
  order[#order + 1] = r.id
end
print("arrival order: " .. table.concat(order, " "))
for id = 1, 3 do
  print(("worker %d: %d squared is %d"):format(id, id, got[id].square))
end

-- join waits for every task: scripts should join the tasks they need,
-- because socklab cancels whatever is still running when the script ends.
for i, r in ipairs(join(workers)) do
  print("worker " .. i .. " returned", unpack(r))
end
