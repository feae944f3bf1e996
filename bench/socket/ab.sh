#!/bin/bash
# A/B of socklab's echo round trips between two git revisions, interleaved
# in one run so both share the machine's noise (used to check that the
# failure rule costs nothing: bench/socket/ab.sh 0fa67c9 HEAD).
#   bench/socket/ab.sh REV_A REV_B [ECHO_N [ROUNDS]]
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
"$TMP/bench-A" server > "$TMP/ports" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
while [ ! -s "$TMP/ports" ]; do sleep 0.05; done
read ECHO SINK < "$TMP/ports"
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
all_A=; all_B=
for r in $(seq "$ROUNDS"); do
  for rev in A B; do
    client=$TMP/$rev/bench/socket/client.lua
    [ -e "$client" ] || client=$TMP/$rev/bench/socket/client_socklab.lua # revisions before the one client
    secs=$("$TMP/bench-$rev" lua "$client" echo "$ECHO" "$N")
    rate=$(awk -v n="$N" -v s="$secs" 'BEGIN{printf "%.0f", n/s}')
    eval "all_$rev=\"\$all_$rev $rate\""
  done
done
ma=$(echo $all_A | median); mb=$(echo $all_B | median)
printf 'echo %s: median %s rt/s   rounds:%s\n' "$A" "$ma" "$all_A"
printf 'echo %s: median %s rt/s   rounds:%s\n' "$B" "$mb" "$all_B"
awk -v a="$ma" -v b="$mb" 'BEGIN{printf "B/A = %.3f\n", b/a}'
