#!/usr/bin/env socklab
-- socklab: selfcheck
-- Lesson 12: what http.client and urllib do underneath: an HTTP GET is a
-- few lines of text over a TCP connection. The script starts a tiny HTTP
-- server of its own on 127.0.0.1, then fetches two paths from it by hand.
-- Run: socklab scripts/http_get.lua
--
-- Python                                           socklab
-- s = socket.create_connection((host, port))       socket.create_connection(host, port)
-- s.sendall(b"GET / HTTP/1.0\r\nHost: …\r\n\r\n")  s:sendall("GET / HTTP/1.0\r\nHost: …\r\n\r\n")
-- f = s.makefile("rb"); f.readline()               s:recvline(false)
-- http.client.HTTPConnection(host, port).request("GET", "/") does all of it.

local pages = {["/"] = "Hello from socklab's tiny web server!\n"}

local function serve_one(conn)                   -- one request, one response, close
  local request_line = conn:recvline(false)
  repeat local header = conn:recvline(false) until header == "" or header == "\r" or not header
  local method, path = request_line:match("^(%u+) (%S+)")
  local body, status = pages[path], "200 OK"
  if not body then body, status = "Not found: " .. tostring(path) .. "\n", "404 Not Found" end
  print("server: " .. request_line:gsub("\r$", ""))
  conn:sendall("HTTP/1.0 " .. status .. "\r\nServer: socklab-lesson\r\nContent-Type: text/plain\r\n" ..
               "Content-Length: " .. #body .. "\r\n\r\n" .. (method == "HEAD" and "" or body))
  conn:close()
end

local server = assert(socket.create_server("127.0.0.1", 0))
local host, port = "127.0.0.1", server:getsockname().port
local server_task = spawn(function()
  for _ = 1, 2 do serve_one((server:accept())) end
  return true
end)

for _, path in ipairs({"/", "/missing"}) do
  local s = assert(socket.create_connection(host, port))
  local request = "GET " .. path .. " HTTP/1.0\r\nHost: " .. host .. ":" .. port .. "\r\n\r\n"
  for line in request:gmatch("(.-)\r\n") do print("> " .. line) end
  s:sendall(request)
  print("< " .. s:recvline(false):gsub("\r$", ""))          -- the status line
  while true do                                            -- headers, up to an empty line
    local header = s:recvline(false):gsub("\r$", "")
    print("< " .. header)
    if header == "" then break end
  end
  io.write(s:recvall())                                   -- the body: the rest, until close
  s:close()
  print()
end
assert(server_task:join())
