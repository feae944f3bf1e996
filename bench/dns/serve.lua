-- dns.serve for bench/dns/run.sh: a static zone, or a Lua handler with
-- arg[1] == "handler". Prints its address, then serves until killed.
local opts = {zone = "web.lab.test A 127.0.0.2"}
if arg[1] == "handler" then
  opts = {handler = function(q) return {q.name, "A", "127.0.0.2"} end}
end
local srv = dns.serve(opts)
print(srv.addr)
io.stdout:flush()
srv:wait()
