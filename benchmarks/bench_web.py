"""Dashboard latency under concurrent users.

Starts ``junheng serve`` on 127.0.0.1 — the production server (granian worker processes) and,
for a ratio measured in the same run, Django's development server (``--dev``) — with the demo
county in a fresh data folder, signs in N bureau sessions, then N threads fetch the dashboard
for a bounded time and the script prints throughput and latency percentiles.

    python benchmarks/bench_web.py [--users 50] [--seconds 20] [--think 1 0] [--servers granian dev]

The load generator runs on the same machine and competes with the server for its cores: the
figures are an upper bound of what the server alone would take.

``--think`` is the mean pause each user takes between two page loads (uniform between half and
one and a half times it, users starting at random moments within one pause); 0 = every user
reloads continuously, the harshest case. Each think time given is one run. Target: p95 < 100 ms
on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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


def fetch(url: str, session: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        if response.status != 200 or b"unit-grid" not in body:
            raise RuntimeError(f"unexpected dashboard answer {response.status}")
    return time.perf_counter() - start


def run_users(url: str, sessions: list[str], seconds: float, think: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(session: str) -> None:
        nonlocal errors
        mine, failed = [], 0
        pause = random.Random(session)
        time.sleep(pause.uniform(0, think))
        while time.perf_counter() < deadline:
            try:
                mine.append(fetch(url, session))
            except (OSError, RuntimeError) as exc:
                failed += 1
                if failed == 1:
                    print(f"  a request failed: {exc!r}", file=sys.stderr)
            if think:
                time.sleep(pause.uniform(think / 2, think * 1.5))
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=user, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, nargs="+", default=[1.0, 0.0],
                        help="mean seconds each user waits between page loads; one run per value")
    parser.add_argument("--servers", nargs="+", choices=["granian", "dev"], default=["granian", "dev"],
                        help="granian: junheng serve (production); dev: junheng serve --dev (runserver)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="junheng-bench-web-") as data_dir:
        year, sessions = prepare(data_dir, args.users)
        print(f"dashboard, demo county, {os.cpu_count()} cores, {args.users} users, {args.seconds:g} s per run")
        p95s = {}
        for kind in args.servers:
            p95s[kind] = run_server(kind, data_dir, year, sessions, args)
        if "granian" in p95s and "dev" in p95s and all(p95s.values()):
            print(f"p95 at think {args.think[-1]:g} s, granian / runserver = {p95s['granian'] / p95s['dev']:.2f}")


def run_server(kind: str, data_dir: str, year: int, sessions: list[str], args) -> float | None:
    port = free_port()
    env = {**os.environ, "JUNHENG_DATA": data_dir}
    server = subprocess.Popen(
        [sys.executable, "-c", f"from junheng.web.commands import serve; serve('127.0.0.1', {port}, dev={kind == 'dev'})"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    p95 = None
    try:
        url = f"http://127.0.0.1:{port}/{year}/dashboard/"
        wait_until_up(f"http://127.0.0.1:{port}/login/", server)
        single = [fetch(url, sessions[0]) for _ in range(20)]  # also computes and caches the evaluation
        print(f"{kind}: one user alone: median {statistics.median(single[5:]) * 1000:.1f} ms")
        for think in args.think:
            p95 = report(think, *run_users(url, sessions, args.seconds, think), args.seconds)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    return p95


def report(think: float, latencies: list[float], errors: int, seconds: float) -> float | None:
    if not latencies:
        print(f"  think {think:g} s: no successful request ({errors} errors)")
        return None
    p95 = percentile(latencies, 0.95)
    print(f"  think {think:g} s: {len(latencies)} ok, {errors} failed, {len(latencies) / seconds:.0f} req/s; "
          f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
          f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms; "
          f"p95 / 100 ms target = {p95 / 0.1:.2f} ({'met' if p95 < 0.1 else 'NOT met'})")
    return p95


if __name__ == "__main__":
    main()
