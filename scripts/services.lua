#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 3: which port does a URL's scheme use? No packet is sent.
-- Run: socklab scripts/services.lua
--
-- Python                                           socklab
-- from urllib.parse import urlparse                (urllib.parse is loaded; `url` is its short name)
-- parsed_url = urlparse(url)                       local parsed_url = urllib.parse.urlparse(url)
-- port = socket.getservbyname(parsed_url.scheme)   local port = socket.getservbyname(parsed_url.scheme)
-- print(parsed_url.scheme, port)                   print(parsed_url.scheme .. " " .. port)
-- getservbyname reads /etc/services, and falls back to socklab's own table
-- of well-known services where that file is missing.

local URLS = {
  "http://www.python.org",
  "https://www.mybank.com",
  "ftp://prep.ai.mit.edu",
  "gopher://gopher.micro.umn.edu",
  "smtp://mail.python.org",
  "imap://mail.python.org",
  "pop3://pop.python.org",
}

for _, url in ipairs(URLS) do
  local parsed_url = urllib.parse.urlparse(url)
  print(parsed_url.scheme .. " " .. socket.getservbyname(parsed_url.scheme))
end

-- A URL that names its port wins over its scheme's; urlparse splits the rest.
local u = urllib.parse.urlparse("https://www.python.org:8443/doc/?q=socket#top")
print("\n" .. u.hostname, u.port or socket.getservbyname(u.scheme), u.path, u.query, u.fragment)

-- And the other way round: which service is on a port?
for _, port in ipairs({22, 53, 80, 443}) do
  print(("%5d/tcp is %s"):format(port, socket.getservbyport(port, "tcp")))
end
print("no such service:", socket.getservbyname("no-such-service"))  -- nil and the reason
