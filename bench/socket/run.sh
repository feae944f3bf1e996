#!/bin/sh
# Side-by-side loopback benchmark of socklab's socket module against plain Go,
# Python and Lua 5.4 + LuaSocket. Every client talks to the same Go server.
#   bench/socket/run.sh [ECHO_N [BULK_MIB [CONNECT_N]]]
set -eu
cd "$(dirname "$0")/../.."
ECHO_N=${1:-100000}; BULK_MIB=${2:-1024}; CONN_N=${3:-20000}
BIN=$(mktemp -d)/socketbench
go build -o "$BIN" ./bench/socket
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
HERE=bench/socket
"$BIN" server > "$BIN.ports" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$(dirname "$BIN")"' EXIT
while [ ! -s "$BIN.ports" ]; do sleep 0.05; done
read ECHO SINK < "$BIN.ports"

client() { # name mode port n
  case $1 in
    go) "$BIN" go "$2" "$3" "$4" ;;
    socklab) "$BIN" lua $HERE/client_socklab.lua "$2" "$3" "$4" ;;
    python) "$PY" $HERE/client_py.py "$2" "$3" "$4" ;;
    luasocket) if command -v lua5.4 >/dev/null; then lua5.4 $HERE/client_luasocket.lua "$2" "$3" "$4"; else echo NaN; fi ;;
  esac
}

printf '%-10s %-8s %14s %9s %9s\n' test client rate vs-Go vs-Python
for test in echo bulk connect; do
  case $test in
    echo) port=$ECHO; n=$ECHO_N; unit="rt/s" ;;
    bulk) port=$SINK; n=$BULK_MIB; unit="MB/s" ;;
    connect) port=$ECHO; n=$CONN_N; unit="conn/s" ;;
  esac
  for c in go python socklab luasocket; do
    secs=$(client $c $test $port $n)
    case $test in
      bulk) rate=$(awk -v n=$n -v s=$secs 'BEGIN{printf "%.0f", n*1048576/1e6/s}') ;;
      *) rate=$(awk -v n=$n -v s=$secs 'BEGIN{printf "%.0f", n/s}') ;;
    esac
    eval "r_$c=$rate"
  done
  for c in go python socklab luasocket; do
    eval "rate=\$r_$c"
    printf '%-10s %-10s %9s %-6s %8.2fx %8.2fx\n' $test $c $rate $unit \
      "$(awk -v a=$rate -v b=$r_go 'BEGIN{print a/b}')" "$(awk -v a=$rate -v b=$r_python 'BEGIN{print a/b}')"
  done
done
