"""Counts RTP datagrams arriving at a few UDP ports on 127.0.0.1.

Usage: rtp_counter.py PORTS_FILE STOP_FILE COUNTS_FILE NAME...
Binds one port per NAME (port 0: the kernel picks), writes "NAME=PORT" lines to PORTS_FILE,
counts datagrams until STOP_FILE exists (or 120 s pass), then writes "NAME=COUNT" lines to
COUNTS_FILE. Used by dialog_test.sh to see where Keyline sends RTP during hold and resume.
"""
import os
import select
import socket
import sys
import time

ports_file, stop_file, counts_file, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
socks = {}
for name in names:
    # An even port whose neighbour is free too: RTCP goes to port + 1, and landing on another
    # test's socket there would only confuse that test.
    for _ in range(100):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        if port % 2 == 0:
            socks[name] = s
            break
        s.close()
counts = {name: 0 for name in socks}
with open(ports_file + ".tmp", "w") as f:
    for name, s in socks.items():
        f.write(f"{name}={s.getsockname()[1]}\n")
os.rename(ports_file + ".tmp", ports_file)
deadline = time.time() + 120
by_fd = {s.fileno(): name for name, s in socks.items()}
while not os.path.exists(stop_file) and time.time() < deadline:
    ready, _, _ = select.select(list(socks.values()), [], [], 0.1)
    for s in ready:
        s.recvfrom(2048)
        counts[by_fd[s.fileno()]] += 1
with open(counts_file + ".tmp", "w") as f:
    for name, n in counts.items():
        f.write(f"{name}={n}\n")
os.rename(counts_file + ".tmp", counts_file)
