# Python's side of the benchmark: parse + is_private of every address, and
# urlparse (with .hostname and .port) of every URL; prints rates per second.
import ipaddress
import sys
import time
from urllib.parse import urlparse

d = sys.argv[1]
addrs = open(d + "/addrs.txt").read().split()
urls = open(d + "/urls.txt").read().split()
t = time.perf_counter()
n = 0
for s in addrs:
    if ipaddress.ip_address(s).is_private:
        n += 1
a = len(addrs) / (time.perf_counter() - t)
t = time.perf_counter()
for u in urls:
    p = urlparse(u)
    p.hostname, p.port
b = len(urls) / (time.perf_counter() - t)
print("%.0f %.0f %d" % (a, b, n))
