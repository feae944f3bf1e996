# Python client: MODE PORT N; prints the seconds taken.
import socket, sys, time
mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
if mode == "echo":
    s = socket.create_connection(("127.0.0.1", port))
    msg = b"x" * 32
    for _ in range(n):
        s.send(msg)
        got = len(s.recv(1024))
        while got < 32:
            got += len(s.recv(1024))
    s.close()
elif mode == "bulk":
    s = socket.create_connection(("127.0.0.1", port))
    chunk = b"x" * 65536
    for _ in range(n * 16):
        s.sendall(chunk)
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    s.close()
elif mode == "connect":
    for _ in range(n):
        s = socket.socket()
        s.connect(("127.0.0.1", port))
        s.close()
print("%.6f" % (time.perf_counter() - t0))
