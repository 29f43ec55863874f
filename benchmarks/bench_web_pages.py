"""Pages with long lists: a school at the room cap, the audit log with many entries, the
problem and effects lists and the API's lists with many problems.

Loads the demo county into a fresh data folder, gives one school the most rooms a school may
submit (``SCHOOL_MAX_ROOMS``; a 300,000-row upload is refused before it is stored), writes
``--entries`` audit entries and ``--problems`` problems (half of them closed), then times each
page in-process (Django's test client, so no server or network in the figures) and prints the
median of ``--repeat`` loads against the 1 s target, with the demo dashboard as the baseline
measured in the same run.

    python benchmarks/bench_web_pages.py [--entries 300000] [--problems 50000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def timed(client, url: str, repeat: int, headers=None, **params) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, params, headers=headers or {})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=300_000)
    parser.add_argument("--problems", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="junheng-bench-pages-") as data_dir:
        os.environ["JUNHENG_DATA"] = data_dir
        from junheng.web import commands

        commands.setup()
        commands.demo_accounts()
        from django.conf import settings
        from django.test import Client
        from django.utils import timezone

        from junheng.web.models import (
            Account,
            ApiToken,
            AuditEntry,
            CollectionYear,
            Problem,
            ProblemStatus,
            Status,
            Submission,
        )

        bureau = Account.objects.get(user__username="jyj")
        year = CollectionYear.objects.get().year
        sub = Submission.objects.select_related("school").order_by("school__code").first()
        room = {"room_type": "音乐", "area": 96.0}
        Submission.objects.filter(pk=sub.pk).update(rooms=[room] * settings.SCHOOL_MAX_ROOMS, status=Status.DRAFT)
        batch = [AuditEntry(actor_name="jyj", county=bureau.county, action=("problem.edit", "submission.save")[n % 2],
                            target=f"问题 #{n} {bureau.county.name}", summary="修改整改信息")
                 for n in range(args.entries)]
        started = time.perf_counter()
        AuditEntry.objects.bulk_create(batch, batch_size=5000)
        print(f"{args.entries:,} audit entries written in {time.perf_counter() - started:.1f} s")

        problems = [Problem(county=bureau.county, year=year, school=sub.school, source="inspection", key=f"b{n}",
                            item="G1", message=f"复评问题 {n}", closed_at=timezone.now() if n % 2 else None,
                            status=ProblemStatus.CLOSED if n % 2 else ProblemStatus.OPEN)
                    for n in range(args.problems)]
        Problem.objects.bulk_create(problems, batch_size=5000)
        print(f"{args.problems:,} problems written (half closed)")
        token = {"Authorization": f"Bearer {ApiToken.issue(bureau.user)}"}

        client = Client()
        client.force_login(bureau.user)
        baseline = timed(client, f"/{year}/dashboard/", args.repeat)
        rows = [
            (f"school form, {settings.SCHOOL_MAX_ROOMS} rooms", f"/{year}/schools/{sub.school.code}/", {}),
            ("school results", f"/{year}/schools/{sub.school.code}/results/", {}),
            ("audit log, first page", "/audit/", {}),
            ("audit log, page 3000", "/audit/", {"page": 3000}),
            ("audit log, filter kind + actor", "/audit/", {"kind": "problem", "actor": "jyj"}),
            ("audit log, filter target text", "/audit/", {"target": "问题 #12345 "}),
            ("problem list, first page", f"/{year}/problems/", {}),
            ("problem list, last page", f"/{year}/problems/", {"page": 10**6}),
            ("effects list, first page", f"/{year}/effects/", {}),
            ("effects list, last page", f"/{year}/effects/", {"page": 10**6}),
            ("API problems, first 100", "/api/problems", {"headers": token}),
            ("API problems, 1000 from the middle", "/api/problems",
             {"headers": token, "limit": 1000, "offset": args.problems // 2}),
            ("API audit, 1000 from the middle", "/api/audit",
             {"headers": token, "limit": 1000, "offset": args.entries // 2}),
        ]
        print(f"median of {args.repeat} loads; dashboard (baseline) {baseline * 1000:.0f} ms")
        for label, url, params in rows:
            took = timed(client, url, args.repeat, **params)
            print(f"  {label}: {took * 1000:.0f} ms = {took / baseline:.1f}× dashboard; "
                  f"1 s target {'met' if took < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
