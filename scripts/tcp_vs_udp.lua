#!/usr/bin/env socklab
-- socklab: selfcheck netns
-- Lesson 14: TCP delivers a stream of bytes, UDP delivers datagrams. The same
-- three messages go over both; TCP merges them, UDP keeps each one whole but
-- drops what does not fit in the receiver's buffer. All over 127.0.0.1.
-- Run: socklab scripts/tcp_vs_udp.lua
-- Python: the same calls: sendall/recv over SOCK_STREAM, sendto/recvfrom over
-- SOCK_DGRAM, setsockopt(SOL_SOCKET, SO_RCVBUF, n), and recv(n, MSG_PEEK).

local messages = {"one", "two", "three"}

print("TCP: three sendall calls, then one recv(1024):")
local server = assert(socket.create_server("127.0.0.1", 0))
local sender = assert(socket.create_connection(server:getsockname()))
local receiver = server:accept()
for _, m in ipairs(messages) do sender:sendall(m) end
-- Wait (peeking, without taking) until all 11 bytes have arrived.
for _ = 1, 1000 do
  if #receiver:recv(1024, socket.MSG_PEEK) == 11 then break end
  sleep(0.01)
end
print(("  recv(1024) = %q: the boundaries are gone, framing is up to you"):format(receiver:recv(1024)))
sender:close() receiver:close() server:close()

print("UDP: three sendto calls, then three recvfrom(1024):")
local rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
assert(rx:bind("127.0.0.1", 0))
local port = rx:getsockname().port
local tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _, m in ipairs(messages) do tx:sendto(m, "127.0.0.1", port) end
for _ = 1, 3 do print(("  recvfrom(1024) = %q"):format(rx:recvfrom(1024))) end

-- The kernel counts the datagrams it dropped for a socket in /proc/net/udp.
-- The kernel lists that file in pieces, and a line can be missed when other
-- sockets come and go meanwhile: read it again before giving up.
local function drops(p)
  for _ = 1, 5 do
    for line in io.lines("/proc/net/udp") do
      local hex, n = line:match("^%s*%d+: %x+:(%x+) .- (%d+)%s*$")
      if hex and tonumber(hex, 16) == p then return tonumber(n) end
    end
  end
  error("port " .. p .. " is not in /proc/net/udp")
end
print("UDP with a small receive buffer: 50 datagrams of 1000 bytes, nobody reading:")
rx:setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
for i = 1, 50 do tx:sendto(("%04d"):format(i) .. ("x"):rep(996), "127.0.0.1", port) end
rx:settimeout(0)                                   -- non-blocking: take what is there
local kept, last, in_order = 0, 0, true
for _ = 1, 1000 do                                 -- until all 50 are accounted for
  while true do
    local data, err = rx:recvfrom(2048)
    if not data then break end                     -- err: nothing more for now
    kept = kept + 1
    in_order = in_order and #data == 1000 and tonumber(data:sub(1, 4)) > last
    last = tonumber(data:sub(1, 4))
  end
  if kept + drops(port) >= 50 then break end
  sleep(0.01)
end
print(("  kept %d, the kernel dropped %d"):format(kept, drops(port)))
print("  some were dropped:", drops(port) > 0, "those kept are whole and in order:", in_order)
rx:close() tx:close()
