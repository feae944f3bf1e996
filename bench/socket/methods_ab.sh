#!/bin/bash
# A/B of the cost of a method call and an attribute read between two git
# revisions, interleaved in one run so both share the machine's noise
# (issue 8's methods table: bench/socket/methods_ab.sh df9a329 HEAD).
#   bench/socket/methods_ab.sh REV_A REV_B [ROUNDS [CALLS]]
# Runs runtime's BenchmarkMethodLookup (each revision's own file) and
# socket's BenchmarkSocketMethodCall (REV_B's file in both trees: it uses
# only the public API) ROUNDS times each, and prints the median and the
# fastest round of wall ns/op and, where the benchmark reports it, of CPU
# ns/op (the process's CPU time per call: what other processes on a shared
# machine take from the loop does not count; df9a329's runtime benchmarks
# lack it).
set -eu
cd "$(dirname "$0")/../.."
A=$1; B=$2; ROUNDS=${3:-5}; CALLS=${4:-1000000}
. bench/revs.sh
unpack_revs "$A" "$B"
for rev in A B; do
  git show "$B:luabind/socket/bench_test.go" > "$TMP/$rev/luabind/socket/bench_test.go"
  (cd "$TMP/$rev" && go test -c -o "$TMP/runtime-$rev.test" ./luabind/runtime/ &&
    go test -c -o "$TMP/socket-$rev.test" ./luabind/socket/)
done
for r in $(seq "$ROUNDS"); do
  for rev in A B; do
    "$TMP/runtime-$rev.test" -test.run '^$' -test.bench MethodLookup -test.benchtime "${CALLS}x" | grep '^Bench' | sed "s/^/$rev /"
    "$TMP/socket-$rev.test" -test.run '^$' -test.bench SocketMethodCall -test.benchtime "${CALLS}x" | grep '^Bench' | sed "s/^/$rev /"
  done
done > "$TMP/out"
median_min() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{printf "%7.1f %7.1f", ((NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2), a[1]}'; }
awk '{key=$1" "$2; v[key]=v[key]" "$4; if ($7 == "cpu-ns/op") c[key]=c[key]" "$6}
     END{for (k in v) print k "|" v[k] "|" c[k]}' "$TMP/out" | sort -t' ' -k2,2 -k1,1 |
  while IFS='|' read -r key wall cpu; do
    printf '%-44s wall median/min %s' "$key" "$(echo $wall | median_min)"
    [ -n "$cpu" ] && printf '   cpu median/min %s' "$(echo $cpu | median_min)"
    printf ' ns/op\n'
  done
