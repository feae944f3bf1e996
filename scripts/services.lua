#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 3: which port does a URL's scheme use? No packet is sent.
-- Run: socklab scripts/services.lua
--
-- The Python original:
--   for url in URLS:
--       parsed_url = urlparse(url)                        -- URL → its parts
--       port = socket.getservbyname(parsed_url.scheme)    -- scheme → port
--       print(parsed_url.scheme, port)
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
  local parsed_url = urllib.parse.urlparse(url)                -- URL → its parts
  local port = socket.getservbyname(parsed_url.scheme)         -- scheme → port
  print(parsed_url.scheme .. " " .. port)
end

-- And the other way round: which service is on a port?
for _, port in ipairs({22, 53, 80, 443}) do
  print(("%5d/tcp is %s"):format(port, socket.getservbyport(port, "tcp")))
end
print("no such service:", socket.getservbyname("no-such-service"))  -- nil and the reason
