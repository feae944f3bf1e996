#!/usr/bin/env bash
# The 20-of-20 check, for local use (CI runs each case once): the
# firewalled, rejecting, rate-limited and /24 namespace tests of
# internal/scan, each scanning N times (default 20) as is and under
# `ulimit -n 256`, each run required to give exactly the expected
# open/closed/filtered sets (and up/down hosts). A test stops at its first
# wrong run, so "ok" means N of N for every case.
#
# usage: bash bench/scan/repeat.sh [N]        (root: private namespaces)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-20}
SOCKLAB_SCAN_REPEAT=$N go test -count=1 -timeout 60m -v \
	-run '^TestNetns(Firewalled|Rejecting|RateLimitedRSTs|LAN)$' ./internal/scan/ |
	grep -E '^(--- |ok|FAIL)|^    --- |run [0-9]+(,| *:)' |
	awk '{print} /run [0-9]+[:,]/{runs++} END{printf "%d scans logged (cases x ulimits x %s)\n", runs, "'"$N"'"}'
