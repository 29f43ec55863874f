"""Answers arriving at the same moment, against the real server on a SQLite file: one ticket sent by
many threads is accepted once; many respondents at once are all accepted (no lost write, no
"database is locked")."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

PREPARE = """
import json, time
from junheng.web import commands
commands.setup()
commands.demo_accounts()
from junheng.web.models import Account
from junheng.web.survey import services
from junheng.web.survey.respond import issue_ticket
acc = Account.objects.get(user__username="jyj")
year = acc.county.years.order_by("-year").first().year
survey = services.create_survey(acc, year, {"residents_城区": "300000", "residents_镇区": "120000"})
survey.min_seconds_per_item = 0
survey.save()
link = survey.links.filter(group="parent", quota__gt=0).first()
print(json.dumps({"token": link.token, "ticket": issue_ticket(link, "e" * 32, time.time() - 600)}))
"""


def _request(port: int, path: str, cookies: dict, body: str | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode()
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key] = rest.split(";")[0]
    conn.close()
    return response.status, text


def _form(port: int, token: str, cookies: dict) -> dict[str, str]:
    """Open the form as a phone does and fill it in as a satisfied parent (S06 不存在, S07 适中)."""
    status, page = _request(port, f"/survey/r/{token}/", cookies)
    assert status == 200
    data = {"ticket": re.search(r'name="ticket" value="([^"]+)"', page).group(1), "grade": "5"}
    for name in set(re.findall(r'type="radio" name="(S\d+)"', page)):
        data[name] = "0"
    data.update(S06="1", S07="2")
    return data


def _at_once(count: int, work) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        prepared = work(n, None)
        barrier.wait()
        results.append(work(n, prepared))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_simultaneous_answers_on_the_real_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["JUNHENG_DATA"] = str(tmp_path)
    prepared = subprocess.run([sys.executable, "-c", PREPARE], env=env, capture_output=True, text=True, check=True)
    link = json.loads(prepared.stdout.strip().splitlines()[-1])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", f"from junheng.web.commands import serve; serve('127.0.0.1', {port})"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                _request(port, "/login/", {})
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not answer")
        path = f"/survey/r/{link['token']}/"

        def stuffer(n: int, prepared):
            if prepared is None:
                cookies: dict = {}
                return cookies, {**_form(port, link["token"], cookies), "ticket": link["ticket"]}
            cookies, data = prepared
            return _request(port, path, cookies, urllib.parse.urlencode(data))[0]

        assert sorted(_at_once(6, stuffer)) == [200, 403, 403, 403, 403, 403]

        def respondent(n: int, prepared):
            if prepared is None:
                cookies: dict = {}
                data = _form(port, link["token"], cookies)
                data["S01"] = str(n % 2)  # not all identical: the duplicate rule stays out of it
                data["S02"] = str(n // 2 % 3)
                return cookies, data
            cookies, data = prepared
            return _request(port, path, cookies, urllib.parse.urlencode(data))[0]

        assert _at_once(12, respondent) == [200] * 12
    finally:
        server.terminate()
        server.wait(timeout=10)
    with sqlite3.connect(tmp_path / "junheng.sqlite3") as db:
        assert db.execute("select count(*) from survey_response").fetchone()[0] == 13
        assert db.execute("select sum(count) from survey_rejection where reason = 'reused_ticket'").fetchone()[0] == 5
