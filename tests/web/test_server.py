"""``junheng serve`` for real: granian worker processes, the request-size limit before the body
is read, a dead worker started again, the health endpoint; ``junheng backup``."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def junheng(*args: str, data: Path) -> list[str]:
    return [sys.executable, "-c", "import sys; from junheng.cli import main; sys.exit(main())", *args]


def environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "JUNHENG_TEST_POSTGRES")}
    return {**env, "JUNHENG_DATA": str(data), "PYTHONPATH": SRC + os.pathsep + env.get("PYTHONPATH", "")}


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def health_with_one_retry(url: str) -> int:
    try:
        return urllib.request.urlopen(url + "/healthz", timeout=5).status
    except (ConnectionResetError, urllib.error.URLError):
        return urllib.request.urlopen(url + "/healthz", timeout=5).status


@pytest.fixture
def server(tmp_path):
    port = free_port()
    process = subprocess.Popen(junheng("serve", "--port", str(port), "--workers", "2", data=tmp_path),
                               env=environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)  # its own process group: no worker outlives the test
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(url + "/healthz", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.25)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail(process.stdout.read().decode(errors="replace"))
    yield process, port, url
    os.killpg(process.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(30)
    with contextlib.suppress(ProcessLookupError):  # a worker respawned after the kill test may not have been told to stop
        os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc").exists(), reason="worker processes are found through /proc")
def test_serve_runs_granian_workers_limits_bodies_and_restarts_a_dead_worker(server):
    process, port, url = server
    health = json.loads(urllib.request.urlopen(url + "/healthz").read())
    assert health == {"status": "ok"}
    workers = children(process.pid)
    assert len(workers) == 2

    # 300 MiB announced: refused from the headers, before a byte of the body is read.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        started = time.monotonic()
        s.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  b"Content-Length: 314572800\r\n\r\n" + b"x" * 4096)
        answer = s.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413") and "请求内容过大" in answer
    assert time.monotonic() - started < 5

    # A worker killed outright is replaced; the other one keeps answering meanwhile (a connection
    # the kernel had queued for the dead worker may be reset: granian's note on tcp_migrate_req).
    victim = sorted(workers)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = children(process.pid)
        if len(now) == 2 and victim not in now:
            break
        assert health_with_one_retry(url) == 200
        time.sleep(0.2)
    else:
        pytest.fail("the killed worker was not replaced")
    assert urllib.request.urlopen(url + "/login/", timeout=5).status == 200


def test_backup_archives_the_database_and_evidence(tmp_path):
    data = tmp_path / "data"
    (data / "media" / "evidence" / "1").mkdir(parents=True)
    (data / "media" / "evidence" / "1" / "整改照片.png").write_bytes(b"\x89PNG photo")
    env = environment(data)
    done = subprocess.run(junheng("users", "add", "jyj", "--role", "bureau", "--county", "清溪县", data=data),
                          input="Qingxi-test-2024\n", env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(junheng("backup", "--out", str(tmp_path / "backups"), data=data), env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    archives = list((tmp_path / "backups").glob("junheng-backup-*.tar.gz"))
    assert len(archives) == 1 and str(archives[0]) in done.stdout
    with tarfile.open(archives[0]) as tar:
        names = tar.getnames()
        assert "media/evidence/1/整改照片.png" in names
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert manifest["evidence_files"] == 1
        tar.extract("database/junheng.sqlite3", tmp_path / "restored", filter="data")
    import sqlite3

    restored = sqlite3.connect(tmp_path / "restored" / "database" / "junheng.sqlite3")
    assert restored.execute("select username from auth_user").fetchall() == [("jyj",)]
    restored.close()


@pytest.mark.django_db(transaction=True)
def test_backup_of_the_configured_database(live_world, tmp_path, settings):
    """The same command on the database the tests run on (pg_dump when it is PostgreSQL)."""
    from django.db import connection

    from junheng.web.commands import backup

    settings.MEDIA_ROOT = tmp_path / "media"
    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        dump = next(n for n in tar.getnames() if n.startswith("database/"))
        tar.extract(dump, tmp_path, filter="data")
    if connection.vendor == "postgresql":
        listed = subprocess.run(["pg_restore", "--list", str(tmp_path / dump)], capture_output=True, text=True)
        assert listed.returncode == 0 and "junheng_problem" in listed.stdout
    else:
        import sqlite3

        copy = sqlite3.connect(tmp_path / dump)
        assert copy.execute("select count(*) from junheng_school").fetchone()[0] == 4
        copy.close()
