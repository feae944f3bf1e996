#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 13: DNS records. The script starts a DNS server of its own on
-- 127.0.0.1 (dns.serve) with a small zone, then asks it for A, AAAA, MX and
-- TXT records as `dig` does (dns.query), and follows an alias (dns.resolve).
-- Run: socklab scripts/dns_records.lua      (nothing leaves the machine)
--
-- dig @127.0.0.1 -p PORT www.lab.test A        dns.query("www.lab.test", "A", {server = srv.addr})
-- dig … +noall +answer                          for _, rr in ipairs(r.answer) do print(rr) end
-- Python: the dnspython package, dns.resolver.resolve("www.lab.test", "MX");
-- socket.gethostbyname asks the same servers, for A records only.

local srv = dns.serve{listen = "127.0.0.1:0", zone = [[
lab.test.        3600 SOA   ns.lab.test. admin.lab.test. 1 3600 600 86400 60
lab.test.        3600 MX    10 mail.lab.test.
lab.test.        3600 TXT   "v=spf1 -all" "a lab zone, served by socklab"
www.lab.test.    3600 A     127.0.0.2
www.lab.test.    3600 AAAA  ::1
mail.lab.test.   3600 A     127.0.0.3
alias.lab.test.  3600 CNAME www.lab.test.
]]}
local opts = {server = srv.addr}

-- One answer in full, as dig prints it:
print(dns.query("www.lab.test", "A", opts))

-- The others, answer section only (dig +noall +answer):
for _, q in ipairs({{"www.lab.test", "AAAA"}, {"lab.test", "MX"}, {"lab.test", "TXT"}}) do
  local r = dns.query(q[1], q[2], opts)
  print(("\n;; %s %s: %s"):format(q[1], q[2], r.rcode))
  for _, rr in ipairs(r.answer) do print(rr) end
end
local mx = dns.query("lab.test", "MX", opts).answer[1]
print("\nmx.preference, mx.exchange =", mx.preference, mx.exchange)

print("\n;; a name the zone lacks: " .. dns.query("nope.lab.test", "A", opts).rcode)
print("\n;; following an alias, as the host command does:")
print(dns.resolve("alias.lab.test", "A", opts))
srv:close()
