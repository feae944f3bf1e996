#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 1: who am I? The machine's host name and address, as in Python:
--   hostname = socket.gethostname(); ip = socket.gethostbyname(hostname)
-- Names differ from machine to machine, so this demo checks the lesson's
-- point (the name resolves to an address) and prints only what is the same
-- everywhere: what localhost is.

local hostname = socket.gethostname()
local ip, err = socket.gethostbyname(hostname)
print("gethostname() returns a name:", type(hostname) == "string" and #hostname > 0)
print("gethostbyname(hostname) is an IPv4 address:", ip ~= nil and socket.inet_aton(ip) ~= nil, err)

print("gethostbyname('localhost') =", socket.gethostbyname("localhost"))
local name, aliases, addresses = socket.gethostbyname_ex("localhost")
print("gethostbyname_ex('localhost') =", name, "aliases: " .. #aliases, "addresses: " .. table.concat(addresses, ", "))
print("gethostbyaddr('127.0.0.1') =", (socket.gethostbyaddr("127.0.0.1")))
