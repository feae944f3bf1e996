# The oracle of the ipaddress differential tests, run by internal/pyoracle's
# serve.py (which provides err and attempt and answers one JSON request per
# line, e.g. {"kind": ..., "text": ..., "strict": ...}): MAKERS describes
# what Python's ipaddress makes of each request.
import ipaddress as ip
import itertools


def addr_fields(a):
    d = {
        "str": str(a), "repr": repr(a), "version": a.version,
        "max_prefixlen": a.max_prefixlen, "compressed": a.compressed,
        "packed": a.packed.hex(), "int": str(int(a)),
        "is_private": a.is_private, "is_global": a.is_global,
        "is_loopback": a.is_loopback, "is_link_local": a.is_link_local,
        "is_multicast": a.is_multicast, "is_reserved": a.is_reserved,
        "is_unspecified": a.is_unspecified,
        "plus1": attempt(lambda: str(a + 1)), "minus1": attempt(lambda: str(a - 1)),
    }
    if a.version == 6:
        d["is_site_local"] = a.is_site_local
        d["ipv4_mapped"] = str(a.ipv4_mapped) if a.ipv4_mapped else None
        d["sixtofour"] = str(a.sixtofour) if a.sixtofour else None
        d["teredo"] = [str(x) for x in a.teredo] if a.teredo else None
        d["scope_id"] = a.scope_id
    if a.version == 4 or not a.scope_id:  # Python 3.11 raises on a scoped exploded
        d["exploded"] = a.exploded
        d["reverse_pointer"] = a.reverse_pointer
    return d


def net_fields(n):
    d = {
        "str": str(n), "repr": repr(n), "version": n.version,
        "network_address": str(n.network_address),
        "broadcast_address": str(n.broadcast_address),
        "netmask": str(n.netmask), "hostmask": str(n.hostmask),
        "prefixlen": n.prefixlen, "with_prefixlen": n.with_prefixlen,
        "with_netmask": n.with_netmask, "with_hostmask": n.with_hostmask,
        "num_addresses": str(n.num_addresses),
        "is_private": n.is_private, "is_global": n.is_global,
        "is_loopback": n.is_loopback, "is_link_local": n.is_link_local,
        "is_multicast": n.is_multicast, "is_reserved": n.is_reserved,
        "is_unspecified": n.is_unspecified,
        "hosts": [str(h) for h in itertools.islice(n.hosts(), 3)],
        "subnets": attempt(lambda: [str(s) for s in itertools.islice(n.subnets(), 3)]),
        "subnets2": attempt(lambda: [str(s) for s in itertools.islice(n.subnets(prefixlen_diff=2), 5)]),
        "supernet": attempt(lambda: str(n.supernet())),
        "supernet3": attempt(lambda: str(n.supernet(prefixlen_diff=3))),
        "first": str(n[0]), "last": str(n[-1]),
    }
    if n.version == 6:
        d["is_site_local"] = n.is_site_local
    if n.version == 4 or not n.network_address.scope_id:
        d["exploded"] = n.exploded
        d["reverse_pointer"] = n.reverse_pointer
    if n.num_addresses <= 64:
        d["all_hosts"] = [str(h) for h in n.hosts()]
    return d


def iface_fields(i):
    d = addr_fields(i)
    d.update({
        "ip": str(i.ip), "network": str(i.network),
        "with_prefixlen": i.with_prefixlen, "with_netmask": i.with_netmask,
        "with_hostmask": i.with_hostmask, "netmask": str(i.netmask),
        "hostmask": str(i.hostmask),
    })
    del d["plus1"], d["minus1"]
    return d


MAKERS = {
    "ip_address": lambda r: addr_fields(ip.ip_address(r["text"])),
    "IPv4Address": lambda r: addr_fields(ip.IPv4Address(r["text"])),
    "IPv6Address": lambda r: addr_fields(ip.IPv6Address(r["text"])),
    "int": lambda r: addr_fields(ip.ip_address(int(r["text"]))),
    "ip_network": lambda r: net_fields(ip.ip_network(r["text"], r.get("strict", True))),
    "IPv4Network": lambda r: net_fields(ip.IPv4Network(r["text"], r.get("strict", True))),
    "IPv6Network": lambda r: net_fields(ip.IPv6Network(r["text"], r.get("strict", True))),
    "ip_interface": lambda r: iface_fields(ip.ip_interface(r["text"])),
    "collapse": lambda r: [str(n) for n in ip.collapse_addresses(
        [ip.ip_network(t) if "/" in t else ip.ip_address(t) for t in r["items"]])],
    "summarize": lambda r: [str(n) for n in ip.summarize_address_range(
        ip.ip_address(r["items"][0]), ip.ip_address(r["items"][1]))],
    "exclude": lambda r: [str(n) for n in ip.ip_network(r["items"][0]).address_exclude(
        ip.ip_network(r["items"][1]))],
    "relations": lambda r: (lambda a, b: {
        "overlaps": a.overlaps(b), "subnet_of": attempt(lambda: a.subnet_of(b)),
        "supernet_of": attempt(lambda: a.supernet_of(b)),
        "lt": attempt(lambda: a < b), "eq": a == b,
        "contains": ip.ip_address(r["items"][1].split("/")[0]) in a,
    })(ip.ip_network(r["items"][0], False), ip.ip_network(r["items"][1], False)),
}
