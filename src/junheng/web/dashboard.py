"""What the bureau dashboard (挂图作战) shows, read from the engine's ``to_dict()`` — no computing."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from junheng.schema import AREA_ZH, STAGE_ZH, outcome_zh, verdict_zh
from junheng.standards import percent_text

from .models import CollectionYear, County, Problem, ProblemStatus, School, Status, Submission
from .results import result_of


def verdict_class(passed: bool | None) -> str:
    return {True: "ok", False: "below", None: "unknown"}[passed]


def county_summary(result: dict) -> dict[str, Any] | None:
    if not result.get("counties"):
        return None
    county = result["counties"][0]
    areas = [{"id": k, "name": AREA_ZH.get(k, k), "pass": v.get("pass"), "word": outcome_zh(v),
              "css": verdict_class(v.get("pass"))} for k, v in county.get("areas", {}).items()]
    vetoes = [k for k, v in county.get("veto", {}).items() if v]
    verdict = county.get("verdict", {})
    return {"county": county, "areas": areas, "vetoes": vetoes, "pass": verdict.get("pass"),
            "word": verdict_zh(verdict.get("pass")), "css": verdict_class(verdict.get("pass")),
            "reasons": verdict.get("reasons", []),
            "floor": percent_text(county["unit_rule"]["floor_ratio"]) if "unit_rule" in county else None}


def cv_chart(result: dict) -> list[dict[str, Any]]:
    """Per 学段: each indicator's CV against its maximum, for the ECharts bars."""
    charts = []
    for county in result.get("counties", [])[:1]:
        for stage, data in county.get("stages", {}).items():
            indicators = data.get("indicators") or {}
            if not indicators:
                continue
            charts.append({
                "stage": stage, "stage_zh": STAGE_ZH.get(stage, stage),
                "ids": list(indicators),
                "cv": [v.get("cv") for v in indicators.values()],
                "cv_max": [v.get("cv_max") for v in indicators.values()],
                "pass": [v.get("cv_pass") for v in indicators.values()],
                "composite_cv": data.get("composite_cv"),
                "units": data.get("units"), "units_compliant": data.get("units_compliant"),
            })
    return charts


def cell_state(indicator: dict) -> str:
    if indicator.get("met"):
        return "ok"
    if indicator.get("floor_met"):
        return "floor"
    return "below" if indicator.get("met") is False else "unknown"


def unit_grid(result: dict, school_code: str | None = None) -> dict[str, Any]:
    """School × indicator rows (one per 学段 unit) with met / at floor / below for each cell."""
    units = [u for u in result.get("units", []) if school_code is None or u.get("school_code") == school_code]
    ids: list[str] = []
    for u in units:
        ids.extend(i for i in u.get("indicators", {}) if i not in ids)
    rows = []
    for u in sorted(units, key=lambda u: (u.get("stage", ""), u.get("school_code", ""))):
        cells = []
        for i in ids:
            ind = u.get("indicators", {}).get(i)
            cells.append({"id": i, "value": None if ind is None else ind.get("value"),
                          "standard": None if ind is None else ind.get("standard"),
                          "state": "unknown" if ind is None else cell_state(ind)})
        rows.append({"school_code": u.get("school_code"), "school_name": u.get("school_name"),
                     "stage_zh": STAGE_ZH.get(u.get("stage"), u.get("stage")), "students": u.get("students"),
                     "met_count": u.get("met_count"), "compliant": u.get("compliant"), "cells": cells})
    return {"ids": ids, "rows": rows}


def collection_progress(cy: CollectionYear) -> dict[str, Any]:
    schools = School.objects.filter(county=cy.county_id).count()
    by_status = dict(Submission.objects.filter(school__county=cy.county_id, year=cy.year)
                     .values_list("status").annotate(n=Count("id")))
    started = sum(by_status.values())
    rows = [{"status": s.value, "label": s.label, "count": by_status.get(s.value, 0)} for s in Status]
    rows.insert(0, {"status": "missing", "label": "未填报", "count": max(schools - started, 0)})
    accepted = by_status.get(Status.ACCEPTED, 0)
    return {"schools": schools, "rows": rows, "accepted": accepted,
            "percent": round(100 * accepted / schools) if schools else 0}


def problem_counts(cy: CollectionYear) -> list[dict[str, Any]]:
    by_status = dict(Problem.objects.filter(county=cy.county_id, year=cy.year)
                     .values_list("status").annotate(n=Count("id")))
    return [{"status": s.value, "label": s.label, "count": by_status.get(s.value, 0)} for s in ProblemStatus]


def year_trend(cy: CollectionYear) -> dict[str, Any]:
    """CVs and compliant units of every year of this county that has an official result."""
    years, series, compliant = [], {}, {}
    for other in CollectionYear.objects.filter(county=cy.county_id).order_by("year"):
        result, _ = result_of(other, official=True)
        if not result or not result.get("counties"):
            continue
        years.append(other.year)
        for stage, data in result["counties"][0].get("stages", {}).items():
            for ind, v in (data.get("indicators") or {}).items():
                series.setdefault(f"{STAGE_ZH.get(stage, stage)}{ind}", {})[other.year] = v.get("cv")
            compliant.setdefault(STAGE_ZH.get(stage, stage), {})[other.year] = data.get("units_compliant")
    return {
        "years": years,
        "cv": [{"name": k, "data": [v.get(y) for y in years]} for k, v in series.items()],
        "compliant": [{"name": k, "data": [v.get(y) for y in years]} for k, v in compliant.items()],
    }


def result_html(cy: CollectionYear, official: bool) -> SafeString:
    """The evaluation part of the dashboard, rendered once per data revision of the county.

    Rendering the school grid is the costly part of a dashboard request; it only changes when
    the county's data changes (the trend reads every year, and the revision is county-wide).
    """
    key = f"dashboard:{cy.county_id}:{cy.year}:{official}:{cy.county.revision}"  # read with cy, this request
    html = cache.get(key)
    if html is None:
        result, reason = result_of(cy, official)
        context = {"year": cy.year, "reason": reason}
        if result is not None:
            context.update(summary=county_summary(result), charts=cv_chart(result), grid=unit_grid(result),
                           trend=year_trend(cy), excluded=result.get("excluded", []))
        html = render_to_string("web/dashboard_result.html", context)
        cache.set(key, html, 3600)
    return SafeString(html)


def _stamp_sql() -> str:
    county, school = County._meta.db_table, School._meta.db_table
    submission, problem = Submission._meta.db_table, Problem._meta.db_table
    # rows + the sum of their versions: grows with every row created or updated (an update bumps
    # ``version``); plain SQL, as the ORM's compiling of it cost more than the query itself
    return (f"SELECT c.revision,"
            f" (SELECT COUNT(*) + COALESCE(SUM(s.version), 0) FROM {submission} s"
            f"  JOIN {school} sc ON sc.id = s.school_id WHERE sc.county_id = c.id AND s.year = %s),"
            f" (SELECT COUNT(*) + COALESCE(SUM(p.version), 0) FROM {problem} p"
            f"  WHERE p.county_id = c.id AND p.year = %s)"
            f" FROM {county} c WHERE c.id = %s")


_STAMP_SQL: list[str] = []


def page_stamp(cy: CollectionYear) -> tuple[int, int, int]:
    """What the dashboard body is drawn from, in one small query: the county's data revision
    (bumped by every counted change, the result's only input), and the changes of the
    submissions (drafts do not bump the revision but count in the progress card) and of the
    problems (their statuses, in the rectification card)."""
    if not _STAMP_SQL:
        _STAMP_SQL.append(_stamp_sql())
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL[0], [cy.year, cy.year, cy.county_id])
        row = cursor.fetchone()
    if row is None:
        raise County.DoesNotExist(cy.county_id)
    return int(row[0]), int(row[1]), int(row[2])


def page_body(cy: CollectionYear, official: bool) -> SafeString:
    """The whole dashboard below the per-user header, rendered once per county, year, official /
    preview and :func:`page_stamp` — no part of it depends on who asks (any county role sees the
    same county page; the CSRF token, the user's name and messages are in the shell around it).

    The cache is each worker process's local memory: the key carries the revision read from the
    database on each request, so a worker can never serve a body of an older revision, and no
    cross-process invalidation is needed; each worker renders a revision once.
    """
    def key(stamp: tuple[int, int, int]) -> str:
        return f"dashboard-page:{cy.county_id}:{cy.year}:{int(official)}:" + ":".join(map(str, stamp))

    stamp = page_stamp(cy)
    html = cache.get(key(stamp))
    if html is None:
        cy.county.revision = stamp[0]  # result_html keys its part by the revision read just now
        result = result_html(cy, official)  # may open the revision's problems: read the stamp again
        after = page_stamp(cy)
        if after[0] == stamp[0]:  # the result part is still of this revision
            stamp = after
        # the cards are read after the stamp: at least as new as the key they are stored under
        html = render_to_string("web/dashboard_body.html", {
            "cy": cy, "year": cy.year, "official": official, "result_html": result,
            "progress": collection_progress(cy), "problem_counts": problem_counts(cy)})
        cache.set(key(stamp), html, 3600)
        # one body per county, year and view in each worker: the one it replaces is never asked for again
        latest = f"dashboard-page-latest:{cy.county_id}:{cy.year}:{int(official)}"
        replaced = cache.get(latest)
        if replaced and replaced != key(stamp):
            cache.delete(replaced)
        cache.set(latest, key(stamp), 3600)
    return SafeString(html)
