#!/bin/bash
# Before and after in one run: socklab's echo round trips, bulk send and
# connect+close between two git revisions, interleaved round by round so
# both share the machine's noise (e.g. what the methods table gained:
# bench/socket/ab.sh df9a329 HEAD).
#   bench/socket/ab.sh REV_A REV_B [ECHO_N [ROUNDS [BULK_MIB [CONNECT_N]]]]
# BULK_MIB and CONNECT_N default to 0: echo only. Both builds run REV_A's
# Lua client (public API only), so only the runtime and socket module
# differ. Besides the wall rate it reports the client process's CPU
# time per operation: user (the Lua loop, the method calls, the Go around
# the system calls) and user+sys. Wall rates on loopback depend on how the
# scheduler places client and server; CPU per operation is what other
# processes on a shared machine cannot take.
set -eu
cd "$(dirname "$0")/../.."
A=$1; B=$2; ECHO_N=${3:-100000}; ROUNDS=${4:-7}; BULK_MIB=${5:-0}; CONN_N=${6:-0}
. bench/revs.sh
unpack_revs "$A" "$B"
for rev in A B; do
  (cd "$TMP/$rev" && go build -o "$TMP/bench-$rev" ./bench/socket)
done
CLIENT="$TMP/A/bench/socket/client.lua"
[ -e "$CLIENT" ] || CLIENT="$TMP/A/bench/socket/client_socklab.lua" # revisions before the one client
"$TMP/bench-A" server > "$TMP/ports" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TMP"' EXIT
while [ ! -s "$TMP/ports" ]; do sleep 0.05; done
read ECHO SINK < "$TMP/ports"
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
for test in echo bulk connect; do
  case $test in
    echo) port=$ECHO; n=$ECHO_N; ops=$n; unit="rt/s"; per="rt" ;;
    bulk) port=$SINK; n=$BULK_MIB; ops=$n; unit="MiB/s"; per="MiB" ;;
    connect) port=$ECHO; n=$CONN_N; ops=$n; unit="conn/s"; per="conn" ;;
  esac
  [ "$n" -gt 0 ] || continue
  for r in $(seq "$ROUNDS"); do
    for rev in A B; do
      secs=$(/usr/bin/time -f '%U %S' -o "$TMP/cpu" "$TMP/bench-$rev" lua "$CLIENT" "$test" "$port" "$n")
      read user sys < "$TMP/cpu"
      awk -v n="$ops" -v s="$secs" -v u="$user" -v k="$sys" -v rev="$rev" \
        'BEGIN{printf "%s %.0f %.3f %.3f\n", rev, n/s, u*1e6/n, (u+k)*1e6/n}'
    done
  done > "$TMP/rounds"
  for rev in A B; do
    for col in 2 3 4; do
      eval "m$col$rev=$(awk -v rev="$rev" -v c="$col" '$1 == rev {print $c}' "$TMP/rounds" | median)"
    done
    eval "r=\$$rev; rate=\$m2$rev; user=\$m3$rev; cpu=\$m4$rev"
    printf '%-8s %-10s median %s %s, user %s us/%s, user+sys %s us/%s; rates:' \
      "$test" "$r" "$rate" "$unit" "$user" "$per" "$cpu" "$per"
    awk -v rev="$rev" '$1 == rev {printf " %s", $2}' "$TMP/rounds"; echo
  done
  awk -v t="$test" -v a="$m2A" -v b="$m2B" -v ua="$m3A" -v ub="$m3B" -v ca="$m4A" -v cb="$m4B" \
    'BEGIN{printf "%-8s B/A: rate %.3f, user CPU per op %.3f, user+sys %.3f\n", t, b/a, ub/ua, cb/ca}'
done
