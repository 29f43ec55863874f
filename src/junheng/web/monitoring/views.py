"""年度监测 pages: the county's year-on-year review list, the early warnings (a page and a small
fragment for the dashboard) and turning a warning into a problem."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..access import ALL_ROLES, COUNTY_ROLES, collection_year, require_role, school_for
from ..models import Account, Role
from ..services import WorkflowError
from . import warnings as early
from .trends import school_over_years
from .year_checks import county_review

DASHBOARD_WARNINGS = 5  # the dashboard lists the first few; the page lists them all


@require_role(*COUNTY_ROLES)
@require_GET
def changes_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    last_year, schools = county_review(cy.county_id, year)
    return render(request, "monitoring/changes.html", {"cy": cy, "year": year, "last_year": last_year,
                                                       "schools": schools})


def _rows(cy, snapshot) -> list[dict]:
    raised = early.raised_problems(cy)
    return [{**w, "problem": raised.get(w["key"])} for w in snapshot.warnings]


@require_role(*COUNTY_ROLES)
@require_GET
def warnings_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    snapshot = early.warnings_of(cy)
    return render(request, "monitoring/warnings.html", {
        "cy": cy, "year": year, "snapshot": snapshot, "warnings": _rows(cy, snapshot),
        "may_raise": acc.role == Role.BUREAU})


@require_role(*COUNTY_ROLES)
@require_GET
def dashboard_warnings(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    """The dashboard's warnings section, loaded after the page (htmx): the stored warnings of
    this revision, so the dashboard's own cached body is not held up by the trend."""
    cy = collection_year(acc, year)
    snapshot = early.warnings_of(cy)
    rows = _rows(cy, snapshot)
    return render(request, "monitoring/dashboard_warnings.html", {
        "year": year, "snapshot": snapshot, "warnings": rows[:DASHBOARD_WARNINGS], "total": len(rows),
        "may_raise": acc.role == Role.BUREAU})


@require_role(Role.BUREAU)
@require_POST
def raise_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    try:
        problem, made = early.to_problem(acc, cy, request.POST.get("key", ""), request)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("warnings", year=year)
    messages.success(request, f"已转为问题 #{problem.pk}" if made else f"该预警已是问题 #{problem.pk}，未重复创建")
    return redirect("problem", year=year, pk=problem.pk)


@require_role(*ALL_ROLES)
@require_GET
def school_trend(request: HttpRequest, acc: Account, year: int, code: str) -> HttpResponse:
    cy = collection_year(acc, year)
    school = school_for(acc, code)
    years, tables = school_over_years(school, year)
    warnings = [w for w in early.warnings_of(cy).warnings if w.get("school_code") == school.code]
    return render(request, "monitoring/school_trend.html", {"cy": cy, "year": year, "school": school, "years": years,
                                                            "tables": tables, "warnings": warnings})
