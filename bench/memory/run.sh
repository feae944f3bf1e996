#!/bin/bash
# Peak memory of 10,000 concurrent echo client tasks (one per connection) in
# one socklab process, against an echo server in Lua (one handler task per
# connection) in another (issue 8, defect 19). Two processes because each
# holds 10,000 descriptors and the hard limit here is 20,000.
#   bench/memory/run.sh [CLIENTS [MESSAGES]]
# Prints the clients' own line (round trips intact: must be all of them) and
# the peak RSS of each process. Target: at most 200 MB for 10,000 clients.
set -eu
cd "$(dirname "$0")/../.."
N=${1:-10000}; M=${2:-10}
ulimit -n $((N + 500)) 2>/dev/null || { echo "need ulimit -n >= $((N + 500))"; exit 1; }
TMP=$(mktemp -d)
go build -o "$TMP/socklab" ./cmd/socklab
/usr/bin/time -f '%M %e' -o "$TMP/server.usage" "$TMP/socklab" bench/memory/echo_server.lua "$N" > "$TMP/port" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
while [ ! -s "$TMP/port" ]; do sleep 0.05; done
/usr/bin/time -f '%M %e' -o "$TMP/clients.usage" "$TMP/socklab" bench/memory/echo_clients.lua "$(cat "$TMP/port")" "$N" "$M"
wait $SRV
read -r CKB CSECS < "$TMP/clients.usage"
read -r SKB _ < "$TMP/server.usage"
echo "clients: peak RSS $((CKB / 1024)) MB ($CSECS s); server: peak RSS $((SKB / 1024)) MB; $N clients x $M messages"
