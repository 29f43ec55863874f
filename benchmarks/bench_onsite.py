"""实地督导 pages on a large county: the draw, the county's visit page (which draws again from the
record to show it reproduces), a school's checklist, its save, the findings and the 整改通知.

Loads the demo county scaled to ``--schools`` schools into a fresh data folder and times each
request in-process (Django's test client: no server or network in the figures), median of
``--repeat``, against the county's dashboard measured in the same run as the baseline. The
notice is timed twice: its first download builds the Word file, later ones serve it.

    python benchmarks/bench_onsite.py [--schools 600] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def median_time(repeat: int, request) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = request()
        times.append(time.perf_counter() - start)
        assert response.status_code in (200, 302), response.status_code
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="junheng-bench-onsite-") as data_dir:
        os.environ["JUNHENG_DATA"] = data_dir
        from junheng.web import commands

        commands.setup()
        from bench_report import scaled_county
        from django.test import Client

        from junheng.web.accounts.services import create_account
        from junheng.web.models import Role
        from junheng.web.onsite.models import SampledSchool, Visit
        from junheng.web.services import import_county

        data = scaled_county(args.schools)
        year = int(data.schools["year"][0])
        started = time.perf_counter()
        cy, count = import_county(data, year)
        print(f"{count} schools imported in {time.perf_counter() - started:.1f} s")
        inspector = create_account("bench-inspector", Role.INSPECTOR, cy.county, None, "Bench-onsite-2025").user
        client = Client()
        client.force_login(inspector)
        baseline = median_time(args.repeat, lambda: client.get(f"/{year}/dashboard/"))
        page = f"/onsite/{cy.county.pk}/{year}/"

        days = itertools.count(1)

        def draw_again():  # a new visit date each time: every request really draws and stores
            return client.post(page, {"visit_date": (dt.date(2025, 9, 1) + dt.timedelta(days=next(days))).isoformat(),
                                      "seed": "2025"})

        rows = [("draw and record (POST)", median_time(args.repeat, draw_again)),
                (f"visit page, {Visit.objects.count()} draws re-checked", median_time(args.repeat, lambda: client.get(page)))]
        sampled = SampledSchool.objects.filter(visit=Visit.objects.order_by("pk").first()).first()
        url = f"/onsite/s/{sampled.pk}/"
        area = next(i["reported"] for i in sampled.items if i["field"] == "teaching_area")
        rows.append(("checklist page", median_time(args.repeat, lambda: client.get(url))))

        versions = itertools.count(1)

        def save():  # each save on the version the previous one made
            return client.post(url, {"action": "save", "version": str(next(versions)), "seen-teaching_area": str(area / 2)})

        rows.append(("checklist save (POST)", median_time(args.repeat, save)))
        version = SampledSchool.objects.get(pk=sampled.pk).version
        rows.append(("generate findings (POST)", median_time(args.repeat, lambda: client.post(url, {
            "action": "findings", "version": str(version), "deadline": "2026-01-31", "issuer": "督导组"}))))
        start = time.perf_counter()
        first = client.get(f"{url}notice.docx")
        b"".join(first.streaming_content)
        rows.append(("notice, first download (builds)", time.perf_counter() - start))

        def download():
            response = client.get(f"{url}notice.docx")
            b"".join(response.streaming_content)
            return response

        rows.append(("notice, later downloads (file)", median_time(args.repeat, download)))
        print(f"{args.schools} schools; median of {args.repeat}; dashboard (baseline) {baseline * 1000:.0f} ms")
        for label, took in rows:
            print(f"  {label}: {took * 1000:.0f} ms = {took / baseline:.2f}× dashboard")


if __name__ == "__main__":
    main()
