"""问题清单 → 整改 → 挂牌销号 → 成效清单, and inspectors' 复评反馈."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from .. import forms, services
from ..access import (
    ALL_ROLES,
    collection_year,
    problem_for,
    require_role,
    school_for,
    visible_problems,
    visible_schools,
)
from ..models import (
    Account,
    ProblemStatus,
    Role,
)
from ..paging import paged
from ..results import latest_state, result_of
from ..services import ConflictError, WorkflowError

# ── problems and rectification ────────────────────────────────────────────────────────────────


COUNTY_LEVEL = "county"  # the school filter's value for the county's own problems


@require_role(*ALL_ROLES)
@require_GET
def problems_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    result_of(cy, official=True)  # makes sure the list reflects the latest official evaluation
    problems = visible_problems(acc).filter(year=year)
    status, code = request.GET.get("status", ""), request.GET.get("school", "")
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    if code == COUNTY_LEVEL:
        problems = problems.filter(school__isnull=True)
    elif code:
        problems = problems.filter(school__code=code)
    if request.GET.get("overdue") == "1":
        problems = problems.filter(deadline__lt=timezone.localdate()).exclude(status=ProblemStatus.CLOSED)
    page, query = paged(request, problems)
    return render(request, "web/problems.html", {"cy": cy, "year": year, "problems": page.object_list,
                                                 "page": page, "query": query,
                                                 "status": status, "statuses": ProblemStatus.choices,
                                                 "school": code, "overdue": request.GET.get("overdue") == "1",
                                                 "schools": visible_schools(acc), "county_level": COUNTY_LEVEL})


@require_role(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def problem_view(request: HttpRequest, acc: Account, year: int, pk: int) -> HttpResponse:
    collection_year(acc, year)
    problem = problem_for(acc, pk)
    if problem.year != year:
        raise Http404("没有这个问题")
    typed, newer, error, status = None, [], "", 200
    if request.method == "POST":
        try:
            _problem_action(request, acc, problem)
            return redirect("problem", year=year, pk=pk)
        except ConflictError as exc:  # keep what the user typed, show what the other person saved
            problem = problem_for(acc, pk)
            typed, newer, error, status = _typed(request), forms.newer_values(exc.newer), str(exc), 409
            problem.version = exc.version
        except WorkflowError as exc:
            if request.POST.get("action") != "edit":
                messages.error(request, str(exc))
                return redirect("problem", year=year, pk=pk)
            typed, error, status = _typed(request), str(exc), 400
    moves = [{"to": to, "label": ProblemStatus(to).label} for to in problem.allowed_transitions(acc.role)]
    if acc.role == Role.INSPECTOR:
        moves = []
    may_edit = acc.role != Role.INSPECTOR and problem.status != ProblemStatus.CLOSED
    shown = typed or {"owner": problem.owner, "measure": problem.measure,
                      "deadline": problem.deadline.isoformat() if problem.deadline else ""}
    return render(request, "web/problem.html", {"year": year, "problem": problem, "moves": moves,
                                                "may_edit": may_edit, "evidence": problem.evidence.all(),
                                                "shown": shown, "newer": newer, "error": error}, status=status)


def _typed(request: HttpRequest) -> dict[str, str]:
    return {k: request.POST.get(k, "").strip() for k in ("owner", "measure", "deadline")}


def _problem_action(request: HttpRequest, acc: Account, problem) -> None:
    action = request.POST.get("action")
    version = forms.posted_version(request.POST)
    if action == "edit":
        deadline = request.POST.get("deadline", "").strip()
        try:
            deadline_date = dt.date.fromisoformat(deadline) if deadline else None
        except ValueError:
            raise WorkflowError(f"整改时限“{deadline}”不是有效日期") from None
        services.update_problem(acc, problem, {"owner": request.POST.get("owner", "").strip()[:50],
                                               "measure": request.POST.get("measure", "").strip(),
                                               "deadline": deadline_date}, request, version=version)
        messages.success(request, "整改信息已保存")
    elif action == "evidence":
        upload = request.FILES.get("file")
        if upload is None:
            raise WorkflowError("请选择佐证材料文件")
        services.add_evidence(acc, problem, upload, request.POST.get("note", "").strip()[:200], request)
        messages.success(request, "佐证材料已上传")
    elif action == "move":
        services.move_problem(acc, problem, request.POST.get("to", ""), request.POST.get("note", "").strip(), request,
                              version=version)
        messages.success(request, f"状态已改为“{problem.get_status_display()}”")
    else:
        raise WorkflowError("未知操作")


@require_role(*ALL_ROLES)
@require_GET
def evidence_download(request: HttpRequest, acc: Account, year: int, pk: int, evidence_id: int) -> FileResponse:
    problem = problem_for(acc, pk)
    evidence = problem.evidence.filter(pk=evidence_id).first()
    if evidence is None or problem.year != year:
        raise Http404("没有这个文件")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@require_role(Role.INSPECTOR, Role.BUREAU)
@require_http_methods(["GET", "POST"])
def finding_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    error = ""
    if request.method == "POST":
        code = request.POST.get("school", "")
        school = school_for(acc, code) if code else None
        try:
            problem = services.raise_finding(acc, cy, school, request.POST.get("item", ""),
                                             request.POST.get("message", ""), request)
            messages.success(request, "复评反馈已加入问题清单")
            return redirect("problem", year=year, pk=problem.pk)
        except WorkflowError as exc:
            error = str(exc)
    return render(request, "web/finding.html", {"year": year, "schools": visible_schools(acc), "error": error},
                  status=400 if error else 200)


@require_role(*ALL_ROLES)
@require_GET
def effects_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    result, _ = result_of(cy, official=True)
    page, query = paged(request, visible_problems(acc).filter(year=year, status=ProblemStatus.CLOSED))
    rows = [{"problem": p, "now": latest_state(p, result)} for p in page.object_list]
    return render(request, "web/effects.html", {"cy": cy, "year": year, "rows": rows, "page": page, "query": query})
