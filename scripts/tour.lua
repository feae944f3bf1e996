#!/usr/bin/env socklab
-- socklab: selfcheck
-- A guided tour of socklab in one script: each step says what it shows, runs
-- the code (printed as `>`), and shows what came back. Everything talks to
-- 127.0.0.1 only. Run: socklab scripts/tour.lua

-- A port we know is closed: bound, then released.
local probe = socket.create_server("127.0.0.1", 0)
closed_port = probe:getsockname().port
probe:close()

local step = 0
local function show(title, code)
  step = step + 1
  print(("\n%d. %s"):format(step, title))
  for line in code:gmatch("[^\n]+") do print("   > " .. line) end
  local chunk = assert(loadstring(code, "tour"))
  local results = {pcall(chunk)}
  if not results[1] then print("   error: " .. tostring(results[2])) return end
  for i = 2, #results do print("   " .. tostring(results[i])) end
end

show("Names and addresses, as Python's socket module has them",
  [[return socket.gethostbyname("localhost"), socket.getservbyname("https"), socket.getservbyport(22)]])

show("A failure is nil plus Python's message; misuse is an error",
  [[local s = socket.socket()
local refused = {s:connect("127.0.0.1", closed_port)}
local ok, misuse = pcall(function() s:connect("127.0.0.1", 70000) end)
return s:connect_ex("127.0.0.1", closed_port), refused[2], misuse]])

show("Tasks run concurrently: a server and its client in one script",
  [[server = socket.create_server("127.0.0.1", 0)
port = server:getsockname().port
local echo = spawn(function() local c = server:accept() c:sendall(c:recvline(true):upper()) c:close() end)
local c = assert(socket.create_connection("127.0.0.1", port))
c:sendline("hello, tasks")
local reply = c:recvline(false)
c:close() echo:join()
return reply]])

show("Channels hand values between tasks (they arrive in any order: sort them)",
  [[local ch = chan()
for i = 1, 3 do spawn(function() ch:send(i * i) end) end
local squares = {(ch:recv()), (ch:recv()), (ch:recv())}
table.sort(squares)
return table.concat(squares, " ")]])

show("pcall keeps your locals intact (gopher-lua's own does not: upstream #448)",
  [[local n = 0
local function f() pcall(error, "x") n = n + 1 end
f() f()
return n]])

show("net.scan: an nmap-style scan of our own server's port and a closed one",
  [[local r = net.scan("127.0.0.1", {port, closed_port})
return #r:open() == 1 and r[1].port == port, r.closed]])

show("help() documents every function",
  [[help(socket.getservbyname)]])
print("\nNext: help(), help(socket), help(net), and the lessons in scripts/.")
