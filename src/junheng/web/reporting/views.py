"""挂图作战 (the bureau dashboard) and the downloads: the engine's files per data revision and the
tracking lists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import dashboard
from ..access import (
    ALL_ROLES,
    COUNTY_ROLES,
    collection_year,
    require_role,
    visible_problems,
)
from ..models import (
    Account,
    ProblemStatus,
    Role,
)
from . import files, lists

# ── dashboard ─────────────────────────────────────────────────────────────────────────────────


@require_role(*COUNTY_ROLES)
def dashboard_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    return dashboard.page(request, acc, year, official=request.GET.get("preview") != "1")


# ── downloads ─────────────────────────────────────────────────────────────────────────────────


@require_role(*ALL_ROLES)
@require_GET
def download_view(request: HttpRequest, acc: Account, year: int, kind: str) -> HttpResponse:
    cy = collection_year(acc, year)
    if kind in ("problems", "effects"):
        problems = visible_problems(acc).filter(year=year)
        if kind == "effects":
            problems = problems.filter(status=ProblemStatus.CLOSED)
        return lists.problem_list(cy, problems, closed_only=kind == "effects")
    if acc.role == Role.SCHOOL:
        raise PermissionDenied("全县测算表和报告仅教育局和督导专家可以下载")
    if kind not in files.ENGINE_FILES:
        raise Http404("没有这种文件")
    return files.engine_file(request, cy, kind)


@require_role(*COUNTY_ROLES)
@require_GET
def reports_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    return render(request, "web/reports.html", {"cy": cy, "year": year, "outputs": lists.OUTPUT_LABELS})
