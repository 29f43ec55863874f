"""``make_plan``: the least-cost 达标规划 of a county, proved by re-evaluating the planned data.

1. The data of the latest year is evaluated (the "before").
2. Fixed actions (G5 分班, G4 分流, Q4 经费; :mod:`junheng.plan.fixed`) are applied.
3. The integer program of :mod:`junheng.plan.model` is solved; every CV the solution leaves too
   high gets an outer-approximation cut and the program is solved again. When none is left, the
   plan is applied to the data and evaluated by the engine (:func:`junheng.evaluate.evaluate`); a
   CV the engine still fails gets a cut too. The plan returned is one the engine passes.
4. The naive plan (every shortfall filled on its own, no transfers) is costed beside it.
5. Over several years the actions are phased cheapest-first within the yearly budget, and the
   county is evaluated after each year.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from junheng.dataset import Dataset
from junheng.evaluate import Evaluation, evaluate
from junheng.plan import makers
from junheng.plan.actions import Action, apply_actions
from junheng.plan.costs import Costs, PlanError, load_costs
from junheng.plan.fixed import fixed_actions
from junheng.plan.levers import INDICATOR_IDS, UnitFacts, exact_resource, exact_share, needs
from junheng.plan.model import CV_MARGIN, PlanModel, SchoolFacts
from junheng.schema import STAGE_ZH
from junheng.standards import Params, Standard

MAX_ROUNDS = 60
# Cuts at the solutions (and at the cone's boundary) converge slowly once whole rooms and teachers
# bite; after TIGHTEN_AFTER rounds the new cuts aim at CV ≤ max·(1 − margin), the margin doubling from
# 0.1% up to MAX_MARGIN. The plan is still judged by the engine against the true maximum, and the lower
# bound reported is the one of the last program with exact cuts only.
TIGHTEN_AFTER = 12
MAX_MARGIN = 0.05
TARGET_ITEMS = ("G3", "G4", "G5", "G11", "Q4")


@dataclass
class Plan:
    status: str  # optimal | feasible | infeasible
    standard: Standard
    costs: Costs
    year: int
    years: int
    budget: float | None
    before: Evaluation
    actions: list[Action] = field(default_factory=list)
    after: Evaluation | None = None
    cost: float | None = None
    lower_bound: float | None = None
    gap: float | None = None
    naive_actions: list[Action] = field(default_factory=list)
    naive_cost: float | None = None
    naive_passes: bool = False
    min_cost: float | None = None  # without the budget, when the budget is too small
    binding: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    yearly: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rounds: int = 0
    cuts: int = 0
    seconds: float = 0.0

    @property
    def saving(self) -> float | None:
        if self.cost is None or self.naive_cost is None:
            return None
        return self.naive_cost - self.cost


def _year_only(dataset: Dataset, year: int) -> Dataset:
    def keep(frame: pl.DataFrame | None) -> pl.DataFrame | None:
        return None if frame is None else frame.filter(pl.col("year") == year)

    return replace(dataset, schools=keep(dataset.schools), rooms=keep(dataset.rooms), county=keep(dataset.county),
                   monitoring=keep(dataset.monitoring))


def failures(ev: Evaluation, targets: list[str]) -> list[str]:
    """What of the plan's targets the evaluation still fails: units, CVs and the per-school items."""
    out = []
    for county in ev.to_dict()["counties"]:
        name = county["county_name"]
        for stage, s in county["stages"].items():
            if not s.get("applicable"):
                continue
            if s["units_compliant"] < s["units"]:
                out.append(f"{name}{STAGE_ZH[stage]} {s['units'] - s['units_compliant']} 个评估单元未达标")
            for ind, e in s["indicators"].items():
                if e["cv_pass"] is not True:
                    out.append(f"{name}{STAGE_ZH[stage]}{ind} 差异系数 {e['cv']:.4f} 超过 {e['cv_max']:g}")
        items = {**county["areas"]["government"]["items"], **county["areas"]["quality"]["items"]}
        for item in targets:
            if items.get(item, {}).get("pass") is False:
                out.append(f"{name} {item} 未达标：{items[item]['note']}")
    return out


def failing_cvs(ev: Evaluation) -> list[tuple[str, str, str]]:
    return [(c["county_name"], stage, ind) for c in ev.to_dict()["counties"] for stage, s in c["stages"].items()
            if s.get("applicable") for ind, e in s["indicators"].items() if e["cv_pass"] is not True]


def _facts(ev: Evaluation, params: Params, costs: Costs) -> tuple[list[UnitFacts], dict[str, SchoolFacts], dict[str, dict]]:
    units, missing = [], []
    for row in ev.units.iter_rows(named=True):
        resource = {ind: exact_resource(ind, row, params) for ind in INDICATOR_IDS}
        if any(v is None for v in resource.values()):
            missing.append(row["school_name"])
            continue
        u = UnitFacts(len(units), row["school_code"], row["school_name"], row["county_name"], row["stage"],
                      row["students"], exact_share(row, params), resource, int(row["teachers"] or 0))
        u.need = needs(u, params)
        units.append(u)
    if missing:
        raise PlanError("以下学校资源数据缺失，无法规划（请先补齐数据）：" + "、".join(dict.fromkeys(missing)))
    g3 = {s["school_code"]: s["checks"].get("G3") for s in ev.to_dict()["schools"]}
    area = {r["school_code"]: r for r in ev.dataset.schools.select("school_code", "teaching_area", "sports_field_area")
            .iter_rows(named=True)}
    spare = int(costs["rooms.spare_per_school"])
    schools = {}
    for u in units:
        if u.school_code not in schools:
            check = g3.get(u.school_code)
            facts = area[u.school_code]
            schools[u.school_code] = SchoolFacts(u.school_code, u.school_name, u.county, float(facts["teaching_area"]),
                                                 float(facts["sports_field_area"] or 0),
                                                 check if check and check.get("pass") is not None else None, spare)
    exchange = {}
    if ev.dataset.county is not None:
        for row in ev.dataset.county.iter_rows(named=True):
            exchange[row["county_name"]] = {"eligible": row.get("exchange_eligible"), "exchanged": row.get("exchanged"),
                                            "exchanged_key": row.get("exchanged_key")}
            if row.get("exchanged_key") is None:
                exchange[row["county_name"]]["exchanged"] = None
    return units, schools, exchange


def _targets(ev: Evaluation, costs: Costs) -> list[str]:
    """The per-school and county items the plan must bring to a pass (those assessed in the data)."""
    out = []
    for county in ev.to_dict()["counties"]:
        items = {**county["areas"]["government"]["items"], **county["areas"]["quality"]["items"]}
        for item in TARGET_ITEMS:
            if items.get(item, {}).get("pass") is None:
                continue
            if item not in out:
                out.append(item)
    return out


# ── actions from a solution ───────────────────────────────────────────────────────────────────


def model_actions(model: PlanModel, values: np.ndarray, certified: dict[str, bool]) -> list[Action]:
    """The actions a solution of the integer program stands for."""
    c = model.costs
    actions = []
    inflow: dict[tuple, list] = defaultdict(list)
    outflow: dict[tuple, list] = defaultdict(list)
    for key, n in sorted(model.solution(values).items(), key=lambda kv: repr(kv[0])):
        lever = key[0]
        if lever in ("rec", "train", "in", "out"):
            u = model.units[key[1]]
            if lever == "rec":
                actions.append(makers.recruit(u.school_code, u.school_name, u.county, u.stage, key[2], n, c, certified))
            elif lever == "train":
                actions.append(makers.train(u.school_code, u.school_name, u.county, u.stage, n, c))
            else:
                (inflow if lever == "in" else outflow)[(u.county, u.stage, key[2])].append([u, n])
            continue
        s = model.schools[key[1]]
        if lever == "room":
            area = float(s.g3["music_min_area" if key[2] == "音乐" else "art_min_area"])
            actions.append(makers.room(s.code, s.name, s.county, key[2], key[3], n, area, c))
        else:
            actions.append(makers.facility(lever, s.code, s.name, s.county, n, c))
    for (county, stage, kind), receivers in inflow.items():
        donors = outflow.get((county, stage, kind), [])
        for receiver in receivers:  # pair receivers with donors of the same county, 学段 and kind
            while receiver[1] > 0 and donors:
                n = min(receiver[1], donors[0][1])
                r, d = receiver[0], donors[0][0]
                actions.append(makers.transfer((r.school_code, r.school_name), (d.school_code, d.school_name), county,
                                               stage, kind, n, c, certified))
                receiver[1] -= n
                donors[0][1] -= n
                if donors[0][1] == 0:
                    donors.pop(0)
    return actions


# ── the plan ──────────────────────────────────────────────────────────────────────────────────


def make_plan(dataset: Dataset, standard: Standard, costs: Costs | None = None, budget: float | None = None,
              years: int = 1, time_limit: float = 60.0, gap: float = 0.01) -> Plan:
    """The least-cost plan that brings every unit, every CV and G3/G4/G5 (and G11, Q4 where the data
    has them) to a pass, proved by re-evaluating the planned data with the same engine."""
    started = time.perf_counter()
    if standard.id != "youzhi-2017":
        raise PlanError("达标规划按优质均衡标准（youzhi-2017）编制，基本均衡不适用")
    if years < 1:
        raise PlanError(f"规划年数须为正整数，而不是 {years}")
    if budget is not None and (not math.isfinite(budget) or budget < 0):
        raise PlanError(f"预算须为非负金额（元），而不是 {budget}")
    costs = costs or load_costs()
    notes = []
    all_years = sorted(dataset.schools["year"].unique().to_list())
    year = all_years[-1]
    if len(all_years) > 1:
        notes.append(f"数据含 {len(all_years)} 个年度，按最新的 {year} 年度编制规划")
    dataset = _year_only(dataset, year)
    before = evaluate(dataset, standard)
    params = standard.at(year)
    targets = _targets(before, costs)
    plan = Plan("optimal", standard, costs, year, years, budget, before, targets=targets, notes=notes)
    if not before.units.height:
        raise PlanError("数据中没有评估单元，无法规划")
    if "G3" not in targets:
        notes.append("未提供专用教室数据，G3 未纳入规划")

    checks = {s["school_code"]: s["checks"] for s in before.to_dict()["schools"]}
    fixed, binding = fixed_actions(dataset.schools.to_dicts(), checks, params, costs)
    if not costs.enabled("transfer"):
        binding += [f"{c['county_name']} G11 交流轮岗未达标（未启用“交流调配教师”措施）" for c in before.to_dict()["counties"]
                    if c["areas"]["government"]["items"].get("G11", {}).get("pass") is False]
    plan.binding = binding  # what the fixed actions cannot do; the program may name more
    base = apply_actions(dataset, fixed)
    base_ev = evaluate(base, standard)
    certified = {r["school_code"]: r["certified_teachers"] is not None for r in base.schools.iter_rows(named=True)}

    units, schools, exchange = _facts(base_ev, params, costs)
    if "G11" not in targets:
        exchange = {k: {**v, "exchanged": None} for k, v in exchange.items()}
    fixed_cost = sum(a.cost for a in fixed)
    if budget is not None and fixed_cost > budget:
        plan.min_cost = fixed_cost
        return _infeasible(plan, plan.binding + [
            f"总预算 {budget:,.0f} 元不足：化解大班额、超规模与培训经费已需 {fixed_cost:,.0f} 元"], started)
    model_budget = None if budget is None else budget - fixed_cost
    model = PlanModel(units, schools, params, costs, years, exchange, model_budget).build()
    deadline = started + time_limit
    valid_bound = None  # the dual bound of the last program whose cuts all hold for CV ≤ max exactly
    margin = None  # after TIGHTEN_AFTER rounds, cuts aim a little inside the cone (see module docstring)
    for rounds in range(1, MAX_ROUNDS + 1):
        plan.rounds = rounds
        result = model.solve(max(1.0, deadline - time.perf_counter()), gap)
        if result.values is None:
            if result.status == "infeasible" and margin is None:
                return _diagnose(plan, model, costs, fixed_cost, started, time_limit, gap)
            if plan.binding:
                return _infeasible(plan, plan.binding, started)
            if result.status == "infeasible":
                break  # the tightened cuts left nothing: try the naive plan below
            raise PlanError("求解器在时限内未找到可行方案，请放宽时限（--time-limit）或检查数据")
        if plan.binding:  # the program alone is feasible, but the fixed part is not
            return _infeasible(plan, plan.binding, started)
        if margin is None:
            valid_bound = result.bound
        if rounds >= TIGHTEN_AFTER:
            margin = min(MAX_MARGIN, (margin or CV_MARGIN) * 2 if margin else 1e-3)
        if model.violated_cuts(result.values, margin):
            model.cone_slow(result.values, rounds)
            continue
        actions = fixed + model_actions(model, result.values, certified)
        after = evaluate(apply_actions(dataset, actions), standard)
        failing = failing_cvs(after)
        if failing:
            model.cut_failing(failing, result.values)
            continue
        plan.status, plan.actions, plan.after = result.status, actions, after
        plan.cost = sum(a.cost for a in actions)
        plan.lower_bound = min(plan.cost, valid_bound + fixed_cost)
        plan.gap = 0.0 if plan.cost <= 0 else (plan.cost - plan.lower_bound) / plan.cost
        if margin is not None:
            plan.status = "feasible" if plan.gap > gap else plan.status
            plan.notes.append(f"差异系数约束经 {rounds} 轮切平面迭代收敛（后期略向内收紧），下界取自未收紧的模型")
        break
    plan.lower_bound = plan.lower_bound if plan.after is not None else (
        None if valid_bound is None else valid_bound + fixed_cost)
    plan.cuts = len([r for r in model.milp.rows if "差异系数" in r[3]])

    from junheng.plan.naive import naive_plan

    plan.naive_actions, plan.naive_passes = naive_plan(dataset, base_ev, fixed, standard, params, costs, years, targets)
    plan.naive_cost = sum(a.cost for a in plan.naive_actions)
    if plan.after is None:  # no verified plan from the program
        if not plan.naive_passes or (budget is not None and plan.naive_cost > budget):
            raise PlanError(f"差异系数切平面迭代 {plan.rounds} 轮未得到经复核达标的方案")
        plan.status, plan.cost = "feasible", math.inf
        plan.notes.append("切平面迭代未收敛，采用逐项补齐的方案（经复核达标），未证明最优")
    if plan.naive_passes and plan.naive_cost < plan.cost and (budget is None or plan.naive_cost <= budget):
        # Only within the solver's gap: keep the cheaper of the two proven plans.
        plan.actions, plan.cost = plan.naive_actions, plan.naive_cost
        plan.after = evaluate(apply_actions(dataset, plan.actions), standard)
        plan.lower_bound = min(plan.lower_bound if plan.lower_bound is not None else 0.0, plan.cost)
        plan.gap = 0.0 if plan.cost <= 0 else (plan.cost - plan.lower_bound) / plan.cost
    remaining = failures(plan.after, targets)
    if remaining:  # the proof failed: never hand out a plan that does not pass
        raise AssertionError("规划应用后复核未通过：" + "；".join(remaining))
    from junheng.plan.phasing import phase

    plan.actions, plan.yearly = phase(dataset, plan.actions, standard, costs, years, budget, targets)
    plan.seconds = time.perf_counter() - started
    return plan


def _infeasible(plan: Plan, binding: list[str], started: float) -> Plan:
    plan.status, plan.binding = "infeasible", binding
    plan.seconds = time.perf_counter() - started
    return plan


def _diagnose(plan: Plan, model: PlanModel, costs: Costs, fixed_cost: float, started: float, time_limit: float,
              gap: float) -> Plan:
    """Name the constraints that cannot be met; with a budget, also the cost of meeting them all."""
    binding = model.milp.elastic(model.tags, model.budget_row, max(5.0, time_limit / 2))
    if model.budget is not None:
        free = PlanModel(model.units, model.schools, model.params, costs, model.years, model.exchange, None).build()
        columns = len(free.milp.cost)  # the cuts on the plan's own columns (not a cone relaxation's)
        for terms, lower, upper, tag in model.milp.rows:
            if "差异系数" in tag and all(col < columns for col in terms):
                free.milp.row(dict(terms), lower, upper, tag)
        result = free.solve(time_limit, gap)
        if result.values is not None:
            plan.min_cost = result.objective + fixed_cost
            binding = [f"总预算 {model.budget + fixed_cost:,.0f} 元不足（不计预算时至少需 {plan.min_cost:,.0f} 元）"] + binding
    return _infeasible(plan, plan.binding + binding or ["约束互相矛盾（未能定位）"], started)
