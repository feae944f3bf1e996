#!/bin/bash
# DNS benchmarks, one run, everything on loopback:
#  1. queries/s from a loop, one query at a time, against a plain-Go miekg
#     server: socklab's Lua `dns.query` loop, the same loop in plain Go on
#     the same library, and dig in batch mode (`dig -f`);
#  2. dns.serve (a static zone, and a Lua handler) answering a Go client's
#     FLOOD_N queries from WORKERS goroutines, beside a plain-Go miekg server.
#   bench/dns/run.sh [LOOP_N [FLOOD_N [WORKERS [ROUNDS]]]]
# Rounds interleave the contenders, and within a round the three servers
# take turns in slices of the flood; the table shows medians and ratios.
set -eu
cd "$(dirname "$0")/../.."
LOOP_N=${1:-5000}; FLOOD_N=${2:-100000}; WORKERS=${3:-8}; ROUNDS=${4:-3}
TMP=$(mktemp -d)
go build -o "$TMP/dnsbench" ./bench/dns
go build -o "$TMP/socklab" ./cmd/socklab
command -v dig >/dev/null || { echo "dig missing: apt-get install bind9-dnsutils"; exit 1; }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

# The servers start in this shell, not in a $(…) subshell, so that the
# trap knows their pids and kills them: a server left running would hold
# the caller's pipe open.
start() { # name command… → starts it in the background
  "${@:2}" > "$TMP/$1.addr" & pids+=($!)
}
addr() { # name → waits for the address it prints
  for _ in $(seq 400); do [ -s "$TMP/$1.addr" ] && break; sleep 0.05; done
  head -1 "$TMP/$1.addr"
}
start go "$TMP/dnsbench" serve
start zone "$TMP/socklab" bench/dns/serve.lua
start handler "$TMP/socklab" bench/dns/serve.lua handler
GO=$(addr go); ZONE=$(addr zone); HANDLER=$(addr handler)

# The loop contenders take turns in LOOP_SLICES slices of LOOP_N/LOOP_SLICES
# queries, for the same reason as the flood's servers below.
LOOP_SLICES=10; SLICE_N=$((LOOP_N / LOOP_SLICES)); LOOP_N=$((SLICE_N * LOOP_SLICES))
host=${GO%:*}; port=${GO##*:}
for i in $(seq "$SLICE_N"); do echo "@$host -p $port web.lab.test A +short +tries=1 +time=2"; done > "$TMP/batch"

median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%.0f", n/s}'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.4f", a+b}'; }

loop() { # contender → seconds for SLICE_N queries
  case $1 in
    lua) "$TMP/socklab" bench/dns/loop.lua "$GO" "$SLICE_N" ;;
    go) "$TMP/dnsbench" loop "$GO" "$SLICE_N" ;;
    dig) local t0 t1; t0=$(date +%s.%N); dig -f "$TMP/batch" > "$TMP/dig.out"; t1=$(date +%s.%N)
         [ "$(grep -c '^127.0.0.2$' "$TMP/dig.out")" = "$SLICE_N" ] || { echo "dig: missing answers" >&2; exit 1; }
         awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b-a}' ;;
  esac
}
# The three servers take turns in slices of the flood (dnsbench flood), so
# that the load other programs put on the machine falls on all three alike.
flood() { "$TMP/dnsbench" flood "$GO,$ZONE,$HANDLER" "$FLOOD_N" "$WORKERS"; }

for c in lua go dig goserver zone handler; do eval "all_$c="; done
for r in $(seq "$ROUNDS"); do
  sec_lua=0; sec_go=0; sec_dig=0
  for _ in $(seq "$LOOP_SLICES"); do
    for c in lua go dig; do s=$(loop $c); eval "sec_$c=\$(add \$sec_$c $s)"; done
  done
  for c in lua go dig; do eval "all_$c=\"\$all_$c \$(rate $LOOP_N \$sec_$c)\""; done
  secs=($(flood))
  i=0
  for c in goserver zone handler; do
    eval "all_$c=\"\$all_$c $(rate "$FLOOD_N" "${secs[$i]}")\""; i=$((i+1))
  done
done
for c in lua go dig goserver zone handler; do eval "med_$c=\$(echo \$all_$c | median)"; done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
echo "query loop, $LOOP_N sequential queries against a plain-Go miekg server (queries/s, median of $ROUNDS)"
printf '  %-28s %8s   %s\n' "socklab dns.query (Lua)" "$med_lua" "$all_lua"
printf '  %-28s %8s   %s\n' "plain Go, miekg/dns" "$med_go" "$all_go"
printf '  %-28s %8s   %s\n' "dig -f (batch)" "$med_dig" "$all_dig"
echo "  Lua/Go $(ratio "$med_lua" "$med_go")   Lua/dig $(ratio "$med_lua" "$med_dig")"
echo "server, $FLOOD_N queries from a Go client with $WORKERS workers (answers/s, median of $ROUNDS)"
printf '  %-28s %8s   %s\n' "plain-Go miekg server" "$med_goserver" "$all_goserver"
printf '  %-28s %8s   %s\n' "dns.serve, static zone" "$med_zone" "$all_zone"
printf '  %-28s %8s   %s\n' "dns.serve, Lua handler" "$med_handler" "$all_handler"
echo "  zone/Go $(ratio "$med_zone" "$med_goserver")   handler/Go $(ratio "$med_handler" "$med_goserver")"
