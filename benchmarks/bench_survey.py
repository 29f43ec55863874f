"""Survey load: N respondents submitting within a minute, while the bureau watches the live page.

Starts ``junheng.web.commands.serve`` on 127.0.0.1 (Django's WSGI server, 8 worker threads) with the
demo county and a survey in a fresh SQLite data folder. Each respondent comes from its own loopback
address (127.0.x.y, so that the per-address rate limit stays as configured), opens its QR link
(GET: form, one-time ticket, device cookie), answers for the survey's minimum time plus 1–15 s and
submits (POST); the submissions are spread evenly over the window. One bureau session reloads the
live progress fragment every 3 s. All rules stay on.

    python benchmarks/bench_survey.py [--respondents 200] [--seconds 60]

Target: p95 of the submissions < 300 ms on 2 cores, every answer accepted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from bench_web import free_port, percentile, wait_until_up  # noqa: E402

RESIDENTS = {"residents_城区": "300000", "residents_镇区": "120000", "residents_乡村": "80000"}


def prepare(data_dir: str) -> tuple[int, list[tuple[str, str, int]], str, object]:
    """Demo county, a survey; returns (year, [(token, questionnaire, grade count)], bureau session)."""
    os.environ["JUNHENG_DATA"] = data_dir
    from junheng.web import commands

    commands.setup()
    commands.demo_accounts()
    from django.test import Client

    from junheng.web.models import Account
    from junheng.web.survey import services
    from junheng.web.survey.models import Survey

    acc = Account.objects.get(user__username="jyj")
    year = acc.county.years.order_by("-year").first().year
    survey = services.create_survey(acc, year, RESIDENTS)
    links = [(link.token, link.group, link.quota) for link in survey.links.filter(quota__gt=0)]
    client = Client()
    client.force_login(acc.user)
    return year, links, client.cookies["sessionid"].value, Survey.objects.get(pk=survey.pk)


class Respondent:
    def __init__(self, port: int, address: str, token: str, rng: random.Random):
        self.port, self.address, self.token, self.rng = port, address, token, rng
        self.cookies: dict[str, str] = {}

    def request(self, method: str, body: str | None = None) -> tuple[int, str, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30, source_address=(self.address, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn.request(method, f"/survey/r/{self.token}/", body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        elapsed = time.perf_counter() - start
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        conn.close()
        return response.status, text, elapsed

    def answers(self, page: str) -> dict[str, str]:
        """A mostly satisfied respondent: each item's options as listed, picked with a bias to the top."""
        data: dict[str, str] = {"ticket": re.search(r'name="ticket" value="([^"]+)"', page).group(1)}
        groups = _radio_groups(page)
        for name, values in groups.items():
            data[name] = self.rng.choice(values[:2] if self.rng.random() < 0.8 else values)
        items = [name for name in groups if name != "grade"]
        if len({data[name] for name in items}) == 1:  # a reader, not a straight-liner
            data[items[0]] = next(v for v in groups[items[0]] if v != data[items[0]])
        return data


def _radio_groups(page: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for name, value in re.findall(r'type="radio" name="([^"]+)" value="([^"]+)"', page):
        groups.setdefault(name, []).append(value)
    return groups


def run(port: int, links: list[tuple[str, str, int]], respondents: int, seconds: float, min_answer: float,
        session: str, year: int) -> dict:
    rng = random.Random(2024)
    tokens = rng.choices([t for t, _, _ in links], weights=[q for _, _, q in links], k=respondents)
    start = time.perf_counter() + min_answer + 16  # the first form is opened before the window starts
    submit_at = sorted(rng.uniform(0, seconds) for _ in range(respondents))
    posts, gets, failures = [], [], []
    lock = threading.Lock()

    def respondent(n: int) -> None:
        who = Respondent(port, f"127.0.{1 + n // 250}.{1 + n % 250}", tokens[n], random.Random(n))
        answer_time = min_answer + who.rng.uniform(1, 15)
        time.sleep(max(0.0, start + submit_at[n] - answer_time - time.perf_counter()))
        status, page, got = who.request("GET")
        time.sleep(max(0.0, start + submit_at[n] - time.perf_counter()))
        body = urllib.parse.urlencode(who.answers(page)) if status == 200 else ""
        status, reply, took = who.request("POST", body)
        with lock:
            gets.append(got)
            posts.append(took)
            if status != 200 or "提交成功" not in reply:
                failures.append((status, re.sub(r"\s+", " ", reply)[-200:]))

    live: list[float] = []
    stop = threading.Event()

    def bureau() -> None:
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            t0 = time.perf_counter()
            conn.request("GET", f"/survey/{year}/live/", headers={"Cookie": f"sessionid={session}"})
            conn.getresponse().read()
            live.append(time.perf_counter() - t0)
            conn.close()
            stop.wait(3)

    threads = [threading.Thread(target=respondent, args=(n,)) for n in range(respondents)]
    watcher = threading.Thread(target=bureau)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    watcher.join()
    return {"posts": posts, "gets": gets, "failures": failures, "live": live,
            "window": max(submit_at) - min(submit_at)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60, help="window in which the answers are submitted")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="junheng-bench-survey-") as data_dir:
        year, links, session, survey = prepare(data_dir)
        from junheng.web.survey.respond import min_seconds
        from junheng.web.survey.tally import questionnaires_of

        min_answer = max(min_seconds(survey, q) for q in questionnaires_of(survey).values())
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", f"from junheng.web.commands import serve; serve('127.0.0.1', {port})"],
            env={**os.environ, "JUNHENG_DATA": data_dir}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/login/", server)
            print(f"survey, demo county, {os.cpu_count()} cores, {args.respondents} respondents submitting within "
                  f"{args.seconds:g} s (each answers for at least {min_answer} s, all rules on)", flush=True)
            result = run(port, links, args.respondents, args.seconds, min_answer, session, year)
        finally:
            server.terminate()
            server.wait(timeout=10)
        from junheng.web.survey.tally import state_of

        state = state_of(survey)
        posts, failures = result["posts"], result["failures"]
        p95 = percentile(posts, 0.95)
        print(f"  submissions: {len(posts)} in {result['window']:.1f} s; p50 {statistics.median(posts) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms, p99 {percentile(posts, 0.99) * 1000:.1f} ms, max {max(posts) * 1000:.1f} ms; "
              f"p95 / 300 ms target = {p95 / 0.3:.2f} ({'met' if p95 < 0.3 else 'NOT met'})")
        print(f"  form pages: p50 {statistics.median(result['gets']) * 1000:.1f} ms, "
              f"p95 {percentile(result['gets'], 0.95) * 1000:.1f} ms")
        if result["live"]:
            print(f"  bureau live page ({len(result['live'])} loads): p95 {percentile(result['live'], 0.95) * 1000:.1f} ms")
        print(f"  stored: {state.table.valid} valid, {state.rejected_total} refused "
              f"({', '.join(f'{k} {v}' for k, v in state.rejected.items() if v) or 'none'}); {len(failures)} failed")
        for status, text in failures[:3]:
            print(f"    {status}: {text}", file=sys.stderr)
        if failures or state.table.valid != args.respondents:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
