-- The Lua query loop of bench/dns/run.sh: N sequential dns.query calls.
local addr, n = arg[1], tonumber(arg[2])
local t0 = now()
for i = 1, n do
  local r = dns.query("web.lab.test", "A", {server = addr})
  if #r.answer ~= 1 then error("bad answer") end
end
print(string.format("%.4f", now() - t0))
