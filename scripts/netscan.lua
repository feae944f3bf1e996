#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 11, more: net.scan, the scanner of portscan.lua done in Go: nmap's
-- connect scan, faster than nmap, that never loses an open port. It refuses
-- anything outside loopback, private and link-local ranges unless you say
-- you have permission. The demo scans only ports it owns: three servers of
-- its own and two ports it bound and released (so nothing listens there).
-- Run: socklab scripts/netscan.lua
-- Python has no scanner of its own: this replaces the tutorial's
-- connect_ex loop, or python-nmap's nmap.PortScanner().scan(host, "22-443").

local HOST = "127.0.0.1"

-- Ports in a row above one the kernel picks, skipping those with a service
-- name, so that the printout is the same on every run: servers on the
-- first three, the last two bound and released at once.
local first = assert(socket.create_server(HOST, 0))
local next_port = first:getsockname().port
first:close()
local function free_port_server()
  while true do
    next_port = next_port + 1
    local name, err = socket.getservbyport(next_port, "tcp")  -- nil, err: no name
    if not name then
      local s, why = socket.create_server(HOST, next_port)  -- nil, why: in use
      if s then return s end
    end
  end
end
local servers, ports = {}, {}
for i = 1, 5 do
  local s = free_port_server()
  ports[i] = s:getsockname().port
  if i <= 3 then servers[i] = s else s:close() end
end

-- Each server hangs up on its clients at once; the third one greets them
-- first, as SSH and SMTP servers do.
local handlers = {}
for i, s in ipairs(servers) do
  handlers[i] = spawn(function()
    while true do
      local conn, err = s:accept()
      if not conn then return true end -- the server was closed
      if i == 3 then
        local sent, why = conn:sendall("SSH-2.0-socklab_demo\r\n")  -- a scanner may hang up first
      end
      conn:close()
    end
  end)
end

-- The kernel chose the numbers: print them as port1..port5 (as wide as
-- the 5-digit numbers they replace, so the columns stay aligned).
local names = {}
for i, p in ipairs(ports) do names[p] = "port" .. i end
local function named(text)
  return (text:gsub("(%d+)/tcp", function(p) return (names[tonumber(p)] or p) .. "/tcp" end))
end

print("1. Scan the five ports, reading what each open port says first:")
local r = net.scan(HOST, ports, {banner = {timeout = 10}})  -- a hang-up ends the wait
print(named(tostring(r)))

print("\n2. The result lists the ports as nmap would (the open ones, and a state with few ports):")
for _, res in ipairs(r) do
  print(names[res.port], res.proto, res.state, res.banner or "-")
end
print(("#r = %d, r.closed = %d, r.scanned = %d, r.hosts = %d"):format(#r, r.closed, r.scanned, r.hosts))
print("r:json() starts with", r:json():sub(1, 44))

print("\n3. r:open() keeps the open ports:")
local open = {}
for _, res in ipairs(r:open()) do open[#open + 1] = names[res.port] end
print(table.concat(open, " "))

print("\n4. on_result is called on this task for each port found, during the scan")
print("   (one probe at a time here, so they come in port order):")
local found = 0
net.scan(HOST, ports, {concurrency = 1, on_result = function(res)
  found = found + 1                    -- plain Lua: locals, globals, print all work
  print("  found " .. names[res.port] .. " " .. res.state)
end})
print("found " .. found .. " open ports")

print("\n5. A public address is refused before any packet is sent:")
local ok, err = pcall(function() return net.scan("203.0.113.8", 53) end)
print(ok, err)

for _, s in ipairs(servers) do s:close() end
join(handlers)

print("\n6. Helpers:", table.concat(net.top_ports(5), " "), table.concat(net.parse_ports("22,80,8000-8002"), " "))
