# Writes the benchmark inputs: N addresses (3/4 IPv4, 1/4 IPv6, across
# private and public ranges) and N distinct URLs, one a line.
import random
import sys

n = int(sys.argv[1])
out = sys.argv[2]
r = random.Random(11)
with open(out + "/addrs.txt", "w") as f:
    for i in range(n):
        if i % 4:
            f.write("%d.%d.%d.%d\n" % (r.choice([10, 192, 172, 8, 100, 203]), r.randrange(256), r.randrange(256), r.randrange(256)))
        else:
            f.write("%x:db8:%x::%x\n" % (r.choice([0x2001, 0xfe80, 0xfd00, 0x2a00]), r.randrange(65536), r.randrange(65536)))
schemes = ["http", "https", "ftp", "smtp", "pop3", "ssh"]
with open(out + "/urls.txt", "w") as f:
    for i in range(n):
        f.write("%s://user%d@host%d.example.com:%d/path/%d/page;p?q=%d&r=x#frag%d\n" % (
            r.choice(schemes), i % 97, i, 1024 + i % 60000, i % 1000, i, i % 13))
