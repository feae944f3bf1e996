#!/bin/bash
# A/B of socklab's echo round trips between two git revisions, interleaved
# in one run so both share the machine's noise (used to check that the
# failure rule costs nothing, and what the methods table gains:
# bench/socket/ab.sh df9a329 HEAD).
#   bench/socket/ab.sh REV_A REV_B [ECHO_N [ROUNDS]]
# Both builds run REV_A's client_socklab.lua (public API only), so only the
# runtime and socket module differ. For each round it prints the wall rate
# and the client process's CPU time per round trip: user (the Lua loop, the
# method calls, the Go around the system calls) and user+sys. Wall rates on
# loopback depend on how the scheduler places client and server; the CPU
# per round trip is what other processes on a shared machine cannot take.
set -eu
cd "$(dirname "$0")/../.."
A=$1; B=$2; N=${3:-100000}; ROUNDS=${4:-7}
TMP=$(mktemp -d)
for rev in A B; do
  eval "r=\$$rev"
  mkdir "$TMP/$rev"
  git archive "$r" | tar -x -C "$TMP/$rev"
  (cd "$TMP/$rev" && go build -o "$TMP/bench-$rev" ./bench/socket)
done
CLIENT="$TMP/A/bench/socket/client_socklab.lua"
"$TMP/bench-A" server > "$TMP/ports" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
while [ ! -s "$TMP/ports" ]; do sleep 0.05; done
read ECHO SINK < "$TMP/ports"
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for r in $(seq "$ROUNDS"); do
  for rev in A B; do
    secs=$(/usr/bin/time -f '%U %S' -o "$TMP/cpu" "$TMP/bench-$rev" lua "$CLIENT" echo "$ECHO" "$N")
    read user sys < "$TMP/cpu"
    awk -v n="$N" -v s="$secs" -v u="$user" -v k="$sys" -v rev="$rev" \
      'BEGIN{printf "%s %.0f %.3f %.3f\n", rev, n/s, u*1e6/n, (u+k)*1e6/n}'
  done
done > "$TMP/rounds"
for rev in A B; do
  eval "r=\$$rev"
  for col in 2 3 4; do
    eval "m$col$rev=$(awk -v rev="$rev" -v c="$col" '$1 == rev {print $c}' "$TMP/rounds" | median)"
  done
  eval "printf 'echo %-10s median %s rt/s, user %s us/rt, user+sys %s us/rt; rates:' \"\$r\" \"\$m2$rev\" \"\$m3$rev\" \"\$m4$rev\""
  awk -v rev="$rev" '$1 == rev {printf " %s", $2}' "$TMP/rounds"; echo
done
awk -v a="$m2A" -v b="$m2B" -v ua="$m3A" -v ub="$m3B" -v ca="$m4A" -v cb="$m4B" \
  'BEGIN{printf "B/A: rate %.3f, user CPU per round trip %.3f, user+sys %.3f\n", b/a, ub/ua, cb/ca}'
