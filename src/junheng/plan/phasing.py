"""Phasing a plan over years, cheapest first, with the county's verdict after each year.

The yearly allowance is the budget (or, without one, the plan's cost) divided evenly over the years;
actions are taken cheapest first and each goes into the earliest year whose cumulative allowance
still covers it (the last year takes the rest). Transfers respect the per-year cap of the cost file;
a 骨干教师 being trained counts from the year its training ends. After each year the data with the
actions so far is evaluated by the engine.
"""

from __future__ import annotations

import math
from collections import defaultdict

import polars as pl

from junheng.dataset import Dataset
from junheng.evaluate import evaluate
from junheng.plan.actions import Action, apply_actions
from junheng.plan.costs import Costs
from junheng.standards import Standard


def phase(dataset: Dataset, actions: list[Action], standard: Standard, costs: Costs, years: int,
          budget: float | None, targets: list[str]) -> tuple[list[Action], list[dict]]:
    from junheng.plan.planner import failures

    total = sum(a.cost for a in actions)
    allowance = (budget if budget is not None else total) / years
    eligible = _transfer_caps(dataset, costs)
    moved: dict[tuple[str, int], int] = defaultdict(int)
    spent = 0.0
    year = 1
    placed = []
    for action in sorted(actions, key=lambda a: (a.cost, a.school_code, a.text)):
        if action.lever == "train":
            placed.append(action.in_year(min(years, int(costs["train_key.years"]))))
            spent += action.cost
            continue
        while year < years and spent + action.cost > allowance * year * (1 + 1e-12):
            year += 1
        when = year
        if action.lever == "transfer":
            cap = eligible.get(action.county_name, math.inf)
            while when < years and moved[(action.county_name, when)] + action.change > cap:
                when += 1
            moved[(action.county_name, when)] += int(action.change)
        placed.append(action.in_year(when))
        spent += action.cost
    placed.sort(key=lambda a: (a.year, a.county_name, a.school_code, a.lever))
    yearly = []
    for y in range(1, years + 1):
        so_far = [a for a in placed if a.year <= y]
        ev = evaluate(apply_actions(dataset, so_far), standard)
        county = ev.to_dict()["counties"]
        remaining = failures(ev, targets)
        yearly.append({
            "year": y, "cost": sum(a.cost for a in placed if a.year == y), "cumulative_cost": sum(a.cost for a in so_far),
            "actions": sum(1 for a in placed if a.year == y), "targets_pass": not remaining, "remaining": remaining,
            "units": sum(s["units"] for c in county for s in c["stages"].values() if s.get("applicable")),
            "units_compliant": sum(s["units_compliant"] for c in county for s in c["stages"].values() if s.get("applicable")),
            "resource_pass": all(c["areas"]["resource"]["pass"] is True for c in county),
            "verdict_pass": all(c["verdict"]["pass"] for c in county),
        })
    return placed, yearly


def _transfer_caps(dataset: Dataset, costs: Costs) -> dict[str, float]:
    share = float(costs["transfer.max_share_per_year"])
    caps = {}
    teachers = dataset.schools.group_by("county_name").agg(
        (pl.col("primary_teachers").fill_null(0) + pl.col("junior_teachers").fill_null(0)).sum())
    for name, total in teachers.iter_rows():
        caps[name] = math.floor(share * total)
    if dataset.county is not None:
        for row in dataset.county.iter_rows(named=True):
            if row.get("exchange_eligible"):
                caps[row["county_name"]] = math.floor(share * row["exchange_eligible"])
    return caps
