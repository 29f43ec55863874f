"""The 达标规划 page: run the plan on the official data, read it, adopt its rows as 整改措施."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from junheng.digits import ascii_int
from junheng.plan import PlanError
from junheng.plan.actions import LEVER_ZH
from junheng.plan.costs import parse_budget
from junheng.plan.output import STATUS_ZH
from junheng.schema import STAGE_ZH
from junheng.web.access import COUNTY_ROLES, collection_year, require_role
from junheng.web.models import Account, Role
from junheng.web.services import WorkflowError

from . import services
from .models import CountyPlan

MAX_YEARS = 10


def _options(request: HttpRequest) -> tuple[Decimal | None, int, str]:
    try:
        budget = parse_budget(request.POST.get("budget", ""))
    except PlanError as exc:
        raise WorkflowError(str(exc)) from None
    try:
        years = int(request.POST.get("years") or 1)
    except ValueError:
        raise WorkflowError("规划年数须为 1 至 10 的整数") from None
    if not 1 <= years <= MAX_YEARS:
        raise WorkflowError("规划年数须为 1 至 10 的整数")
    return budget, years, request.POST.get("costs_yaml", "")


@require_role(*COUNTY_ROLES)
@require_http_methods(["GET", "POST"])
def plan_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    if request.method == "POST":
        if acc.role != Role.BUREAU:
            raise Http404("没有这个页面")
        try:
            budget, years, costs_yaml = _options(request)
            plan = services.run_plan(acc, cy, budget, years, costs_yaml, request)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return render(request, "planning/plan.html", _context(acc, cy, None, request.POST), status=400)
        return redirect(f"{request.path}?plan={plan.pk}")
    plan = None
    if (plan_pk := ascii_int(request.GET.get("plan", ""))) is not None:
        plan = CountyPlan.objects.filter(county=acc.county_id, year=year, pk=plan_pk).first()
    plan = plan or services.current_plan(cy)
    return render(request, "planning/plan.html", _context(acc, cy, plan, {}))


@require_role(Role.BUREAU)
@require_http_methods(["POST"])
def adopt_view(request: HttpRequest, acc: Account, year: int, pk: int) -> HttpResponse:
    cy = collection_year(acc, year)
    plan = CountyPlan.objects.filter(county=acc.county_id, year=year, pk=pk).first()
    if plan is None:
        raise Http404("没有这个规划")
    indexes = [i for i in map(ascii_int, request.POST.getlist("row")) if i is not None]
    if request.POST.get("all") == "1":
        indexes = list(range(len((plan.result or {}).get("actions", []))))
    try:
        version = int(request.POST.get("version", "-1"))
        count = services.adopt(acc, cy, plan, indexes, version, request)
        messages.success(request, f"已将 {count} 项措施写入问题清单的整改措施")
    except (WorkflowError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect(f"/{year}/plan/?plan={plan.pk}")


def _context(acc: Account, cy, plan: CountyPlan | None, form) -> dict:
    rows = []
    if plan is not None and plan.result:
        adopted = set(plan.adopted)
        for index, a in enumerate(plan.result.get("actions", [])):
            problem = services.problem_for_action(cy, a) if acc.role == Role.BUREAU and index not in adopted else None
            rows.append({"index": index, "a": a, "lever": LEVER_ZH[a["lever"]], "stage": STAGE_ZH.get(a["stage"] or "", ""),
                         "adopted": index in adopted, "problem": problem})
    result = plan.result if plan is not None else None
    return {"cy": cy, "year": cy.year, "plan": plan, "result": result, "rows": rows, "form": form,
            "status_zh": STATUS_ZH.get(result["status"]) if result else "",
            "gap_text": f"{result['gap']:.2%}" if result and result.get("gap") is not None else "",
            "lever_totals": [(LEVER_ZH[k], v) for k, v in (result or {}).get("by_lever", {}).items()],
            "cvs": [{**r, "stage_zh": STAGE_ZH[r["stage"]]} for r in (result or {}).get("cvs", [])],
            "stale": plan is None and services.stale(cy), "may_run": acc.role == Role.BUREAU}
