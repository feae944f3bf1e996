# The driver every differential test's oracle runs under: executes the
# oracle script named by argv[1], which defines MAKERS (a request's "kind"
# -> a function of the request) and may use err and attempt from here,
# then answers each JSON request read from stdin with one JSON line.
import json
import sys


def err(e):
    return {"error": type(e).__name__, "msg": str(e)}


def attempt(f):
    try:
        return f()
    except Exception as e:
        return err(e)


oracle = {"__name__": "oracle", "err": err, "attempt": attempt}
with open(sys.argv[1]) as f:
    exec(compile(f.read(), sys.argv[1], "exec"), oracle)
MAKERS = oracle["MAKERS"]

for line in sys.stdin:
    r = json.loads(line)
    try:
        out = MAKERS[r["kind"]](r)
    except Exception as e:
        out = err(e)
    print(json.dumps(out, sort_keys=True))
