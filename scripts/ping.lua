#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 6: ping. `ping 127.0.0.1` and a name from /etc/hosts, with the
-- statistics line; then, as root, a neighbour: the script makes a private
-- network namespace, puts a second one beside it on a virtual cable (a veth
-- pair, 10.99.0.1 <-> 10.99.0.2) and pings across. Nothing leaves the machine.
-- Run: socklab scripts/ping.lua
--
-- Shell / Python                                 socklab
-- ping -c 3 -i 0.2 127.0.0.1                     print(net.ping("127.0.0.1", {count = 3, interval = 0.2}))
-- subprocess.run(["ping", "-c", "3", host])      local r = net.ping(host, {count = 3})
-- (parse "3 received, 0% packet loss")           r.received, r.loss, r.avg

local opts = {count = 3, interval = 0.2}
if arg[1] == "--neighbour" then                 -- inside the namespace made below
  print(net.ping(arg[2], opts))
  os.exit(0)
end

print(net.ping("127.0.0.1", opts))
print()
local r = net.ping("localhost", opts)           -- localhost: from /etc/hosts
print(r)
print(("\nAs Lua values: %s is %s, %d of %d replies, %d%% loss"):format(
  r.host, r.addr, r.received, r.transmitted, r.loss))

print("\nA neighbour on a virtual cable:")
if os.execute("unshare -n true 2>/dev/null") ~= 0 then
  print("(not root: no private namespace for a neighbour; skipped)")
  os.exit(0)
end
-- Namespace 1 (ours) and namespace 2 (held open by a sleeping process) get
-- the two ends of a veth pair; then this script runs again in namespace 1.
local setup = [[
ip link set lo up
unshare -n sleep 60 & n2=$!
while [ "$(readlink /proc/$n2/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do sleep 0.01; done
ip link add veth1 type veth peer name veth2 netns $n2
ip addr add 10.99.0.1/24 dev veth1 && ip link set veth1 up
nsenter -t $n2 -n sh -c 'ip addr add 10.99.0.2/24 dev veth2 && ip link set veth2 up'
"$0" "$1" --neighbour 10.99.0.2; code=$?
kill $n2; wait $n2 2>/dev/null; exit $code
]]
local function quote(s) return "'" .. s:gsub("'", [['\'']]) .. "'" end   -- for sh
local code = os.execute("unshare -n sh -c " .. quote(setup) .. " " .. quote(arg[-1]) .. " " .. quote(arg[0]))
os.exit(code == 0 and 0 or 1)
