"""The reviewer's landing page (各县汇总 roll-up), its Excel export and the region's cross-checks."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from junheng.digits import ascii_int

from .. import audit
from ..access import visible_counties
from ..models import Account, Role
from .county_views import reviewer
from .crosscheck import KIND_ZH, cross_check
from .export import rollup_workbook
from .summaries import region_years, rollup


def region_title(acc: Account) -> str:
    return f"{'省' if acc.role == Role.PROVINCE else '市'}（行政区划 {acc.region_code}）"


def chosen_year(request: HttpRequest, years: list[int]) -> int | None:
    """``?year=`` when the region has opened it, else the latest; ``None`` when no county has a year."""
    text = request.GET.get("year", "")
    if text:
        year = ascii_int(text)
        if year not in years:
            raise Http404("本辖区没有县(区)开设这个年度")
        return year
    return years[0] if years else None


@reviewer
@require_GET
def rollup_view(request: HttpRequest, acc: Account) -> HttpResponse:
    counties = visible_counties(acc)
    years = region_years(counties)
    year = chosen_year(request, years)
    rows = rollup(counties, year) if year else []
    return render(request, "review/rollup.html", {
        "rows": rows, "year": year, "years": years, "region": region_title(acc), "county_count": len(rows),
        "passed": sum(1 for r in rows if r.passed), "failed": sum(1 for r in rows if r.passed is False)})


@reviewer
@require_GET
def export_view(request: HttpRequest, acc: Account) -> HttpResponse:
    counties = visible_counties(acc)
    year = chosen_year(request, region_years(counties))
    if year is None:
        raise Http404("本辖区还没有县(区)开设年度")
    rows = rollup(counties, year)
    body = rollup_workbook(rows, region_title(acc), year)
    audit.record(acc.user, "review.export", request=request, target=f"{acc.region_code} {year} 年度各县汇总",
                 summary=f"导出各县汇总（{len(rows)} 个县区）")
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"各县汇总-{acc.region_code}-{year}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@reviewer
@require_GET
def checks_view(request: HttpRequest, acc: Account) -> HttpResponse:
    counties = visible_counties(acc)
    years = region_years(counties)
    year = chosen_year(request, years)
    found = cross_check(acc, counties, year) if year else None
    kind = request.GET.get("kind", "")
    flags = found.flags if found else []
    by_kind = {k: sum(1 for f in flags if f["kind"] == k) for k in KIND_ZH}
    if kind in KIND_ZH:
        flags = [f for f in flags if f["kind"] == kind]
    return render(request, "review/checks.html", {
        "year": year, "years": years, "region": region_title(acc), "found": found, "flags": flags[:2000],
        "shown_all": len(flags) <= 2000, "total": len(flags), "kind": kind,
        "kinds": [(k, label, by_kind[k]) for k, label in KIND_ZH.items()]})
