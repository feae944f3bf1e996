-- Full TCP scan of 127.0.0.1 through socklab's Lua face (net.scan).
-- bench/scan/run.sh runs it inside a private network namespace and reads
-- the "open:" line. Only scan hosts you have permission to scan.
local r = net.scan("127.0.0.1", "1-65535")
local open = {}
for _, res in ipairs(r:open()) do open[#open + 1] = tostring(res.port) end
print("open: " .. table.concat(open, ","))
io.stderr:write(("net.scan: %d ports in %.3f s (%.0f ports/s), %d closed\n"):format(
  r.scanned, r.elapsed, r.scanned / r.elapsed, r.closed))
