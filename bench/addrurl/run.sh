#!/bin/bash
# ipaddress and urllib.parse from Lua against the same loops in Debian's
# Python 3.11, one run each, interleaved:
#   bench/addrurl/run.sh [N [ROUNDS]]
# N addresses are parsed and asked is_private; N distinct URLs are parsed
# and asked hostname and port. Prints each side's median rate and the ratio.
set -eu
cd "$(dirname "$0")/../.."
N=${1:-1000000}; ROUNDS=${2:-3}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
PY=/usr/bin/python3
go build -o "$TMP/socklab" ./cmd/socklab
"$PY" bench/addrurl/gen.py "$N" "$TMP"
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
: > "$TMP/lua"; : > "$TMP/py"
for r in $(seq "$ROUNDS"); do
  "$TMP/socklab" bench/addrurl/bench.lua "$TMP" >> "$TMP/lua"
  "$PY" bench/addrurl/bench.py "$TMP" >> "$TMP/py"
done
for col in 1 2; do
  what=$([ $col = 1 ] && echo "ip_address(s).is_private" || echo "urlparse(u) + hostname, port")
  l=$(cut -d' ' -f$col "$TMP/lua" | median); p=$(cut -d' ' -f$col "$TMP/py" | median)
  printf '%-30s socklab %10.0f/s  python %10.0f/s  ratio %.1fx\n' "$what" "$l" "$p" "$(echo "$l / $p" | bc -l)"
done
cut -d' ' -f3 "$TMP/lua" | sort -u | xargs echo "private count (socklab):"
cut -d' ' -f3 "$TMP/py" | sort -u | xargs echo "private count (python): "
