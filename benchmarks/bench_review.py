"""The reviewers' roll-up (各县汇总) of a province: 120 counties, 15,000 schools, 5 years.

Fills a fresh data folder with a province (code 33): 120 counties in 12 cities, 125 schools each,
five collection years of accepted submissions (75,000, the demo county's school values), about 20
problems per county and year, and each county's stored official result of the latest year (the
demo county's evaluation, its verdict reasons varied so that the order matters). Then times, in
process (Django's test client, no server or network), the median of ``--repeat`` loads of:

* the province reviewer's roll-up on its first visit (each county's summary cut from its stored
  result once) and after (stored summaries: the steady state the 1 s target is for);
* a city reviewer's roll-up (10 counties) and a reviewer of a one-county prefix: the baseline;
* the Excel export of the province;
* the province's cross-checks (this year's and last year's 15,000 schools each): first visit
  (computed and stored for the counties' revisions; ``--repeat`` times from nothing stored, best,
  median and worst printed: the machine may be shared), after, and after one county's data changed
  (that county's checks computed again, the others' read).

    python benchmarks/bench_review.py [--repeat 5] [--counties 120] [--schools 125] [--years 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def timed(client, url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def build(counties: int, schools_each: int, years: int) -> int:
    """The province; returns the latest year."""
    import copy

    from django.db import transaction

    from junheng.demo import demo_dataset
    from junheng.evaluate import evaluate
    from junheng.schema import SCHOOLS
    from junheng.standards import load_standard
    from junheng.web.accounts.services import create_account
    from junheng.web.models import (
        CollectionYear,
        County,
        EvaluationSnapshot,
        Problem,
        ProblemStatus,
        Role,
        School,
        Status,
        Submission,
    )
    from junheng.web.results import json_rows

    dataset = demo_dataset()
    latest = int(dataset.schools.get_column("year").max())
    template = json_rows(SCHOOLS, dataset.schools)
    result = evaluate(dataset, load_standard("youzhi-2017")).to_dict()
    statuses = list(ProblemStatus.values)
    started = time.perf_counter()
    with transaction.atomic():
        made = County.objects.bulk_create([County(name=f"县{n:03d}", code=f"33{n // 10 + 1:02d}{n % 10 + 1:02d}", revision=1)
                                           for n in range(counties)])
        for county in made:
            schools = School.objects.bulk_create([School(county=county, code=f"{county.code}{s:04d}",
                                                         name=f"{county.name}第{s}学校") for s in range(schools_each)])
            CollectionYear.objects.bulk_create([CollectionYear(county=county, year=latest - y) for y in range(years)])
            Submission.objects.bulk_create([
                Submission(school=school, year=latest - y, status=Status.ACCEPTED,
                           values={**template[i % len(template)], "year": latest - y, "school_code": school.code,
                                   "school_name": school.name, "county_code": county.code, "county_name": county.name})
                for y in range(years) for i, school in enumerate(schools)], batch_size=2000)
            Problem.objects.bulk_create([
                Problem(county=county, year=latest - y, school=schools[p], key=f"bench|{p}", message="基准测试问题",
                        status=statuses[(p + county.id) % len(statuses)]) for y in range(years) for p in range(20)])
            varied = copy.deepcopy(result)
            main = varied["counties"][0]
            main.update(county_code=county.code, county_name=county.name)
            main["verdict"]["reasons"] = main["verdict"]["reasons"][: county.id % 8]
            main["verdict"]["pass"] = not main["verdict"]["reasons"]
            EvaluationSnapshot.objects.create(county=county, year=latest, official=True, revision=1, result=varied)
    print(f"province built in {time.perf_counter() - started:.0f} s: {counties} counties, "
          f"{counties * schools_each:,} schools, {counties * schools_each * years:,} submissions, "
          f"{Problem.objects.count():,} problems, {years} years")
    create_account("sheng", Role.PROVINCE, None, None, "Bench-pass-2024", region_code="33")
    create_account("shi", Role.CITY, None, None, "Bench-pass-2024", region_code="3301")
    County.objects.create(name="单县", code="990101")
    create_account("one", Role.PROVINCE, None, None, "Bench-pass-2024", region_code="99")
    return latest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--counties", type=int, default=120)
    parser.add_argument("--schools", type=int, default=125)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="junheng-bench-review-") as data_dir:
        os.environ["JUNHENG_DATA"] = data_dir
        from junheng.web import commands

        commands.setup()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from junheng.web.models import CollectionYear, County, School, Status, Submission

        latest = build(args.counties, args.schools, args.years)
        one = County.objects.get(code="990101")
        school = School.objects.create(county=one, code="9901010001", name="单县学校")
        source = Submission.objects.filter(year=latest).first()
        CollectionYear.objects.create(county=one, year=latest)
        Submission.objects.create(school=school, year=latest, status=Status.ACCEPTED, values=source.values)
        clients = {}
        for name in ("sheng", "shi", "one"):
            clients[name] = Client()
            clients[name].force_login(get_user_model().objects.get(username=name))
        clients["one"].get("/review/")  # its one county's result computed and stored: not part of the figure
        baseline = timed(clients["one"], "/review/", args.repeat)
        start = time.perf_counter()
        first = clients["sheng"].get("/review/")
        cold = time.perf_counter() - start
        assert first.status_code == 200 and first.content.decode().count("data-county=") == args.counties
        steady = timed(clients["sheng"], "/review/", args.repeat)
        city = timed(clients["shi"], "/review/", args.repeat)
        export = timed(clients["sheng"], f"/review/export/?year={latest}", args.repeat)
        from junheng.web.review.models import CountyCheck, CrossCheck

        cold_runs = []
        for _ in range(args.repeat):  # each a first visit: every county's checks computed and stored
            CountyCheck.objects.all().delete()
            CrossCheck.objects.all().delete()
            start = time.perf_counter()
            assert clients["sheng"].get("/review/checks/").status_code == 200
            cold_runs.append(time.perf_counter() - start)
        checks_cold = statistics.median(cold_runs)
        checks = timed(clients["sheng"], "/review/checks/", args.repeat)
        from junheng.web.results import bump_revision

        bump_revision(County.objects.get(code="330101").pk)
        start = time.perf_counter()
        assert clients["sheng"].get("/review/checks/").status_code == 200
        checks_one = time.perf_counter() - start
        print(f"median of {args.repeat} loads; one-county roll-up (baseline) {baseline * 1000:.0f} ms")
        print(f"  province cross-checks, first visit, {args.repeat} runs: best {min(cold_runs) * 1000:.0f} ms, "
              f"median {checks_cold * 1000:.0f} ms, worst {max(cold_runs) * 1000:.0f} ms")
        for label, took in ((f"province roll-up, {args.counties} counties, first visit (summaries cut)", cold),
                            (f"province roll-up, {args.counties} counties, stored summaries", steady),
                            ("city roll-up, 10 counties", city),
                            (f"province Excel export, {args.counties} counties", export),
                            ("province cross-checks, first visit (computed, stored)", checks_cold),
                            ("province cross-checks, stored", checks),
                            ("province cross-checks, one county changed", checks_one)):
            print(f"  {label}: {took * 1000:.0f} ms = {took / baseline:.1f}× baseline; "
                  f"1 s target {'met' if took < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
