#!/usr/bin/env bash
# Three cases, each scanner beside its peers within one run, as ratios:
#
#   loopback    full 65,535-port TCP scan of 127.0.0.1 (the table below)
#   firewalled  full 65,535-port scan, with defaults, of a host behind a veth
#               pair whose firewall DROPs SYNs except to 3 listeners and a
#               block of 1,000 closed ports: socklab net.scan beside
#               nmap -sT -T5 and -T4; every port's state must equal the truth
#               (and so nmap's). Target: >= 3x nmap -T5.
#   lan         a /24 on a bridge: the scanner, 3 hosts up (one of them
#               firewalled), 252 addresses nobody holds; nmap's default
#               1,000 ports: socklab net.scan("10.78.0.0/24", {top = 1000})
#               beside nmap -sT -T4 (same hosts up, same states). Target:
#               >= 2x nmap -T4.
#
# Loopback scanners:
#   reference  bench/scan/goscan -scanner ref (plain Go, 256 goroutines, blocking raw connect)
#   engine     bench/scan/goscan -scanner engine (socklab/internal/scan, called from Go)
#   nmap       nmap -sT -p- -T5 -n -Pn
#   socklab    the CLI running bench/scan/scan.lua: net.scan, whole process
#   luascan    the CLI running bench/scan/luascan.lua 127.0.0.1 1 65535 256: the
#              tutorial's scanner written in Lua (tasks + connect_ex)
# Everything runs inside a private network namespace (unshare -n, root) where
# only this script's 5 listeners exist: the machine's own namespace has a
# foreign service on :2024 that must never be probed.
#
# usage: bash bench/scan/run.sh [runs [case...]]
#   runs: per scanner, default 3 (median shown; the firewalled and lan cases
#   run min(runs, 2) times: nmap -T4 alone takes over a minute there)
#   cases: loopback firewalled lan (default: all three)
set -euo pipefail
[[ -z ${SCANBENCH_TRACE:-} ]] || set -x

cd "$(dirname "$0")/../.."
RUNS=${1:-3}
CASES=${*:2}
CASES=${CASES:-loopback firewalled lan}
if [[ -z "${SCANBENCH_BIN:-}" ]]; then
	SCANBENCH_BIN=$(mktemp -d /tmp/scanbench.XXXXXX)
	export SCANBENCH_TMP=1
fi
BIN=$SCANBENCH_BIN

if [[ -z "${SCANBENCH_IN_NETNS:-}" ]]; then
	if [[ $(id -u) != 0 ]]; then
		echo "run.sh: needs root for a private network namespace (unshare -n)" >&2
		exit 1
	fi
	go build -o "$BIN/goscan" ./bench/scan/goscan
	go build -o "$BIN/socklab" ./cmd/socklab
	SCANBENCH_IN_NETNS=1 SCANBENCH_BIN="$BIN" exec unshare -n bash "$0" "$@"
fi

ip link set lo up
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

# Five listeners: well-known, high, and two inside the ephemeral range
# (32768-60999), where self-connects happen.
PORTS=(22 80 8080 $((33000 + RANDOM % 1000)) $((50000 + RANDOM % 10000)))
WANT=$(printf '%s\n' "${PORTS[@]}" | sort -n | paste -sd,)
READY=$BIN/ready
rm -f "$READY"
"$PY" bench/scan/listen.py "$READY" 127.0.0.1 "${PORTS[@]}" &
PIDS=($!)
cleanup() {
	kill "${PIDS[@]}" 2>/dev/null || true
	[[ -z ${SCANBENCH_TMP:-} ]] || rm -rf "$BIN"
}
trap cleanup EXIT
# ready FILE: waits (bounded) for a listener's ready file.
ready() {
	for _ in $(seq 200); do [[ -e $1 ]] && return 0; sleep 0.05; done
	echo "listeners did not start ($1)" >&2
	exit 1
}
ready "$READY"
has_case() { [[ " $CASES " == *" $1 "* ]]; }

declare -A SECS TIMES EXACT FAILED LABEL
# once NAME CMD...: runs CMD once; its stdout must hold "open: a,b,c".
once() {
	local name=$1
	shift
	[[ -z ${FAILED[$name]:-} ]] || return 0
	local t0 t1 out found
	t0=$(date +%s.%N)
	if ! out=$("$@" 2>"$BIN/$name.err"); then
		FAILED[$name]="failed: $(grep -m1 . "$BIN/$name.err")"
		return 0
	fi
	t1=$(date +%s.%N)
	TIMES[$name]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}') "
	found=$(printf '%s\n' "$out" | sed -n 's/^open: *//p' | tr -d ' ')
	[[ $found == "$WANT" ]] || EXACT[$name]="NO (found: $found)"
}

# medians NAME...: SECS[NAME] = the median of NAME's run times.
medians() {
	local name
	for name in "$@"; do
		[[ -n ${FAILED[$name]:-} || -z ${TIMES[$name]:-} ]] && continue
		SECS[$name]=$(printf '%s\n' ${TIMES[$name]} | sort -n | awk '{a[NR]=$1} END{print (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2}')
	done
}
# ratio NAME BASE: NAME's ports/s over BASE's (higher is faster).
ratio() {
	[[ -n ${SECS[$1]:-} && -n ${SECS[$2]:-} ]] || {
		echo "-"
		return
	}
	awk -v a="${SECS[$1]}" -v b="${SECS[$2]}" -v pct="${3:-}" \
		'BEGIN{ if (pct) printf "%.0f%%", 100*b/a; else printf "%.2fx", b/a }'
}
if has_case loopback; then
echo "full TCP scan of 127.0.0.1 (65,535 ports), listeners on $WANT, median of $RUNS runs"
echo "machine: $(nproc) cores, $(uname -r)"

nmap_open() {
	nmap -sT -p- -T5 -n -Pn 127.0.0.1 -oG - |
		sed -n 's/.*Ports: //p' | tr ',' '\n' | awk -F/ '$2=="open"{gsub(/ /,"",$1); print $1}' |
		sort -n | paste -sd, | sed 's/^/open: /'
}

# The Lua tutorial scanner prints "Port N: Open" lines.
luascan_open() {
	"$BIN/socklab" bench/scan/luascan.lua 127.0.0.1 1 65535 256 |
		sed -n 's/^Port \([0-9]*\): Open$/\1/p' | sort -n | paste -sd, | sed 's/^/open: /'
}

NAMES=(reference engine)
command -v nmap >/dev/null && NAMES+=(nmap)
[[ -x $BIN/socklab ]] && NAMES+=(socklab luascan)
# Rounds interleave the scanners, so load from elsewhere hits them alike.
for _ in $(seq "$RUNS"); do
	once reference "$BIN/goscan" -scanner ref
	once engine "$BIN/goscan" -scanner engine
	[[ " ${NAMES[*]} " == *" nmap "* ]] && once nmap nmap_open
	[[ " ${NAMES[*]} " == *" socklab "* ]] && once socklab "$BIN/socklab" bench/scan/scan.lua
	[[ " ${NAMES[*]} " == *" luascan "* ]] && once luascan luascan_open
done

LABEL+=(
	[reference]="reference (Go raw connect)"
	[engine]="engine (scan.Scan from Go)"
	[nmap]="nmap -sT -p- -T5 -n -Pn"
	[socklab]="socklab net.scan (Lua)"
	[luascan]="Lua tutorial scanner"
)
medians "${NAMES[@]}"
echo
printf '%-28s %9s %10s %9s %8s  %s\n' scanner "median s" "ports/s" "vs nmap" "vs ref" "exactly the listeners"
for name in "${NAMES[@]}"; do
	if [[ -n ${FAILED[$name]:-} ]]; then
		printf '%-28s %s\n' "${LABEL[$name]}" "${FAILED[$name]}"
		continue
	fi
	printf '%-28s %9.3f %10.0f %9s %8s  %s\n' "${LABEL[$name]}" "${SECS[$name]}" \
		"$(awk -v t="${SECS[$name]}" 'BEGIN{print 65535/t}')" "$(ratio "$name" nmap)" \
		"$(ratio "$name" reference pct)" "${EXACT[$name]:-yes}"
done
echo
for name in "${NAMES[@]}"; do
	printf '%-10s runs (s): %s\n' "$name" "${TIMES[$name]:-}"
done
command -v nmap >/dev/null || echo "nmap: not installed"
[[ -x $BIN/socklab ]] || echo "socklab: not built yet"
if [[ -n ${SECS[socklab]:-} && -n ${SECS[nmap]:-} && -n ${SECS[reference]:-} ]]; then
	echo
	echo "targets: socklab >= 4x nmap's ports/s: $(ratio socklab nmap); >= 85% of the reference's: $(ratio socklab reference pct)"
fi
fi

# ---- firewalled and lan: hosts in namespaces of their own, behind veth ----

XRUNS=$((RUNS < 2 ? RUNS : 2))
# newhost: starts a process in a fresh network namespace and prints its pid
# once the namespace exists (nsenter -t PID -n enters it).
newhost() {
	unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &
	local pid=$! me
	me=$(readlink /proc/self/ns/net)
	for _ in $(seq 200); do
		[[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) != "$me" ]] && break
		sleep 0.01
	done
	nsenter -t "$pid" -n ip link set lo up
	echo "$pid"
}
# inns PID CMD...: runs CMD in the namespace of PID.
inns() {
	local pid=$1
	shift
	nsenter -t "$pid" -n "$@"
}
# once_sets NAME TRUTH PORTS CMD...: runs CMD once; its output (lines "IP
# STATE RANGES" or nmap -oX) must give every port of every host up the
# state TRUTH (a file of such lines) gives it.
once_sets() {
	local name=$1 truth=$2 ports=$3
	shift 3
	[[ -z ${FAILED[$name]:-} ]] || return 0
	local t0 t1 got
	t0=$(date +%s.%N)
	if ! "$@" >"$BIN/$name.out" 2>"$BIN/$name.err"; then
		FAILED[$name]="failed: $(grep -m1 . "$BIN/$name.err")"
		return 0
	fi
	t1=$(date +%s.%N)
	TIMES[$name]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}') "
	got=$("$PY" bench/scan/sets.py "$ports" <"$BIN/$name.out")
	if [[ $got != "$("$PY" bench/scan/sets.py "$ports" <"$truth")" ]]; then
		EXACT[$name]="NO: $(diff <("$PY" bench/scan/sets.py "$ports" <"$truth") <(echo "$got") | grep -m3 '^[<>]' | paste -sd' ' || true)"
	fi
}
# table BASE NAME...: one line per scanner, with its speed-up over BASE.
table() {
	local base=$1 name
	shift
	medians "$@"
	printf '%-34s %9s %9s  %s\n' scanner "median s" "vs $base" "every port's state as the truth"
	for name in "$@"; do
		if [[ -n ${FAILED[$name]:-} ]]; then
			printf '%-34s %s\n' "${LABEL[$name]}" "${FAILED[$name]}"
			continue
		fi
		printf '%-34s %9.3f %9s  %s\n' "${LABEL[$name]}" "${SECS[$name]}" "$(ratio "$name" "$base")" "${EXACT[$name]:-yes}"
	done
	for name in "$@"; do
		printf '%-10s runs (s): %s\n' "$name" "${TIMES[$name]:-}"
	done
}

if has_case firewalled && command -v nmap >/dev/null && command -v iptables >/dev/null; then
	echo
	echo "== firewalled host 10.77.0.2 (veth): SYNs dropped except 3 listeners and closed 2001-3000; full range, $XRUNS run(s)"
	FW=$(newhost)
	PIDS+=("$FW")
	ip link add fw0 type veth peer name fw1 netns "$FW"
	ip addr add 10.77.0.1/24 dev fw0
	ip link set fw0 up
	inns "$FW" sh -ec 'ip addr add 10.77.0.2/24 dev fw1; ip link set fw1 up
		iptables -A INPUT -p tcp --syn -m multiport --dports 22,8080,40000 -j ACCEPT
		iptables -A INPUT -p tcp --syn --dport 2001:3000 -j ACCEPT
		iptables -A INPUT -p tcp --syn -j DROP'
	nsenter -t "$FW" -n "$PY" bench/scan/listen.py "$BIN/fw.ready" 10.77.0.2 22 8080 40000 &
	PIDS+=($!)
	ready "$BIN/fw.ready"
	printf '10.77.0.2 open 22,8080,40000\n10.77.0.2 closed 2001-3000\n10.77.0.2 filtered rest\n' >"$BIN/fw.truth"
	LABEL[fw_socklab]="socklab net.scan, defaults (Lua)"
	LABEL[fw_nmap5]="nmap -sT -p- -T5 -n -Pn"
	LABEL[fw_nmap4]="nmap -sT -p- -T4 -n -Pn"
	for _ in $(seq "$XRUNS"); do
		once_sets fw_socklab "$BIN/fw.truth" 1-65535 "$BIN/socklab" bench/scan/states.lua 10.77.0.2 1-65535
		once_sets fw_nmap5 "$BIN/fw.truth" 1-65535 nmap -sT -p- -T5 -n -Pn 10.77.0.2 -oX -
		once_sets fw_nmap4 "$BIN/fw.truth" 1-65535 nmap -sT -p- -T4 -n -Pn 10.77.0.2 -oX -
	done
	table fw_nmap5 fw_socklab fw_nmap5 fw_nmap4
	echo "target: socklab >= 3x nmap -T5: $(ratio fw_socklab fw_nmap5); vs nmap -T4: $(ratio fw_socklab fw_nmap4)"
fi

if has_case lan && command -v nmap >/dev/null && command -v iptables >/dev/null; then
	echo
	echo "== /24 on a bridge: 10.78.0.1 (the scanner), .10, .20, .30 (firewalled) up, 252 addresses nobody holds; top 1000 ports, $XRUNS run(s)"
	ip link add br0 type bridge
	ip addr add 10.78.0.1/24 dev br0
	ip link set br0 up
	declare -A SERVE=([10]="22 80" [20]="443 8080" [30]="22")
	for h in 10 20 30; do
		pid=$(newhost)
		PIDS+=("$pid")
		ip link add "h$h" type veth peer name eth0 netns "$pid"
		ip link set "h$h" master br0 up
		inns "$pid" sh -ec "ip addr add 10.78.0.$h/24 dev eth0; ip link set eth0 up"
		nsenter -t "$pid" -n "$PY" bench/scan/listen.py "$BIN/h$h.ready" "10.78.0.$h" ${SERVE[$h]} &
		PIDS+=($!)
		ready "$BIN/h$h.ready"
		[[ $h != 30 ]] || inns "$pid" sh -ec 'iptables -A INPUT -p tcp --syn --dport 22 -j ACCEPT; iptables -A INPUT -p tcp --syn -j DROP'
	done
	TOP=$("$BIN/socklab" -e 'print(table.concat(net.parse_ports({top = 1000}), ","))')
	{
		printf '10.78.0.1 closed rest\n'
		printf '10.78.0.10 open 22,80\n10.78.0.10 closed rest\n'
		printf '10.78.0.20 open 443,8080\n10.78.0.20 closed rest\n'
		printf '10.78.0.30 open 22\n10.78.0.30 filtered rest\n'
	} >"$BIN/lan.truth"
	LABEL[lan_socklab]="socklab net.scan(/24, {top=1000})"
	LABEL[lan_nmap4]="nmap -sT -T4 -n 10.78.0.0/24"
	for _ in $(seq "$XRUNS"); do
		once_sets lan_socklab "$BIN/lan.truth" "$TOP" "$BIN/socklab" bench/scan/states.lua 10.78.0.0/24 top1000
		once_sets lan_nmap4 "$BIN/lan.truth" "$TOP" nmap -sT -T4 -n 10.78.0.0/24 -oX -
	done
	table lan_nmap4 lan_socklab lan_nmap4
	NTOP=$(nmap -v -sT -T5 --top-ports 1000 -n -Pn 127.0.0.1 -oG - 2>/dev/null | sed -n 's/^# Ports scanned: TCP(1000;\([^)]*\)).*/\1/p')
	[[ $("$PY" bench/scan/sets.py "$NTOP" <<<"10.0.0.1 open rest") == "$("$PY" bench/scan/sets.py "$TOP" <<<"10.0.0.1 open rest")" ]] ||
		echo "note: nmap's top 1000 ports differ from net.top_ports(1000)"
	echo "target: socklab >= 2x nmap -T4: $(ratio lan_socklab lan_nmap4)"
fi
