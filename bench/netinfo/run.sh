#!/usr/bin/env bash
# net.connections() with 10,000 TCP sockets open (pids included) beside
# `ss -tanp` on the same sockets, inside a private network namespace.
#
# usage: bash bench/netinfo/run.sh [sockets] [rounds]     (default 10000 9)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $(id -u) != 0 ]]; then echo "run.sh: needs root (unshare -n)" >&2; exit 1; fi
BIN=$(mktemp -d /tmp/netinfobench.XXXXXX)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/socklab" ./cmd/socklab
go build -o "$BIN/bench" ./bench/netinfo
unshare -n bash -c "ip link set lo up; ulimit -n $(ulimit -Hn); exec $BIN/bench -socklab $BIN/socklab -n ${1:-10000} -rounds ${2:-9}"
