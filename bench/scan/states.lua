-- Every port's state, one line per host and state group, for
-- bench/scan/run.sh (which compares them with nmap's and the truth):
--   socklab bench/scan/states.lua TARGETS PORTS     PORTS: "1-65535" or "top1000"
-- Only scan hosts you have permission to scan.
local ports = arg[2]
if ports:match("^top%d+$") then ports = {top = tonumber(ports:sub(4))} end
local r = net.scan(arg[1], ports)
for ip, groups in pairs(r.states) do
  for _, g in ipairs(groups) do print(ip, g.state, g.ports) end
end
io.stderr:write(("net.scan: %d hosts (%d up), %d ports each, %.3f s\n"):format(
  r.hosts, r.up or r.hosts, r.ports, r.elapsed))
