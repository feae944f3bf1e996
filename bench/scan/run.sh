#!/usr/bin/env bash
# Full 65,535-port TCP scan of 127.0.0.1, side by side:
#   reference  bench/scan/refscan (plain Go, 256 goroutines, blocking raw connect)
#   engine     bench/scan/enginescan (socklab/luabind/scan, called from Go)
#   nmap       nmap -sT -p- -T5 -n -Pn
#   socklab    the CLI running bench/scan/scan.lua: net.scan, whole process
#   luascan    the CLI running bench/scan/luascan.lua 127.0.0.1 1 65535 256: the
#              tutorial's scanner written in Lua (tasks + connect_ex)
# Everything runs inside a private network namespace (unshare -n, root) where
# only this script's 5 listeners exist: the machine's own namespace has a
# foreign service on :2024 that must never be probed.
#
# usage: bash bench/scan/run.sh [runs]     (runs per scanner, default 3; median shown)
set -euo pipefail

cd "$(dirname "$0")/../.."
RUNS=${1:-3}
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
	go build -o "$BIN/refscan" ./bench/scan/refscan
	go build -o "$BIN/enginescan" ./bench/scan/enginescan
	if [[ -x ./socklab ]]; then
		cp ./socklab "$BIN/socklab"
	elif [[ -d ./cmd/socklab ]]; then
		go build -o "$BIN/socklab" ./cmd/socklab || echo "socklab: build failed" >&2
	fi
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
"$PY" - "$READY" "${PORTS[@]}" <<'PYEOF' &
import selectors, socket, sys
sel = selectors.DefaultSelector()
for p in sys.argv[2:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(p)))
    s.listen(4096)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
open(sys.argv[1], "w").close()
while True:
    for key, _ in sel.select():
        try:
            c, _ = key.fileobj.accept()
            c.close()
        except OSError:
            pass
PYEOF
LPID=$!
cleanup() {
	kill "$LPID" 2>/dev/null || true
	[[ -z ${SCANBENCH_TMP:-} ]] || rm -rf "$BIN"
}
trap cleanup EXIT
for _ in $(seq 100); do [[ -e $READY ]] && break; sleep 0.05; done
[[ -e $READY ]] || { echo "listeners did not start" >&2; exit 1; }

echo "full TCP scan of 127.0.0.1 (65,535 ports), listeners on $WANT, median of $RUNS runs"
echo "machine: $(nproc) cores, $(uname -r)"

declare -A SECS TIMES EXACT FAILED
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
	once reference "$BIN/refscan"
	once engine "$BIN/enginescan"
	[[ " ${NAMES[*]} " == *" nmap "* ]] && once nmap nmap_open
	[[ " ${NAMES[*]} " == *" socklab "* ]] && once socklab "$BIN/socklab" bench/scan/scan.lua
	[[ " ${NAMES[*]} " == *" luascan "* ]] && once luascan luascan_open
done

declare -A LABEL=(
	[reference]="reference (Go raw connect)"
	[engine]="engine (scan.Scan from Go)"
	[nmap]="nmap -sT -p- -T5 -n -Pn"
	[socklab]="socklab net.scan (Lua)"
	[luascan]="Lua tutorial scanner"
)
for name in "${NAMES[@]}"; do
	[[ -n ${FAILED[$name]:-} ]] && continue
	SECS[$name]=$(printf '%s\n' ${TIMES[$name]} | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
done
# ratio NAME BASE: NAME's ports/s over BASE's (higher is faster).
ratio() {
	[[ -n ${SECS[$1]:-} && -n ${SECS[$2]:-} ]] || { echo "-"; return; }
	awk -v a="${SECS[$1]}" -v b="${SECS[$2]}" -v pct="${3:-}" \
		'BEGIN{ if (pct) printf "%.0f%%", 100*b/a; else printf "%.2fx", b/a }'
}
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
	echo "targets: socklab >= 2.5x nmap's ports/s: $(ratio socklab nmap); >= 85% of the reference's: $(ratio socklab reference pct)"
fi
