"""Trend and early warning on the web (issue 13): the engine's warnings over the county's accepted
years, stored once per data revision, on a page and the dashboard, turned into a problem once —
and a warning of years 1–2 that comes true in year 3."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse
from test_concurrency import in_threads

from junheng.web.models import CollectionYear, Problem
from junheng.web.monitoring.models import WarningSnapshot
from junheng.web.monitoring.warnings import warnings_of
from junheng.web.results import bump_revision, result_of
from junheng.web.services import import_county

AREA = 4.5 * 1050  # 小学 L4 (生均教学及辅助用房面积 4.5 ㎡) holds up to 1,050 pupils
PUPILS = {2023: 1000, 2024: 1040, 2025: 1080}


def year_of(dataset, year: int, code: str):
    """The four-school county in ``year``: school ``code``'s 小学 enrolment rises, its building does not."""
    changed = pl.col("school_code") == code
    schools = dataset.schools.with_columns(
        pl.lit(year).alias("year"),
        pl.when(changed).then(pl.lit(PUPILS[year])).otherwise(pl.col("primary_students")).alias("primary_students"),
        pl.when(changed).then(pl.lit(AREA)).otherwise(pl.col("teaching_area")).alias("teaching_area"))
    return replace(dataset, schools=schools, rooms=dataset.rooms.with_columns(pl.lit(year).alias("year")),
                   county=dataset.county.with_columns(pl.lit(year).alias("year")),
                   monitoring=dataset.monitoring.with_columns(pl.lit(year).alias("year")))


def two_years(small_dataset, new_world):
    code = small_dataset.schools["school_code"][1]  # a 小学
    w = new_world(year_of(small_dataset, 2023, code))
    import_county(year_of(small_dataset, 2024, code), 2024, w.county)
    return w, code, CollectionYear.objects.get(county=w.county, year=2024)


def l4_unit(result: dict, code: str) -> dict:
    return next(u for u in result["units"] if u["school_code"] == code and u["stage"] == "primary")["indicators"]["L4"]


@pytest.mark.django_db
def test_a_warning_of_years_one_and_two_comes_true_in_year_three(small_dataset, new_world, login):
    w, code, cy = two_years(small_dataset, new_world)
    client = login(w.bureau)
    html = client.get(reverse("warnings", args=[2024])).content.decode()
    assert "2023、2024 年度" in html
    cv_table = html[html.index('id="cv-series"'):]
    assert cv_table.count("<tr>") > 1 and "0." in cv_table  # the county's CVs, year by year
    assert "在校生达到 1051 人即低于标准" in html and "L4" in html and "2023：4.725；2024：4.543" in html
    snapshot = warnings_of(cy)
    warning = next(x for x in snapshot.warnings if x["school_code"] == code and x["item"] == "L4")
    assert warning["year"] == 2025 and warning["trigger_students"] == 1051
    assert (warning["resource_needed"], warning["resource_shortfall"], warning["projected_students"]) == (4860, 135, 1080)
    trigger = html[html.index('class="trigger"'):]
    assert trigger.index("在校生 1051 人（预计 1080 人）") < trigger.index("须有教学及辅助用房 4860 ㎡，现有 4725.00，缺 135 ㎡") \
        < trigger.index("</td>")
    assert l4_unit(result_of(cy)[0], code)["met"] is True  # it passes now

    response = client.post(reverse("warning_raise", args=[2024]), {"key": warning["key"]})
    problem = Problem.objects.get(source="warning")
    assert response.status_code == 302 and response.url == reverse("problem", args=[2024, problem.pk])
    assert (problem.school.code, problem.stage, problem.item, problem.year) == (code, "primary", "L4", 2024)
    assert problem.owner == f"{w.county.name}教育局" and not problem.blocking and "1051" in problem.message
    assert (problem.shortfall, problem.unit) == (135, "㎡")  # the area it will be short next year
    shown = client.get(response.url).content.decode()
    assert "来源：监测预警" in shown and "1051" in shown
    again = client.post(reverse("warning_raise", args=[2024]), {"key": warning["key"]}, follow=True)
    assert f"该预警已是问题 #{problem.pk}" in again.content.decode()
    assert Problem.objects.filter(source="warning").count() == 1
    school_view = login(w.user_b).get(reverse("problems", args=[2024])).content.decode()
    assert problem.message in school_view  # the school sees the warning about itself in its list
    client = login(w.bureau)

    # year 3: the enrolment went on rising as projected, and the warning comes true
    import_county(year_of(small_dataset, 2025, code), 2025, w.county)
    year3 = CollectionYear.objects.get(county=w.county, year=2025)
    assert l4_unit(result_of(year3)[0], code)["met"] is False
    assert Problem.objects.filter(year=2025, source="evaluation", school__code=code, stage="primary", item="L4").exists()
    listed = client.get(reverse("problems", args=[2025])).content.decode()
    assert "L4" in listed
    trend = client.get(reverse("school_trend", args=[2025, code])).content.decode()
    assert all(str(y) in trend for y in PUPILS) and ">4.72<" in trend and ">4.54<" in trend and ">4.38<" in trend
    assert all(f">{pupils}<" in trend for pupils in PUPILS.values())
    own = login(w.user_b)
    assert reverse("school_trend", args=[2025, code]) in own.get(reverse("school_results", args=[2025, code])).content.decode()
    assert own.get(reverse("school_trend", args=[2025, code])).status_code == 200
    assert own.get(reverse("school_trend", args=[2025, w.school_a.code])).status_code == 404


@pytest.mark.django_db
def test_warnings_are_computed_once_per_data_revision(small_dataset, new_world, login, django_assert_max_num_queries):
    w, code, cy = two_years(small_dataset, new_world)
    client = login(w.bureau)
    client.get(reverse("warnings", args=[2024]))
    assert WarningSnapshot.objects.count() == 1
    first = WarningSnapshot.objects.get()
    with django_assert_max_num_queries(12):  # the stored warnings are read, nothing is evaluated again
        fragment = client.get(reverse("warnings_dashboard", args=[2024])).content.decode()
    assert "1051" in fragment and 'id="dashboard-warnings"' in fragment and "转为问题" in fragment
    assert WarningSnapshot.objects.get().pk == first.pk
    bump_revision(w.county.id)  # a data change: the next request computes afresh, the stale one goes
    client.get(reverse("warnings_dashboard", args=[2024]))
    assert list(WarningSnapshot.objects.values_list("revision", flat=True)) == [first.revision + 1]
    dashboard = client.get(reverse("dashboard", args=[2024])).content.decode()
    assert reverse("warnings_dashboard", args=[2024]) in dashboard and 'hx-trigger="load"' in dashboard


@pytest.mark.django_db
def test_only_the_bureau_turns_warnings_into_problems(small_dataset, new_world, login):
    w, code, cy = two_years(small_dataset, new_world)
    key = warnings_of(cy).warnings[0]["key"]
    assert login(w.inspector).post(reverse("warning_raise", args=[2024]), {"key": key}).status_code == 403
    fragment = login(w.inspector).get(reverse("warnings_dashboard", args=[2024])).content.decode()
    assert "1051" in fragment and "转为问题" not in fragment  # inspectors see the warnings, the bureau acts
    assert login(w.user_a).get(reverse("warnings", args=[2024])).status_code == 403
    response = login(w.bureau).post(reverse("warning_raise", args=[2024]), {"key": "warning|forged"}, follow=True)
    assert "该预警已不在最新的预警列表中" in response.content.decode()
    assert not Problem.objects.filter(source="warning").exists()


@pytest.mark.django_db
def test_one_year_gives_no_warning_but_says_why(world, login):
    html = login(world.bureau).get(reverse("warnings", args=[world.year])).content.decode()
    assert "至少需要两个年度审核通过的数据" in html


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_problem(small_dataset, new_world):
    w, code, cy = two_years(small_dataset, new_world)
    key = next(x["key"] for x in warnings_of(cy).warnings if x["school_code"] == code)

    def click():
        client = Client()
        client.force_login(w.bureau)
        return client.post(reverse("warning_raise", args=[2024]), {"key": key}).status_code

    outcomes = in_threads(click, click, click)
    assert outcomes == [302, 302, 302], outcomes
    assert Problem.objects.filter(county=w.county, year=2024, key=key).count() == 1


@pytest.mark.django_db
def test_a_fault_of_the_trend_is_said_not_crashed(small_dataset, new_world, login, monkeypatch):
    from junheng.web.monitoring import warnings as early

    w, code, cy = two_years(small_dataset, new_world)

    def broken(evaluations):
        raise KeyError("stages")

    monkeypatch.setattr(early, "early_warnings", broken)
    client = login(w.bureau)
    fragment = client.get(reverse("warnings_dashboard", args=[2024]))
    assert fragment.status_code == 200 and "预警测算出错" in fragment.content.decode()
    assert "预警测算出错" in client.get(reverse("warnings", args=[2024])).content.decode()
