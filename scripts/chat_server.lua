#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 9, continued: a line-based chat server. Each client sends its name,
-- then lines; every line goes to every other connected client.
--   socklab scripts/chat_server.lua         demo: alice, bob and carol chat through it
--   socklab scripts/chat_server.lua PORT    the server alone until Ctrl-C; chat from
--                                           other terminals with: nc 127.0.0.1 PORT
--
-- Python                                     socklab
-- clients = {}                               local clients = {}
-- for c in clients: c.sendall(line)          for c in pairs(clients) do c:sendline(line) end
-- threading.Thread(target=handle,            spawn(handle, conn)
--                  args=(conn,)).start()
-- for line in conn.makefile():               for line in conn:lines() do

local clients = {}                           -- connection → name, for everyone connected
local function broadcast(line, except)
  print("server: " .. line)
  for conn in pairs(clients) do
    if conn ~= except then
      local ok, err = conn:sendline(line)    -- a client that has gone is not our failure
    end
  end
end

local function handle(conn)
  local asked, err = conn:sendline("Welcome! Your name?")
  local name, why = conn:recvline(false)
  if name and name ~= "" then
    broadcast("* " .. name .. " joined")     -- to the others: not in clients yet
    clients[conn] = name
    local sent, err = conn:sendline("You are in, " .. name .. ". Type lines; the others see them.")
    for line in conn:lines() do broadcast(name .. ": " .. line, conn) end
    clients[conn] = nil
    broadcast("* " .. name .. " left")
  end
  conn:close()
end

local server = assert(socket.create_server("127.0.0.1", tonumber(arg[1]) or 0))
local port = server:getsockname().port
if arg[1] then                               -- the server alone
  print(("Chat server on 127.0.0.1 port %d; Ctrl-C stops it"):format(port))
  while true do spawn(handle, (server:accept())) end
end

-- Demo: the server runs as tasks, and the main script plays three clients,
-- one step at a time, printing what each of them receives.
local accepting = spawn(function()
  local handlers = {}
  for i = 1, 3 do handlers[i] = spawn(handle, (server:accept())) end
  join(handlers)
  return true
end)
local conns = {}
local function sees(name) print(("  %s sees: %s"):format(name, conns[name]:recvline(false))) end
local function enter(name)
  conns[name] = assert(socket.create_connection("127.0.0.1", port))
  sees(name)                                 -- the welcome
  conns[name]:sendline(name)
  sees(name)                                 -- the server's answer
end

enter("alice")
enter("bob");   sees("alice")
enter("carol"); sees("alice"); sees("bob")
conns.alice:sendline("hello, everyone"); sees("bob"); sees("carol")
conns.bob:sendline("hi alice");          sees("alice"); sees("carol")
conns.carol:close();                     sees("alice"); sees("bob")
conns.alice:close(); sees("bob")
conns.bob:close()
assert(accepting:join())
