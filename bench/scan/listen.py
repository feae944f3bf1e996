"""TCP listeners for bench/scan/run.sh: accept and close, on ADDR:PORT for
each PORT, then touch READY.   usage: listen.py READY ADDR PORT..."""
import selectors
import socket
import sys

sel = selectors.DefaultSelector()
for p in sys.argv[3:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[2], int(p)))
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
