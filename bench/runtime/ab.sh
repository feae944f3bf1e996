#!/bin/bash
# Before and after in one run: the runtime's benchmarks (start-up, spawn and
# join, bound and Lua calls, pcall, sleep, 10,000 sleeping tasks, method
# calls and lookups) of two git revisions, interleaved round by round so
# both share the machine's noise, compared by benchstat (medians, 95%
# confidence intervals, and whether a difference is more than noise).
#   bench/runtime/ab.sh REV_A REV_B [ROUNDS [BENCHTIME [PATTERN]]]
# e.g. bench/runtime/ab.sh df9a329 HEAD 8 200ms
# Each revision runs its own luabind/runtime benchmarks; benchmarks that
# exist in only one of them are shown for that one alone. Where a benchmark
# reports cpu-ns/op (the process's CPU time per operation), compare that:
# on a shared machine it moves far less than wall time.
set -eu
cd "$(dirname "$0")/../.."
A=$1; B=$2; ROUNDS=${3:-6}; BENCHTIME=${4:-300ms}; PATTERN=${5:-.}
BENCHSTAT="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
. bench/revs.sh
unpack_revs "$A" "$B"
for rev in A B; do
  (cd "$TMP/$rev" && go test -c -o "$TMP/runtime-$rev.test" ./luabind/runtime/)
done
for r in $(seq "$ROUNDS"); do
  for rev in A B; do
    # From the package's folder: BenchmarkStartup builds that tree's socklab.
    (cd "$TMP/$rev/luabind/runtime" &&
      "$TMP/runtime-$rev.test" -test.run '^$' -test.bench "$PATTERN" -test.benchtime "$BENCHTIME") |
      grep '^Benchmark' >> "$TMP/$rev.txt"
  done
done
$BENCHSTAT "$A=$TMP/A.txt" "$B=$TMP/B.txt"
