#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 4: the common ports of the tutorials, generated from the service
-- table (/etc/services, or socklab's built-in copy of IANA's). No packet is sent.
-- Run: socklab scripts/ports_table.lua
--
-- Python: socket.getservbyname("http") → 80, socket.getservbyport(22) → "ssh".

-- The tutorial's table: protocol, function, service name, Python module(s).
-- (Python 2's module names, as the tutorial has them; Python 3 renamed
-- httplib to http.client and dropped gopherlib, telnetlib and nntplib.)
local protocols = {
  {"HTTP",   "Web pages",          "http",   "httplib, urllib, xmlrpclib"},
  {"NNTP",   "Usenet news",        "nntp",   "nntplib"},
  {"FTP",    "File transfers",     "ftp",    "ftplib, urllib"},
  {"SMTP",   "Sending email",      "smtp",   "smtplib"},
  {"POP3",   "Fetching email",     "pop3",   "poplib"},
  {"IMAP4",  "Fetching email",     "imap",   "imaplib"},
  {"Telnet", "Command lines",      "telnet", "telnetlib"},
  {"Gopher", "Document transfers", "gopher", "gopherlib, urllib"},
}
local row = "%-8s %-19s %5s  %s"
print(row:format("Protocol", "Common function", "Port", "Python module"))
for _, p in ipairs(protocols) do
  print(row:format(p[1], p[2], socket.getservbyname(p[3], "tcp"), p[4]))
end

-- The other table: well-known port numbers and what the service table
-- calls them over TCP and UDP ("-" where it has no name).
print()
local function name(port, proto)
  local service, err = socket.getservbyport(port, proto)  -- nil, err: no name
  return service or "-"
end
print(("%5s  %-12s %s"):format("Port", "TCP", "UDP"))
for _, port in ipairs({20, 21, 22, 23, 25, 53, 67, 68, 69, 80, 110, 123, 143, 161, 443, 993, 995, 3306, 5432}) do
  print(("%5d  %-12s %s"):format(port, name(port, "tcp"), name(port, "udp")))
end
