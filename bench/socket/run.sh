#!/bin/bash
# Side-by-side loopback benchmark of socklab's socket module against plain Go,
# Python and Lua 5.4 + LuaSocket. Every client talks to the same Go server.
#   bench/socket/run.sh [ECHO_N [BULK_MIB [CONNECT_N [ROUNDS]]]]
# Each test runs ROUNDS rounds (default 3); within a round the clients take
# turns, so that they share the machine's noise; the table shows each
# client's median rate and its ratios to Go's and Python's medians.
set -eu
cd "$(dirname "$0")/../.."
ECHO_N=${1:-100000}; BULK_MIB=${2:-1024}; CONN_N=${3:-20000}; ROUNDS=${4:-3}
TMP=$(mktemp -d); BIN=$TMP/socketbench
go build -o "$BIN" ./bench/socket
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
HERE=bench/socket
"$BIN" server > "$TMP/ports" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
while [ ! -s "$TMP/ports" ]; do sleep 0.05; done
read ECHO SINK < "$TMP/ports"
clients="go python socklab luasocket"
command -v lua5.4 >/dev/null || { echo "lua5.4 missing: apt-get install lua5.4 lua-socket"; clients="go python socklab"; }

client() { # name mode port n → seconds
  case $1 in
    go) "$BIN" go "$2" "$3" "$4" ;;
    socklab) "$BIN" lua $HERE/client.lua "$2" "$3" "$4" ;;
    python) "$PY" $HERE/client_py.py "$2" "$3" "$4" ;;
    luasocket) lua5.4 $HERE/client.lua "$2" "$3" "$4" ;;
  esac
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

printf '%-8s %-10s %12s %-7s %7s %9s   %s\n' test client median unit vs-Go vs-Python "rounds"
for test in echo bulk connect; do
  case $test in
    echo) port=$ECHO; n=$ECHO_N; unit="rt/s" ;;
    bulk) port=$SINK; n=$BULK_MIB; unit="MB/s" ;;
    connect) port=$ECHO; n=$CONN_N; unit="conn/s" ;;
  esac
  for c in $clients; do eval "all_$c="; done
  for r in $(seq "$ROUNDS"); do
    for c in $clients; do
      secs=$(client $c $test $port $n)
      case $test in
        bulk) rate=$(awk -v n=$n -v s=$secs 'BEGIN{printf "%.0f", n*1048576/1e6/s}') ;;
        *) rate=$(awk -v n=$n -v s=$secs 'BEGIN{printf "%.0f", n/s}') ;;
      esac
      eval "all_$c=\"\$all_$c $rate\""
    done
  done
  for c in $clients; do eval "med_$c=\$(echo \$all_$c | median)"; done
  for c in $clients; do
    eval "rate=\$med_$c; rounds=\$all_$c"
    printf '%-8s %-10s %12.0f %-7s %6.2fx %8.2fx   %s\n' $test $c $rate $unit \
      "$(awk -v a=$rate -v b=$med_go 'BEGIN{print a/b}')" "$(awk -v a=$rate -v b=$med_python 'BEGIN{print a/b}')" "$rounds"
  done
done
