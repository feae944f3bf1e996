#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 1: this machine's host name and IP address.
-- Run: socklab scripts/hostname.lua          (no packet leaves the machine)
--
-- The Python original, line by line:
--   host_name = socket.gethostname()
--   host_ip = socket.gethostbyname(host_name)
--   print("Host Name = " + host_name + " || IP = " + host_ip)
-- and its `except: print("Unable to get Hostname and IP")`: in Lua a failed
-- lookup returns nil and Python's message, which we print instead.

local host_name = socket.gethostname()
local host_ip, err = socket.gethostbyname(host_name)
if host_ip then
  print("Host Name = " .. host_name .. " || IP = " .. host_ip)
else
  print("Unable to get Hostname and IP: " .. err)
end

-- The same questions about "localhost", which every machine answers from
-- /etc/hosts:
print("gethostbyname('localhost') =", socket.gethostbyname("localhost"))
local name, aliases, addresses = socket.gethostbyname_ex("localhost")  -- gethostbyname_ex
print("gethostbyname_ex('localhost') =", name, "aliases: " .. #aliases, "addresses: " .. table.concat(addresses, ", "))
print("gethostbyaddr('127.0.0.1') =", (socket.gethostbyaddr("127.0.0.1")))  -- reverse lookup
