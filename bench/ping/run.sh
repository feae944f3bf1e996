#!/usr/bin/env bash
# Flood ping of 127.0.0.1, 100,000 echoes at interval 0: net.ping beside
# iputils' `ping -f`, in one run, inside a private network namespace.
#
# usage: bash bench/ping/run.sh [echoes] [rounds]     (default 100000 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $(id -u) != 0 ]]; then echo "run.sh: needs root (raw ICMP sockets, unshare -n)" >&2; exit 1; fi
N=${1:-100000}
ROUNDS=${2:-3}
BIN=$(mktemp -d /tmp/pingbench.XXXXXX)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/socklab" ./cmd/socklab
cat > "$BIN/flood.lua" <<LUA
local r = net.ping("127.0.0.1", {count = $N, interval = 0})
assert(r.received == $N, r.received)
io.write(string.format("%.0f\n", $N / (r.time / 1000)))
LUA
unshare -n bash -s "$BIN" "$N" "$ROUNDS" <<'SH'
set -euo pipefail
BIN=$1 N=$2 ROUNDS=$3
ip link set lo up
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sl=() ip=()
for _ in $(seq "$ROUNDS"); do
	sl+=("$("$BIN/socklab" "$BIN/flood.lua")")
	ms=$(ping -f -q -c "$N" 127.0.0.1 | sed -n 's/.*received.* time \([0-9]*\)ms.*/\1/p')
	ip+=("$(awk -v n="$N" -v ms="$ms" 'BEGIN {printf "%.0f", n / (ms / 1000)}')")
done
s=$(printf '%s\n' "${sl[@]}" | median)
i=$(printf '%s\n' "${ip[@]}" | median)
echo "flood ping of 127.0.0.1, $N echoes, median of $ROUNDS interleaved rounds"
echo "socklab net.ping      $s echoes/s   (rounds: ${sl[*]})"
echo "iputils ping -f       $i echoes/s   (rounds: ${ip[*]})"
awk -v s="$s" -v i="$i" 'BEGIN {printf "ratio: socklab %.2fx iputils\n", s / i}'
SH
