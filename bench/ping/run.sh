#!/usr/bin/env bash
# Flood ping of 127.0.0.1, 100,000 echoes at interval 0: net.ping beside
# iputils' `ping -f`, in one run, inside a private network namespace.
# Each rate is echoes over the whole process's wall time (start-up, the
# flood, and for socklab the result with every reply, read by the script);
# each tool's own "time" figure is shown beside it, and each process's CPU
# time (user + system, all threads), which a loaded machine disturbs less.
#
# usage: bash bench/ping/run.sh [echoes] [rounds]     (default 100000 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [[ $(id -u) != 0 ]]; then echo "run.sh: needs root (raw ICMP sockets, unshare -n)" >&2; exit 1; fi
if [[ ! -x /usr/bin/time ]]; then echo "run.sh: needs /usr/bin/time (Debian package time)" >&2; exit 1; fi
N=${1:-100000}
ROUNDS=${2:-3}
BIN=$(mktemp -d /tmp/pingbench.XXXXXX)
trap 'rm -rf "$BIN"' EXIT
go build -o "$BIN/socklab" ./cmd/socklab
cat > "$BIN/flood.lua" <<LUA
local r = net.ping("127.0.0.1", {count = $N, interval = 0})
assert(r.received == $N and #r.replies == $N and r.replies[$N].seq == $N, r.received)
io.write(r.time, "\n")
LUA
unshare -n bash -s "$BIN" "$N" "$ROUNDS" <<'SH'
set -euo pipefail
BIN=$1 N=$2 ROUNDS=$3
ip link set lo up
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rate() { awk -v n="$N" -v ns="$1" 'BEGIN {printf "%.0f", n / (ns / 1e9)}'; }
cpu() { awk '{printf "%.0f", ($1 + $2) * 1000}' "$BIN/cpu"; } # ms, from /usr/bin/time -f '%U %S'
sl=() ip=() slt=() ipt=() slc=() ipc=()
for _ in $(seq "$ROUNDS"); do
	t0=$(date +%s%N); own=$(/usr/bin/time -o "$BIN/cpu" -f '%U %S' "$BIN/socklab" "$BIN/flood.lua"); t1=$(date +%s%N)
	sl+=("$(rate $((t1 - t0)))"); slt+=("$own"); slc+=("$(cpu)")
	t0=$(date +%s%N); own=$(/usr/bin/time -o "$BIN/cpu" -f '%U %S' ping -f -q -c "$N" 127.0.0.1 | sed -n 's/.*received.* time \([0-9]*\)ms.*/\1/p'); t1=$(date +%s%N)
	ip+=("$(rate $((t1 - t0)))"); ipt+=("$own"); ipc+=("$(cpu)")
done
s=$(printf '%s\n' "${sl[@]}" | median)
i=$(printf '%s\n' "${ip[@]}" | median)
sc=$(printf '%s\n' "${slc[@]}" | median)
ic=$(printf '%s\n' "${ipc[@]}" | median)
echo "flood ping of 127.0.0.1, $N echoes, median of $ROUNDS interleaved rounds (whole process)"
echo "socklab net.ping      $s echoes/s   (rounds: ${sl[*]}; its own time: ${slt[*]} ms; CPU: ${slc[*]} ms)"
echo "iputils ping -f       $i echoes/s   (rounds: ${ip[*]}; its own time: ${ipt[*]} ms; CPU: ${ipc[*]} ms)"
awk -v s="$s" -v i="$i" 'BEGIN {printf "ratio: socklab %.2fx iputils\n", s / i}'
awk -v s="$sc" -v i="$ic" 'BEGIN {printf "CPU time per run (median): socklab %d ms, iputils %d ms: socklab needs %.2fx iputils'"'"' CPU\n", s, i, s / i}'
SH
