# The oracle of the URL differential tests, run by internal/pyoracle's
# serve.py (which provides err and attempt and answers one JSON request per
# line): MAKERS computes each kind of answer with Python's urllib.parse.
from urllib import parse as up


def fields(r):
    d = dict(r._asdict())
    d["username"] = r.username
    d["password"] = r.password
    d["hostname"] = r.hostname
    d["port"] = attempt(lambda: r.port)
    d["geturl"] = r.geturl()
    return d


def opts(r):
    o = r.get("opts", {})
    kw = {}
    for k in ("keep_blank_values", "strict_parsing", "max_num_fields", "separator"):
        if k in o:
            kw[k] = o[k]
    return kw


MAKERS = {
    "parse": lambda r: fields(up.urlparse(r["url"], r.get("scheme", ""), r.get("allow_fragments", True))),
    "split": lambda r: fields(up.urlsplit(r["url"], r.get("scheme", ""), r.get("allow_fragments", True))),
    "join": lambda r: up.urljoin(r["base"], r["url"], r.get("allow_fragments", True)),
    "defrag": lambda r: list(up.urldefrag(r["url"])),
    "unsplit": lambda r: up.urlunsplit(r["parts"]),
    "unparse": lambda r: up.urlunparse(r["parts"]),
    "quote": lambda r: up.quote(r["url"], r.get("safe", "/")),
    "quote_plus": lambda r: up.quote_plus(r["url"], r.get("safe", "")),
    "unquote": lambda r: up.unquote(r["url"]),
    "unquote_plus": lambda r: up.unquote_plus(r["url"]),
    "parse_qsl": lambda r: up.parse_qsl(r["url"], **opts(r)),
    "parse_qs": lambda r: up.parse_qs(r["url"], **opts(r)),
    "urlencode": lambda r: up.urlencode([tuple(p) for p in r["pairs"]], safe=r.get("safe", "")),
}
