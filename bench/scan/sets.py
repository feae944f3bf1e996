"""Port-state sets in one canonical form, for bench/scan/run.sh.

usage: sets.py PORTS < lines

PORTS is the scanned port list ("1-65535", "1,3-4,…"). Each input line is
"IP STATE RANGES" (RANGES may be "rest": every scanned port of IP not
named on another line), or the input is nmap's XML output (-oX -), whose
collapsed ports ("Not shown") are listed in its extrareasons elements. Output: one line
"IP STATE RANGES" per host and state, sorted, ports merged into ranges.
"""
import ipaddress
import sys
import xml.etree.ElementTree as ET


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


def from_xml(text, states):
    for host in ET.fromstring(text).iter("host"):
        if host.find("status").get("state") != "up":
            continue
        ip = host.find("address").get("addr")
        st = states.setdefault(ip, {})
        for port in host.iter("port"):
            st.setdefault(port.find("state").get("state"), set()).add(int(port.get("portid")))
        for extra in host.iter("extraports"):
            for why in extra.iter("extrareasons"):
                st.setdefault(extra.get("state"), set()).update(expand(why.get("ports", "")))


def main():
    scanned = expand(sys.argv[1])
    states, rest = {}, {}
    text = sys.stdin.read()
    if text.startswith("<?xml"):
        from_xml(text, states)
        text = ""
    for line in text.splitlines():
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
