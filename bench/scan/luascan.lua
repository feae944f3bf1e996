#!/usr/bin/env socklab
-- The benchmark's "Lua tutorial scanner": the tutorial's connect_ex scanner
-- with tasks, as a learner would speed it up (scripts/portscan.lua is the
-- lesson). bench/scan/run.sh runs it in a private network namespace.
--
--   socklab bench/scan/luascan.lua                 demo: scans its own listeners
--   socklab bench/scan/luascan.lua HOST FIRST LAST [WORKERS]
--
-- Workers are tasks that take ports from a channel, so many connects are in
-- flight at once. net.scan does the same job much faster in Go.

local function scan(host, ports, workers)
  local queue, found = chan(#ports), {}
  for _, p in ipairs(ports) do queue:send(p) end
  queue:close()
  local pool = {}
  for i = 1, math.min(workers, #ports) do
    pool[i] = spawn(function()
      while true do
        local port, ok = queue:recv()
        if not ok then return end
        local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s:settimeout(1)
        if s:connect_ex(host, port) == 0 then found[#found + 1] = port end
        s:close()
      end
    end)
  end
  join(pool)
  table.sort(found)
  return found
end

local host, first, last, workers = ...
local ports, listeners = {}, {}
if host then
  for p = tonumber(first), tonumber(last) do ports[#ports + 1] = p end
  workers = tonumber(workers) or 256
else
  -- Demo: three listeners of our own, and three ports we know are closed
  -- (bound, then released), so the scan touches nothing that is not ours.
  host, workers = "127.0.0.1", 8
  for i = 1, 6 do
    local s = socket.create_server(host, 0)
    ports[#ports + 1] = s:getsockname().port
    if i <= 3 then listeners[#listeners + 1] = s else s:close() end
  end
end

local t0 = now()
local open = scan(host, ports, workers)
local elapsed = now() - t0
if #listeners > 0 then
  local expected = {}
  for i, s in ipairs(listeners) do expected[i] = s:getsockname().port end
  table.sort(expected)
  print("scanned " .. #ports .. " ports, found " .. #open .. " open")
  print("exactly our listeners:", table.concat(open, ",") == table.concat(expected, ","))
else
  for _, p in ipairs(open) do print(("Port %d: Open"):format(p)) end
  print(("%d ports in %.2f s (%.0f ports/s), %d open"):format(#ports, elapsed, #ports / elapsed, #open))
end
