#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 2: resolving a list of host names, in colour: each host's address
-- (gethostbyname) and its canonical name, aliases and addresses
-- (gethostbyname_ex) in green, or the error in red.
--   socklab scripts/resolve.lua              the lab's names (below)
--   socklab scripts/resolve.lua HOST...      your names, through your machine's resolver
-- Colours only on a terminal, and not when NO_COLOR is set.
-- The lab's names resolve without leaving the machine: as root the script runs
-- itself again in a private network namespace whose /etc/resolv.conf names a
-- DNS server the script starts on 127.0.0.1 (dns.serve); otherwise it
-- resolves names that /etc/hosts knows.
--
-- Python                                                socklab
-- ip = socket.gethostbyname(host)                       local ip, err = socket.gethostbyname(host)
-- name, aliases, addrs = socket.gethostbyname_ex(host)  local name, aliases, addrs = socket.gethostbyname_ex(host)
-- except socket.error as e: print(colored(…, "red"))    if not ip then print(red(host .. " : " .. err)) end

local colour = (os.getenv("NO_COLOR") or "") == "" and os.execute("test -t 1") == 0
local function paint(code) return function(s) return colour and ("\27[" .. code .. "m" .. s .. "\27[0m") or s end end
local green, red = paint("32"), paint("31")

local hosts = {...}
if arg[1] == "--lab" then                  -- inside the namespace: serve the lab's zone
  assert(dns.serve{listen = "127.0.0.1:53", zone = [[
lab.test.          SOA   ns.lab.test. admin.lab.test. 1 3600 600 86400 60
www.lab.test.      CNAME web.lab.test.
web.lab.test.      CNAME server1.lab.test.
server1.lab.test.  A     127.0.0.2
server1.lab.test.  A     127.0.0.3
mail.lab.test.     A     127.0.0.4
]]})
  hosts = {"www.lab.test", "mail.lab.test", "nope.lab.test", "home", "localhost"}
  print("(in a private network namespace; its resolv.conf names our DNS server on 127.0.0.1)")
elseif #hosts == 0 then
  if os.execute("unshare -n -m true 2>/dev/null") == 0 then
    local conf = os.tmpname()
    local f = assert(io.open(conf, "w")) f:write("nameserver 127.0.0.1\n") f:close()
    local code = os.execute(("unshare -n -m sh -c 'ip link set lo up && mount --bind %s /etc/resolv.conf && exec %s %s --lab'")
      :format(conf, arg[-1], arg[0]))
    os.remove(conf)
    os.exit(code == 0 and 0 or 1)
  end
  print("(not root: no private namespace for a DNS server of our own; names from /etc/hosts)")
  hosts = {"localhost", socket.gethostname()}
end

for _, host in ipairs(hosts) do
  local ip, err = socket.gethostbyname(host)
  if ip then
    local name, aliases, addrs = socket.gethostbyname_ex(host)
    print(green(("%s : %s"):format(host, ip)))
    print(green(("  canonical name %s, aliases {%s}, addresses {%s}"):format(
      name, table.concat(aliases, ", "), table.concat(addrs, ", "))))
  else
    print(red(host .. " : " .. err))
  end
end
