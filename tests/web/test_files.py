"""The engine's files (测算表, 问题清单, Word report) are built once per data revision, in the
background, and served as files (issue 10, defect 7)."""

from __future__ import annotations

import threading
import time
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from junheng.web.models import Account, Status, Submission
from junheng.web.reporting import files
from junheng.web.services import move_submission

pytestmark = pytest.mark.django_db(transaction=True)


def fetch_when_built(client: Client, url: str, seconds: float = 180):
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(url)
        if response.status_code != 202:
            return response
        assert "正在按当前审核通过的数据生成文件" in response.content.decode()
        assert time.monotonic() < deadline, "the file was never built"
        time.sleep(0.2)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_eight_report_downloads_at_once_build_one_file(live_world, monkeypatch):
    w = live_world
    writes = []
    real = files.ENGINE_FILES["report"]

    def counting_writer(evaluation, path):
        writes.append(threading.current_thread().name)
        real.writer(evaluation, path)

    monkeypatch.setitem(files.ENGINE_FILES, "report", files.EngineFile(counting_writer, real.suffix, real.label,
                                                                       real.content_type))
    url = reverse("download", args=[w.year, "report"])
    clients = []
    for _ in range(8):
        client = Client()
        client.force_login(w.bureau)
        clients.append(client)
    answers: list[int] = []
    threads = [threading.Thread(target=lambda c=c: answers.append(c.get(url).status_code)) for c in clients]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(answers)) in ([202], [200, 202])  # nobody waits for the build on the request
    assert time.monotonic() - started < 3
    response = fetch_when_built(clients[0], url)
    assert response.status_code == 200 and body(response)[:2] == b"PK"
    assert unquote(response["Content-Disposition"]).endswith(f"{w.county.name}{w.year}年度督导评估报告.docx")
    for client in clients:
        assert client.get(url).status_code == 200
    assert len(writes) == 1 and writes[0].startswith("junheng-build")

    # An accepted change is a new revision: a new file is built once, the old one is gone.
    sub = Submission.objects.select_related("school").get(school=w.school_a)
    Submission.objects.filter(pk=sub.pk).update(status=Status.SUBMITTED)
    sub.refresh_from_db()
    old = set(files.folder(w.cy).glob("*-report-*"))
    move_submission(Account.objects.get(user=w.bureau), sub, Status.ACCEPTED)
    assert clients[1].get(url).status_code == 202
    assert fetch_when_built(clients[1], url).status_code == 200
    assert len(writes) == 2
    assert not old & set(files.folder(w.cy).glob("*-report-*"))


def test_the_two_problem_lists_download_under_different_names(live_world):
    client = Client()
    client.force_login(live_world.bureau)
    names = {}
    for kind in ("problem-book", "problems", "measures"):
        response = fetch_when_built(client, reverse("download", args=[live_world.year, kind]))
        assert response.status_code == 200 and body(response)[:2] == b"PK"
        names[kind] = unquote(response["Content-Disposition"].split("''")[1])
    assert names["problem-book"].endswith("问题清单（测算结果）.xlsx")
    assert names["problems"].endswith("问题清单（整改进度）.xlsx")
    assert len(set(names.values())) == 3


def test_a_failed_build_says_so_and_can_be_retried(live_world, monkeypatch):
    real = files.ENGINE_FILES["measures"]

    def broken(evaluation, path):
        raise RuntimeError("磁盘已满")

    monkeypatch.setitem(files.ENGINE_FILES, "measures", files.EngineFile(broken, real.suffix, real.label,
                                                                         real.content_type))
    client = Client()
    client.force_login(live_world.bureau)
    url = reverse("download", args=[live_world.year, "measures"])
    response = fetch_when_built(client, url)
    assert response.status_code == 500 and "生成失败" in response.content.decode()
    monkeypatch.setitem(files.ENGINE_FILES, "measures", real)
    assert client.get(url + "?retry=1").status_code == 202
    assert fetch_when_built(client, url).status_code == 200
