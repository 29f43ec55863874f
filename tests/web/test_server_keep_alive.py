"""``junheng serve`` under browsers that keep their connections open between page loads: they
may not keep other users from being answered. Real sockets against the real server.

(Slow request bodies are the reverse proxy's to cut off: README 生产部署, nginx
``client_body_timeout`` with request buffering; granian 2.8 has no body timeout and its WSGI
body reads cannot be abandoned.)"""

from __future__ import annotations

import socket
import time
import urllib.request

from test_server import server  # noqa: F401  (the fixture: junheng serve --workers 2)

from junheng.web.commands import THREADS_PER_WORKER


def healthz_seconds(url: str) -> float:
    start = time.perf_counter()
    assert urllib.request.urlopen(url + "/healthz", timeout=20).status == 200
    return time.perf_counter() - start


def open_connections(port: int, n: int) -> list[socket.socket]:
    return [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]


def test_idle_keep_alive_connections_do_not_lock_out_other_users(server):  # noqa: F811
    _, port, url = server
    held = open_connections(port, 4 * 2 * THREADS_PER_WORKER)  # far more than the server's threads
    try:
        for s in held:  # each a browser that loaded one page and keeps the connection
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b" 200 " in s.recv(4096).split(b"\r\n", 1)[0]
        assert healthz_seconds(url) < 5
    finally:
        for s in held:
            s.close()
