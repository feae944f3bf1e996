#!/usr/bin/env socklab
-- socklab: selfcheck netns
-- Lesson 5: IP addresses. IPv4 against IPv6, private against public (global),
-- loopback and link-local, as Python's ipaddress module answers, with the
-- range that makes each one so; then this machine's own interfaces and
-- addresses, as `ip a` (ipconfig, ifconfig) shows them. No packet is sent.
-- Run: socklab scripts/addresses.lua
--
-- Python                                       socklab
-- a = ipaddress.ip_address("192.168.0.104")    local a = ipaddress.ip_address("192.168.0.104")
-- a.version, a.is_private, a.is_global         a.version, a.is_private, a.is_global
-- a.is_loopback, a.is_link_local               a.is_loopback, a.is_link_local
-- (socklab's own, for learners)                ipaddress.explain(a): what it is, and why
-- psutil.net_if_addrs(), or `ip a` in a shell  net.interfaces()

local addresses = {"192.168.0.104", "18.25.15.99", "192.168.1.7", "172.17.0.1",
                   "127.0.0.1", "::1", "fe80::1", "142.250.183.238"}

local row = "%-16s %-8s %-8s %-7s %-9s %s"
print(row:format("address", "version", "private", "global", "loopback", "link-local"))
for _, text in ipairs(addresses) do
  local a = ipaddress.ip_address(text)
  print(row:format(tostring(a), "IPv" .. a.version, tostring(a.is_private), tostring(a.is_global),
                   tostring(a.is_loopback), tostring(a.is_link_local)))
end

print("\nWhy:")
for _, text in ipairs(addresses) do print(ipaddress.explain(text)) end

-- A malformed address is an error, as in Python (ValueError); pcall catches it.
print("\n" .. select(2, pcall(ipaddress.ip_address, "300.1.1.1")))

print("\nThis machine's interfaces, as `ip a` shows them:")
local interfaces = net.interfaces()
print(interfaces)
for _, i in ipairs(interfaces) do
  for _, a in ipairs(i.addrs) do
    print(("%s %s: private %s, loopback %s"):format(i.name, tostring(a.ip), tostring(a.ip.is_private), tostring(a.ip.is_loopback)))
  end
end
