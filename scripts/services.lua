#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 2: which port does a URL's scheme use? As in Python:
--   from urllib.parse import urlparse
--   port = socket.getservbyname(urlparse(url).scheme)
-- getservbyname reads /etc/services, and falls back to socklab's own table
-- of well-known services where that file is missing. No packet is sent.

local urls = {
  "http://www.python.org/",
  "https://www.mybank.com/",
  "ftp://prep.ai.mit.edu/",
  "gopher://gopher.micro.umn.edu/",
  "smtp://mail.python.org/",
  "imap://mail.python.org/",
  "imaps://mail.python.org/",
  "pop3://pop.python.org/",
  "pop3s://pop.python.org/",
}

for _, u in ipairs(urls) do
  local scheme = urllib.parse.urlparse(u).scheme
  print(("%-6s : %s"):format(scheme, socket.getservbyname(scheme)))
end

-- A URL that names its port explicitly wins over the scheme's default.
local u = urllib.parse.urlparse("https://User@WWW.Python.org:8443/doc/?q=socket#top")
print(u.hostname, u.port or socket.getservbyname(u.scheme), u.username, u.path, u.query, u.fragment)
print(urllib.parse.urljoin("https://www.python.org/doc/", "../about/"))

-- And the other way round: which service is on a port?
for _, port in ipairs({22, 53, 80, 443}) do
  print(("%5d/tcp is %s"):format(port, socket.getservbyport(port, "tcp")))
end
print("no such service:", socket.getservbyname("no-such-service"))
