#!/usr/bin/env socklab
-- socklab: selfcheck netns
-- Lesson 11: a port scanner for this machine, first the tutorial's way
-- (connect_ex on every port of a range: 0 means open), then with net.scan,
-- which does the same in Go, many ports at once. Both are timed.
--   socklab scripts/portscan.lua [FIRST LAST]   ports of 127.0.0.1 (default 9990-10009)
--   socklab scripts/portscan.lua all            all 65,535 ports, in a private network
--                                               namespace (needs root)
-- Python: s = socket.socket(); if s.connect_ex((ip, port)) == 0: print(…)

local first, last = tonumber(arg[1]) or 9990, tonumber(arg[2]) or 10009
if arg[1] == "all" then
  if arg[2] ~= "inside" then                 -- run this script again, in a namespace of its own
    if os.execute("unshare -n true 2>/dev/null") ~= 0 then
      print("Scanning every port needs a private network namespace (root): not done.")
      os.exit(1)
    end
    os.exit(os.execute(("unshare -n sh -c 'ip link set lo up && exec %q %q all inside'"):format(arg[-1], arg[0])))
  end
  first, last = 1, 65535
end
print("Only scan hosts you have permission to scan. This script scans only 127.0.0.1.")
if arg[2] == "inside" then print("(in a private network namespace: only this script's ports exist here)") end

-- Something to find: a server on port 9999, as in the tutorial.
local listener, err = socket.create_server("127.0.0.1", 9999)
print(listener and "Our server listens on 9999 (127.0.0.1)." or "Port 9999 is taken: " .. err)

print(("\n1. The tutorial's loop over ports %d-%d:"):format(first, last))
local t0 = now()
for port = first, last do
  local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  if s:connect_ex("127.0.0.1", port) == 0 then print(("Port %d: OPEN"):format(port)) end
  s:close()
end
local loop_time = now() - t0

print("\n2. net.scan of the same ports:")
local r = net.scan("127.0.0.1", first .. "-" .. last)
print(r)

print(("\nTime taken: the loop %.3f s, net.scan %.3f s"):format(loop_time, r.elapsed))
