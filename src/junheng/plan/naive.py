"""The naive plan: every shortfall of the 问题清单 filled on its own, with no transfers.

Each blocking shortfall (below the 85% floor, or needed for 6 of 7) is filled to the standard at the
school that has it — teachers recruited (骨干 trained), floor area converted up to the convertible
share and built beyond it, sports fields built, equipment bought, multimedia rooms fitted, missing
music and art rooms converted from a spare room or built. A 一贯制 school short for both of its units
adds the larger of the two amounts once. If a 差异系数 still fails, the units the 问题清单 names as
pulling it are filled up to the county mean, and again, a few rounds at most. It is what a county
gets by working down the list, and the yardstick for the saving.
"""

from __future__ import annotations

import math
from collections import defaultdict

from junheng.dataset import Dataset
from junheng.evaluate import Evaluation, evaluate
from junheng.plan import makers
from junheng.plan.actions import Action, apply_actions
from junheng.plan.costs import Costs
from junheng.standards import Params, Standard

ROUNDS = 6


def naive_plan(dataset: Dataset, base_ev: Evaluation, fixed: list[Action], standard: Standard, params: Params,
               costs: Costs, years: int, targets: list[str]) -> tuple[list[Action], bool]:
    """(actions, whether they pass when re-evaluated)."""
    from junheng.plan.planner import failures

    certified = {r["school_code"]: r["certified_teachers"] is not None for r in dataset.schools.iter_rows(named=True)}
    area = {r["school_code"]: r for r in dataset.schools.iter_rows(named=True)}
    converted: dict[tuple[str, str], int] = defaultdict(int)
    rooms_converted: dict[str, int] = defaultdict(int)
    actions, ev = list(fixed), base_ev
    for _ in range(ROUNDS):
        wanted: dict[tuple, int] = {}
        names = {}
        for p in ev.to_dict()["problems"]:
            blocking = p["kind"] in ("below_floor", "below_standard") and p["blocking"]
            driver = p["kind"] == "cv_driver" and p["school_shortfall"]
            rooms = p["kind"] == "rooms_missing"
            if not (blocking or driver or rooms):
                continue
            item = p["item"]
            stage = p["stage"] if item in ("L1", "L2", "L3") else None
            key = (p["school_code"], stage, item, p.get("room_type") or "音乐")
            wanted[key] = max(wanted.get(key, 0), int(p["school_shortfall"]))
            names[p["school_code"]] = (p["school_name"], p["county_name"])
        if not wanted:
            break
        checks = {s["school_code"]: s["checks"] for s in ev.to_dict()["schools"]}
        for (code, stage, item, room_type), n in sorted(wanted.items(), key=lambda kv: repr(kv[0])):
            name, county = names[code]
            if n <= 0:
                continue
            if item == "L1" and costs.enabled("recruit"):
                actions.append(makers.recruit(code, name, county, stage, "deg", n, costs, certified))
            elif item == "L3" and costs.enabled("recruit"):
                actions.append(makers.recruit(code, name, county, stage, "pe", n, costs, certified))
            elif item == "L2" and costs.enabled("train_key") and years >= int(costs["train_key.years"]):
                actions.append(makers.train(code, name, county, stage, n, costs))
            elif item in ("L4", "L5"):  # convert what the school may convert, build the rest
                convert, build, field = (("area_convert", "area_build", "teaching_area") if item == "L4"
                                         else ("field_convert", "field", "sports_field_area"))
                cap = math.floor(float(costs["convert.max_share"]) * (area[code][field] or 0)) - converted[(code, field)]
                part = max(0, min(n, cap)) if costs.enabled("convert") else 0
                if part > 0:
                    converted[(code, field)] += part
                    actions.append(makers.facility(convert, code, name, county, part, costs))
                if n - part > 0 and costs.enabled("build"):
                    actions.append(makers.facility(build, code, name, county, n - part, costs))
            elif item in ("L6", "L7") and costs.enabled("equip"):
                actions.append(makers.facility("equip" if item == "L6" else "mm", code, name, county, n, costs))
            elif item == "G3":
                g3 = checks[code]["G3"]
                room_area = float(g3["music_min_area" if room_type == "音乐" else "art_min_area"])
                spare = int(costs["rooms.spare_per_school"]) - rooms_converted[code] if costs.enabled("convert") else 0
                part = max(0, min(n, spare))
                if part:
                    rooms_converted[code] += part
                    actions.append(makers.room(code, name, county, room_type, "convert", part, room_area, costs))
                if n - part > 0 and costs.enabled("build"):
                    actions.append(makers.room(code, name, county, room_type, "build", n - part, room_area, costs))
        ev = evaluate(apply_actions(dataset, actions), standard)
        if not failures(ev, targets):
            return actions, True
    if "G11" in targets and costs.enabled("transfer"):
        actions += _rotations(ev, params, costs)
        ev = evaluate(apply_actions(dataset, actions), standard)
    return actions, not failures(ev, targets)


def _rotations(ev: Evaluation, params: Params, costs: Costs) -> list[Action]:
    """G11 met the plain way: the fewest extra 骨干教师 rotations (exchanged in pairs, so no school's
    staffing changes) that bring both the 10% and the 20% parts to a pass."""
    actions = []
    rate, share = params["G11.min_exchange_rate"], params["G11.min_key_share"]
    for row in ev.dataset.county.iter_rows(named=True) if ev.dataset.county is not None else ():
        eligible, exchanged, key = row.get("exchange_eligible"), row.get("exchanged"), row.get("exchanged_key")
        if None in (eligible, exchanged, key):
            continue
        # 100·(exchanged + k) ≥ rate·eligible and 100·(key + k) ≥ share·(exchanged + k)
        k = max(0, math.ceil((rate * eligible - 100 * exchanged) / 100), math.ceil((share * exchanged - 100 * key) / (100 - share)))
        if k:
            name = row["county_name"]
            actions.append(Action("transfer", "", name, name, None, "exchanged_key", k, k * costs.f("transfer"),
                                  f"全县增加骨干教师交流轮岗 {k} 人（校际对调，不改变各校配置）",
                                  county=[(name, "exchanged", k), (name, "exchanged_key", k)]))
    return actions
