-- socklab's side of the benchmark: the same loops as bench.py, from Lua.
local dir = arg[1]
local addrs, urls = {}, {}
for line in io.lines(dir .. "/addrs.txt") do addrs[#addrs + 1] = line end
for line in io.lines(dir .. "/urls.txt") do urls[#urls + 1] = line end
local ip_address, urlparse = ipaddress.ip_address, urllib.parse.urlparse
local t = now()
local n = 0
for i = 1, #addrs do
  if ip_address(addrs[i]).is_private then n = n + 1 end
end
local a = #addrs / (now() - t)
t = now()
for i = 1, #urls do
  local p = urlparse(urls[i])
  local _, _ = p.hostname, p.port
end
local b = #urls / (now() - t)
print(("%.0f %.0f %d"):format(a, b, n))
