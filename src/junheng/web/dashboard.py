"""What the bureau dashboard (挂图作战) shows, read from the engine's ``to_dict()`` — no computing."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from junheng.schema import AREA_ZH, STAGE_ZH, outcome_zh, verdict_zh
from junheng.standards import percent_text

from .access import collection_year
from .models import Account, CollectionYear, County, Problem, ProblemStatus, School, Status, Submission
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
    year = CollectionYear._meta.db_table
    # rows + the sum of their versions: grows with every row created or updated (an update bumps
    # ``version``); plain SQL, as the ORM's compiling of it cost more than the query itself
    return (f"SELECT c.revision,"
            f" (SELECT COUNT(*) + COALESCE(SUM(s.version), 0) FROM {submission} s"
            f"  JOIN {school} sc ON sc.id = s.school_id WHERE sc.county_id = c.id AND s.year = %s),"
            f" (SELECT COUNT(*) + COALESCE(SUM(p.version), 0) FROM {problem} p"
            f"  WHERE p.county_id = c.id AND p.year = %s)"
            f" FROM {county} c JOIN {year} y ON y.county_id = c.id WHERE c.id = %s AND y.year = %s")


_STAMP_SQL: list[str] = []


def page_stamp(county_id: int, year: int) -> tuple[int, int, int] | None:
    """What the dashboard body is drawn from, in one small query: the county's data revision
    (bumped by every counted change, the result's only input), and the changes of the
    submissions (drafts do not bump the revision but count in the progress card) and of the
    problems (their statuses, in the rectification card). None when the county has no such year."""
    if not _STAMP_SQL:
        _STAMP_SQL.append(_stamp_sql())
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL[0], [year, year, county_id, year])
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]))


def _stamp_of(cy: CollectionYear) -> tuple[int, int, int]:
    stamp = page_stamp(cy.county_id, cy.year)
    if stamp is None:
        raise CollectionYear.DoesNotExist(cy.year)
    return stamp


def _keep_one(latest: str, key: str, html: str) -> None:
    """Store ``html`` under ``key`` as the only one of its kind (``latest`` names it): the one it
    replaces, of an older stamp, is never asked for again."""
    cache.set(key, html, 3600)
    replaced = cache.get(latest)
    if replaced and replaced != key:
        cache.delete(replaced)
    cache.set(latest, key, 3600)


def page_body(cy: CollectionYear, official: bool) -> tuple[SafeString, tuple[int, int, int]]:
    """The whole dashboard below the per-user header, rendered once per county, year, official /
    preview and :func:`page_stamp` — no part of it depends on who asks (any county role sees the
    same county page; the CSRF token, the user's name and messages are in the shell around it).

    The cache is each worker process's local memory: the key carries the revision read from the
    database on each request, so a worker can never serve a body of an older revision, and no
    cross-process invalidation is needed; each worker renders a revision once.
    """
    def key(stamp: tuple[int, int, int]) -> str:
        return f"dashboard-page:{cy.county_id}:{cy.year}:{int(official)}:" + ":".join(map(str, stamp))

    stamp = _stamp_of(cy)
    html = cache.get(key(stamp))
    if html is None:
        cy.county.revision = stamp[0]  # result_html keys its part by the revision read just now
        result = result_html(cy, official)  # may open the revision's problems: read the stamp again
        after = _stamp_of(cy)
        if after[0] == stamp[0]:  # the result part is still of this revision
            stamp = after
        # the cards are read after the stamp: at least as new as the key they are stored under
        html = render_to_string("web/dashboard_body.html", {
            "cy": cy, "year": cy.year, "official": official, "result_html": result,
            "progress": collection_progress(cy), "problem_counts": problem_counts(cy)})
        _keep_one(f"dashboard-page-latest:{cy.county_id}:{cy.year}:{int(official)}", key(stamp), html)
    return SafeString(html), stamp


# Stands for the CSRF token in a stored page, replaced by the request's own token when served;
# random per process, so no user's data can contain it.
_CSRF_MARK = "csrf" + secrets.token_hex(16)


def page(request: HttpRequest, acc: Account, year: int, official: bool) -> HttpResponse:
    """The whole dashboard page, stored per user and :func:`page_stamp`: a repeated load costs the
    session, the account and the stamp (three reads) and no rendering. The per-request parts stay
    per request: the CSRF token is put in on every load, and a page showing messages (which are
    shown once) is rendered and not stored. The user's name and role are in the key, so a
    renamed or re-roled account gets a new page."""
    stamp = page_stamp(acc.county_id, year)
    if stamp is None:
        raise Http404("该年度尚未开设")
    shown = list(messages.get_messages(request))  # read now: they are shown on this page only
    county_name = acc.county.name if acc.county else ""
    who = hashlib.sha256(f"{acc.role}\0{acc.user.username}\0{county_name}".encode()).hexdigest()[:16]
    view = f"{acc.county_id}:{year}:{int(official)}:{acc.user_id}"
    def key(stamp: tuple[int, int, int]) -> str:
        return f"dashboard-html:{view}:{':'.join(map(str, stamp))}:{who}"

    html = None if shown else cache.get(key(stamp))
    if html is None:
        cy = collection_year(acc, year)
        body, stamp = page_body(cy, official)  # the first look at a revision may change the stamp
        html = render_to_string("web/dashboard.html", {"cy": cy, "year": year, "csrf_token": _CSRF_MARK,
                                                       "body": body}, request)
        if not shown:  # stored under the body's stamp: the rest of the page is the user's (in the key)
            _keep_one(f"dashboard-html-latest:{view}", key(stamp), html)
    return HttpResponse(html.replace(_CSRF_MARK, get_token(request)))
