"""Dashboard latency under concurrent users, against the health check as the floor.

Starts ``junheng serve`` on 127.0.0.1 — the production server (granian worker processes) and,
for a ratio measured in the same run, Django's development server (``--dev``) — with the demo
county in a fresh data folder, signs in N bureau sessions, then N users fetch a page for a
bounded time and the script prints throughput and latency percentiles.

    python benchmarks/bench_web.py [--users 50] [--seconds 10] [--think 0] [--repeat 3]
                                   [--servers granian dev] [--workers 2] [--threads 4]

The load generator runs on the same machine and competes with the server for its cores. To keep
its share small it is one asyncio loop holding one keep-alive connection per user (as a browser
does), not a thread per user; and each run first loads ``/healthz`` (no session, no template,
one ``SELECT 1``) the same way: that floor is what this client and the server's HTTP layer
cost on this machine at this moment, and the dashboard's figures are printed against it.

``--think`` is the mean pause each user takes between two page loads (uniform between half and
one and a half times it, users starting at random moments within one pause); 0 = every user
reloads continuously, the harshest case. ``--repeat`` runs each measurement that many times
(the machine may be shared): the best run and the spread are printed. Target: p95 < 100 ms
with 50 users and no think time on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(data_dir: str, users: int) -> tuple[int, list[str]]:
    """Migrate, load the demo county and return its year and ``users`` signed-in session cookies."""
    os.environ["JUNHENG_DATA"] = data_dir
    from junheng.web import commands

    commands.setup()
    commands.demo_accounts()
    from django.test import Client

    from junheng.web.models import Account, CollectionYear

    bureau = Account.objects.get(user__username="jyj").user
    sessions = []
    for _ in range(users):
        client = Client()
        client.force_login(bureau)
        sessions.append(client.cookies["sessionid"].value)
    return CollectionYear.objects.get().year, sessions


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"server exited with status {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise SystemExit("server did not start")


class Connection:
    """One user's keep-alive HTTP/1.1 connection: a GET and its whole answer (Content-Length)."""

    def __init__(self, port: int, session: str):
        self.port, self.session = port, session
        self.reader = self.writer = None

    async def get(self, path: str, expect: bytes) -> float:
        request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                   f"Cookie: sessionid={self.session}\r\n\r\n").encode()
        start = time.perf_counter()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            self.writer.write(request)
            head = await self.reader.readuntil(b"\r\n\r\n")
            status = head.split(b" ", 2)[1]
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            body = await self.reader.readexactly(length)
        except BaseException:
            self.close()
            raise
        if b"connection: close" in head.lower():
            self.close()
        if status != b"200" or expect not in body:
            raise RuntimeError(f"unexpected answer {status.decode()} to {path}")
        return time.perf_counter() - start

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_users(port: int, path: str, expect: bytes, sessions: list[str], seconds: float,
                    think: float) -> tuple[list[float], int, list[int]]:
    """Every request's latency, the failures, and how many requests each user got answered."""
    latencies: list[float] = []
    errors = 0
    answered: list[int] = []
    deadline = time.perf_counter() + seconds

    async def user(session: str) -> None:
        nonlocal errors
        connection, pause = Connection(port, session), random.Random(session)
        await asyncio.sleep(pause.uniform(0, think))
        mine = 0
        while time.perf_counter() < deadline:
            try:
                latencies.append(await connection.get(path, expect))
                mine += 1
            except (OSError, RuntimeError, asyncio.IncompleteReadError, StopIteration, ValueError) as exc:
                errors += 1
                if errors == 1:
                    print(f"  a request failed: {exc!r}", file=sys.stderr)
            if think:
                await asyncio.sleep(pause.uniform(think / 2, think * 1.5))
        connection.close()
        answered.append(mine)

    await asyncio.gather(*(user(s) for s in sessions))
    return latencies, errors, answered


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--think", type=float, nargs="+", default=[0.0],
                        help="mean seconds each user waits between page loads; one run per value")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best and spread printed)")
    parser.add_argument("--servers", nargs="+", choices=["granian", "dev"], default=["granian"],
                        help="granian: junheng serve (production); dev: junheng serve --dev (runserver)")
    parser.add_argument("--workers", type=int, default=None, help="granian worker processes (default: serve's)")
    parser.add_argument("--threads", type=int, default=None, help="granian threads per worker (default: serve's)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="junheng-bench-web-") as data_dir:
        year, sessions = prepare(data_dir, args.users)
        print(f"demo county, {os.cpu_count()} cores (shared: load average {os.getloadavg()[0]:.1f} before), "
              f"{args.users} users, {args.seconds:g} s per run, best of {args.repeat}")
        p95s = {}
        for kind in args.servers:
            p95s[kind] = run_server(kind, data_dir, year, sessions, args)
        if "granian" in p95s and "dev" in p95s and all(p95s.values()):
            print(f"dashboard p95 at think {args.think[-1]:g} s, granian / runserver = "
                  f"{p95s['granian'] / p95s['dev']:.2f}")


def run_server(kind: str, data_dir: str, year: int, sessions: list[str], args) -> float | None:
    port = free_port()
    env = {**os.environ, "JUNHENG_DATA": data_dir}
    call = (f"serve('127.0.0.1', {port}, dev={kind == 'dev'}, workers={args.workers!r}, threads={args.threads!r})"
            if kind == "granian" else f"serve('127.0.0.1', {port}, dev=True)")
    server = subprocess.Popen([sys.executable, "-c", f"from junheng.web.commands import serve; {call}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    p95 = None
    dashboard = f"/{year}/dashboard/"
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)

        async def alone() -> list[float]:
            connection = Connection(port, sessions[0])
            times = [await connection.get(dashboard, b"unit-grid") for _ in range(30)]  # computes the evaluation
            connection.close()
            return times

        print(f"{kind}: one user alone: dashboard median {statistics.median(asyncio.run(alone())[10:]) * 1000:.1f} ms")
        for think in args.think:
            floor = measure(port, "/healthz", b'"ok"', sessions, think, args)
            best = measure(port, dashboard, b"unit-grid", sessions, think, args)
            report("health check (floor)", think, floor)
            report("dashboard", think, best)
            if floor and best:
                (rate, _, p95, *_), (floor_rate, _, floor_p95, *_) = best[0], floor[0]
                print(f"  think {think:g} s: dashboard / floor: p95 {p95 / floor_p95:.1f}×, "
                      f"throughput {rate / floor_rate:.2f}×; dashboard p95 / 100 ms target = {p95 / 0.1:.2f} "
                      f"({'met' if p95 < 0.1 else 'NOT met'})")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return p95


def measure(port: int, path: str, expect: bytes, sessions: list[str], think: float, args):
    """``--repeat`` runs: (req/s, p50, p95, p99, errors, mean, max, fewest and most answers a user
    got) of each run, the best p95 first."""
    runs = []
    for _ in range(args.repeat):
        latencies, errors, answered = asyncio.run(run_users(port, path, expect, sessions, args.seconds, think))
        if latencies:
            runs.append((len(latencies) / args.seconds, percentile(latencies, 0.5), percentile(latencies, 0.95),
                         percentile(latencies, 0.99), errors, statistics.fmean(latencies), max(latencies),
                         min(answered), max(answered)))
        else:
            print(f"  {path}: no successful request ({errors} errors)")
    return sorted(runs, key=lambda r: r[2]) or None


def report(label: str, think: float, runs) -> None:
    if not runs:
        return
    rate, p50, p95, p99, errors, mean, slowest, fewest, most = runs[0]
    spread = ", ".join(f"{r[2] * 1000:.0f}" for r in sorted(runs, key=lambda r: r[2]))
    print(f"  think {think:g} s, {label}: best {rate:.0f} req/s, p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, mean {mean * 1000:.1f} ms, max {slowest * 1000:.0f} ms, {errors} failed; "
          f"answers per user {fewest}–{most}; p95 of each run {spread} ms; "
          f"req/s {min(r[0] for r in runs):.0f}–{max(r[0] for r in runs):.0f}")


if __name__ == "__main__":
    main()
