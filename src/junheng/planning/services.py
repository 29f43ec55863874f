"""Computing a plan once per data revision and options, and adopting its rows as 整改措施."""

from __future__ import annotations

import hashlib
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from junheng.plan import PlanError, load_costs, make_plan
from junheng.plan.output import plan_dict
from junheng.web import audit
from junheng.web.models import Account, CollectionYear, Problem, ProblemStatus, Role
from junheng.web.results import dataset_for, snapshot, standard_of
from junheng.web.services import WorkflowError, update_problem

from .models import CountyPlan

# The 问题清单 items an action answers, by the field it changes (the first open one found is used).
ITEMS_BY_FIELD = (("teachers_above_degree", ("L1",)), ("key_teachers", ("L2",)), ("pe_arts_teachers", ("L3", "L1")),
                  ("indoor_sports_area", ("L5", "L4")), ("teaching_area", ("L4",)), ("sports_field_area", ("L5",)),
                  ("equipment_value", ("L6",)), ("multimedia_rooms", ("L7",)), ("rooms", ("G3",)),
                  ("_classes", ("G5",)), ("_students", ("G4",)), ("training_funds", ("Q4",)))


def revision(cy: CollectionYear) -> str | None:
    """The county's data revision the official result was computed from (None: no data)."""
    snap = snapshot(cy, official=True)
    if snap.result is None:
        return None
    return f"r{snap.revision}"


def options_key(budget: Decimal | None, years: int, costs_yaml: str) -> str:
    text = f"{budget}|{years}|{costs_yaml.strip()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_plan(cy: CollectionYear) -> CountyPlan | None:
    """The latest plan computed for the current official data."""
    rev = revision(cy)
    return CountyPlan.objects.filter(county=cy.county_id, year=cy.year, revision=rev).first() if rev else None


def run_plan(acc: Account, cy: CollectionYear, budget: Decimal | None, years: int, costs_yaml: str,
             request: HttpRequest | None = None) -> CountyPlan:
    """The plan for these options on the current official data, computed only if not stored yet."""
    if acc.role != Role.BUREAU:
        raise PermissionDenied("仅教育局管理员可以编制达标规划")
    rev = revision(cy)
    if rev is None:
        raise WorkflowError("还没有审核通过的学校数据，无法编制规划")
    key = options_key(budget, years, costs_yaml)
    found = CountyPlan.objects.filter(county=cy.county_id, year=cy.year, revision=rev, options=key).first()
    if found is not None:
        return found
    result, error = None, ""
    try:
        costs = _costs(costs_yaml)
        plan = make_plan(dataset_for(cy, official=True), standard_of(cy.county), costs,
                         None if budget is None else float(budget), years, time_limit=60.0)
        result = plan_dict(plan)["plan"]
        result.pop("after", None)  # the full evaluation after the plan is in 'units' and 'cvs' already
    except PlanError as exc:
        raise WorkflowError(str(exc)) from None
    try:
        with transaction.atomic():
            stored = CountyPlan.objects.create(county=cy.county, year=cy.year, revision=rev, options=key, budget=budget,
                                               years=years, costs_yaml=costs_yaml, result=result, error=error,
                                               created_by=acc.user)
    except IntegrityError:  # computed by another request meanwhile
        return CountyPlan.objects.get(county=cy.county_id, year=cy.year, revision=rev, options=key)
    status = result["status"]
    outcome = "不可行" if status == "infeasible" else f"成本 {result['cost']:,.0f} 元"
    audit.record(acc.user, "plan.run", request=request, county=cy.county, target=f"{cy.year} 年度达标规划",
                 summary=f"编制达标规划：{outcome}",
                 after={"status": status, "cost": result.get("cost"), "budget": None if budget is None else str(budget),
                        "years": years})
    return stored


def _costs(costs_yaml: str):
    if not costs_yaml.strip():
        return load_costs()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "成本参数.yaml"
        path.write_text(costs_yaml, encoding="utf-8")
        return load_costs(path)


def problem_for_action(cy: CollectionYear, action: dict) -> Problem | None:
    """The open 问题清单 line this action answers, at the school the shortfall belongs to."""
    code = action["from_school_code"] if action["lever"] == "move_pupils" else action["school_code"]
    fields = [action["field"], *(c["field"] for c in action["changes"])]
    for suffix, items in ITEMS_BY_FIELD:
        if any(f.endswith(suffix) for f in fields):
            problems = Problem.objects.filter(county=cy.county_id, year=cy.year, school__code=code, item__in=items,
                                              source="evaluation").exclude(status=ProblemStatus.CLOSED)
            if action.get("stage") and items[0] in ("L1", "L2", "L3"):
                problems = problems.filter(stage=action["stage"])
            found = sorted(problems, key=lambda p: (items.index(p.item), p.pk))
            if found:
                return found[0]
    return None


def adopt(acc: Account, cy: CollectionYear, plan: CountyPlan, indexes: list[int], version: int,
          request: HttpRequest | None = None) -> int:
    """Append the actions' texts to the 整改措施 of the problems they answer; returns how many were adopted.

    A conditional update on the plan's version: a page showing an older state of the plan is refused.
    """
    if acc.role != Role.BUREAU:
        raise PermissionDenied("仅教育局管理员可以把规划转为整改措施")
    if plan.revision != revision(cy):
        raise WorkflowError("数据已更新，本规划已过期，请重新编制")
    actions = plan.result.get("actions", []) if plan.result else []
    adopted = 0
    with transaction.atomic():
        locked = CountyPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.version != version:
            raise WorkflowError("规划已被他人更新，请刷新页面后再操作")
        done = set(locked.adopted)
        for index in indexes:
            if index in done or not 0 <= index < len(actions):
                continue
            action = actions[index]
            problem = problem_for_action(cy, action)
            if problem is None:
                continue
            problem = Problem.objects.select_for_update().get(pk=problem.pk)
            line = f"【达标规划】{action['text']}（{action['cost']:,.0f} 元，第 {action['year']} 年）"
            if line not in problem.measure:
                update_problem(acc, problem, {"measure": (problem.measure + "\n" + line).strip()}, request)
            done.add(index)
            adopted += 1
        updated = CountyPlan.objects.filter(pk=plan.pk, version=version).update(adopted=sorted(done), version=version + 1)
        if not updated:
            raise WorkflowError("规划已被他人更新，请刷新页面后再操作")
    return adopted


def stale(cy: CollectionYear) -> bool:
    """True when a plan exists for this year but not for the current data revision."""
    return not current_plan(cy) and CountyPlan.objects.filter(county=cy.county_id, year=cy.year).exists()

