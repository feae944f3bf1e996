"""Port-state sets in one canonical form, for bench/scan/run.sh.

usage: sets.py PORTS < lines

PORTS is the scanned port list ("1-65535", "1,3-4,…"). Each input line is
either "IP STATE RANGES" (RANGES may be "rest": every scanned port of IP
not named on another line) or a line of nmap's grepable output (-oG -),
whose collapsed "Ignored State" ports are the rest. Output: one line
"IP STATE RANGES" per host and state, sorted, ports merged into ranges.
"""
import ipaddress
import re
import sys


def expand(spec):
    out = set()
    for item in filter(None, spec.split(",")):
        lo, _, hi = item.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def ranges(ports):
    out, ps = [], sorted(ports)
    i = 0
    while i < len(ps):
        j = i
        while j + 1 < len(ps) and ps[j + 1] == ps[j] + 1:
            j += 1
        out.append(str(ps[i]) if i == j else "%d-%d" % (ps[i], ps[j]))
        i = j + 1
    return ",".join(out)


def main():
    scanned = expand(sys.argv[1])
    states, rest = {}, {}
    for line in sys.stdin:
        line = line.rstrip("\n")
        m = re.match(r"Host: (\S+) .*\tPorts: ([^\t]*)(?:\tIgnored State: (\S+))?", line)
        if m:
            ip, ports, ignored = m.groups()
            for item in filter(None, ports.split(",")):
                f = item.strip().split("/")
                states.setdefault(ip, {}).setdefault(f[1], set()).add(int(f[0]))
            if ignored:
                rest[ip] = ignored
            continue
        f = line.split()
        if len(f) != 3 or line.startswith("#"):
            continue
        ip, state, spec = f
        if spec == "rest":
            rest[ip] = state
        else:
            states.setdefault(ip, {}).setdefault(state, set()).update(expand(spec))
    for ip, state in rest.items():
        named = set().union(*states.get(ip, {}).values())
        states.setdefault(ip, {}).setdefault(state, set()).update(scanned - named)
    for ip in sorted(states, key=ipaddress.ip_address):
        for state in sorted(states[ip]):
            if states[ip][state]:
                print(ip, state, ranges(states[ip][state]))


main()
