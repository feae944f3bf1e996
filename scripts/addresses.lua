#!/usr/bin/env socklab
-- socklab: selfcheck
-- IPv4 or IPv6, public or private? The tutorials' addresses, asked as
-- Python's ipaddress module asks them. No packet is sent.
-- Run: socklab scripts/addresses.lua
--
-- The Python original:
--   import ipaddress
--   ip = ipaddress.ip_address("192.168.0.104")
--   print(ip.version, ip.is_private, ip.is_global)
-- ipaddress.explain(x), new in socklab, says why, naming the registry range.

for _, text in ipairs({"192.168.0.104", "18.25.15.99", "192.168.1.7", "127.0.0.1", "100.64.0.1", "::1", "2001:db8::7"}) do
  local a = ipaddress.ip_address(text)
  print(("%-14s v%d  private=%-5s global=%s"):format(tostring(a), a.version, tostring(a.is_private), tostring(a.is_global)))
  print("  " .. ipaddress.explain(a))
end

-- A network and the addresses in it, made one at a time.
local net = ipaddress.ip_network("192.168.1.0/29")
print(net:repr(), net.netmask, net.broadcast_address, net.num_addresses)
for host in net:hosts() do io.write(tostring(host), " ") end
print()
print(net:contains("192.168.1.7"), ipaddress.ip_address("192.168.1.9"):within(net))

-- The interface of a machine: an address with its network.
local iface = ipaddress.ip_interface("192.168.1.7/24")
print(iface.ip, iface.network, iface.with_netmask)

-- A malformed address is an error with Python's words.
print(pcall(ipaddress.ip_address, "300.1.1.1"))
