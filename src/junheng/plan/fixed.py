"""Actions fixed before the optimisation: 大班额 (G5), 超规模 (G4) and 培训经费 (Q4).

These do not trade off against the resource levers, so they are decided first, the same way in the
optimal and in the naive plan, and the optimisation starts from the data with them applied:

- G5: a 学段 whose largest class exceeds the limit gets the fewest extra classes k ≥ 1 with
  ceil(pupils / (classes + k)) within the limit; its largest class is then at the limit.
- G4: pupils beyond the size limit move to schools of the same 学段 in the same county, preferring
  the same 城乡类型 (the data has no 片区; the 城乡类型 stands in for it), public schools only, each receiver
  staying within
  its own size limit and, with the pupils spread over its classes, within the class limit.
- Q4: training funds raised to the required share of the budget, 元 for 元.

A failure the levers cannot fix (a lever switched off, no receiving school) is returned as a
binding constraint.
"""

from __future__ import annotations

import math
from fractions import Fraction

from junheng.exact import ceil_whole, frac
from junheng.plan import texts
from junheng.plan.actions import Action
from junheng.plan.costs import Costs
from junheng.schema import SCHOOL_TYPE_BY_LABEL, STAGE_ZH
from junheng.standards import Params


def fixed_actions(schools: list[dict], checks: dict[str, dict], params: Params, costs: Costs) -> tuple[list[Action], list[str]]:
    """(actions, binding) for the schools (data rows) and their engine checks (``to_dict()['schools']``)."""
    actions, binding = [], []
    by_code = {s["school_code"]: dict(s) for s in schools}
    for code, c in checks.items():
        school = by_code[code]
        if c.get("G5", {}).get("pass") is False:
            for stage in ("primary", "junior"):
                size = school.get(f"{stage}_max_class_size")
                limit = int(params[f"G5.max_class_size.{stage}"])
                if size is None or size <= limit or stage not in SCHOOL_TYPE_BY_LABEL[school["school_type"]].stages:
                    continue
                if not costs.enabled("add_class"):
                    binding.append(f"{school['school_name']} G5 {STAGE_ZH[stage]}大班额（未启用“增设教学班”措施）")
                    continue
                pupils, classes = school[f"{stage}_students"] or 0, school[f"{stage}_classes"] or 0
                k = max(1, math.ceil(pupils / limit) - classes)
                actions.append(Action(
                    "add_class", code, school["school_name"], school["county_name"], stage, f"{stage}_classes", k,
                    k * costs.f("add_class"), texts.add_class(stage, k, limit),
                    changes=[(code, f"{stage}_classes", k)], sets=[(code, f"{stage}_max_class_size", limit)]))
                school[f"{stage}_classes"] = classes + k
                school[f"{stage}_max_class_size"] = limit
        q4 = c.get("Q4", {})
        if q4.get("pass") is False:
            if not costs.enabled("training_funds"):
                binding.append(f"{school['school_name']} Q4 教师培训经费（未启用“增加培训经费”措施）")
            else:
                share = params["Q4.min_training_share"]
                gap = ceil_whole(frac(school["public_funds_budget"]) * share / 100 - frac(school["training_funds"]))
                actions.append(Action("fund", code, school["school_name"], school["county_name"], None, "training_funds",
                                      gap, gap * costs.f("training_funds"), texts.training_funds(gap, float(share)),
                                      changes=[(code, "training_funds", gap)]))
    for code, c in checks.items():
        g4 = c.get("G4", {})
        if g4.get("pass") is False:
            moved, missing = _move_pupils(by_code[code], g4["students"] - g4["limit"], by_code, checks, params, costs)
            actions += moved
            binding += missing
    return actions, binding


def _move_pupils(donor: dict, excess: int, schools: dict[str, dict], checks: dict[str, dict], params: Params,
                 costs: Costs) -> tuple[list[Action], list[str]]:
    name = donor["school_name"]
    if not costs.enabled("move_pupils"):
        return [], [f"{name} G4 学校规模超出 {excess} 人（未启用“片区内分流学生”措施）"]
    stage = next((s for s in ("primary", "junior") if s in SCHOOL_TYPE_BY_LABEL[donor["school_type"]].stages
                  and (donor[f"{s}_students"] or 0) >= excess), None)
    if stage is None:
        return [], [f"{name} G4 学校规模超出 {excess} 人，无法由单一学段分流"]
    limit_class = int(params[f"G5.max_class_size.{stage}"])
    candidates = []
    for code, school in schools.items():
        check = checks.get(code, {}).get("G4")
        if (code == donor["school_code"] or school["county_name"] != donor["county_name"] or check is None
                or school.get("ownership") != "公办"
                or stage not in SCHOOL_TYPE_BY_LABEL[school["school_type"]].stages or not school[f"{stage}_classes"]):
            continue
        room = check["limit"] - (school.get("_received", 0) + check["students"])
        candidates.append((school.get("area_type") != donor.get("area_type"), -room, code))
    actions, left = [], excess
    for _, _, code in sorted(candidates):
        school = schools[code]
        check = checks[code]["G4"]
        size_room = check["limit"] - check["students"] - school.get("_received", 0)
        classes = school[f"{stage}_classes"]
        largest = school.get(f"{stage}_max_class_size") or math.ceil(school[f"{stage}_students"] / classes)
        class_room = (limit_class - largest) * classes  # at most this many more, spread one per class
        n = min(left, size_room, class_room)
        if n <= 0:
            continue
        school["_received"] = school.get("_received", 0) + n
        new_largest = largest + math.ceil(Fraction(n, classes))
        actions.append(Action(
            "move_pupils", code, school["school_name"], school["county_name"], stage, f"{stage}_students", n,
            n * costs.f("move_pupils"), texts.pupils_in(stage, n, name), donor["school_code"], name,
            texts.pupils_out(stage, n, school["school_name"]),
            changes=[(code, f"{stage}_students", n), (donor["school_code"], f"{stage}_students", -n)],
            sets=[(code, f"{stage}_max_class_size", new_largest)] if school.get(f"{stage}_max_class_size") else []))
        school[f"{stage}_max_class_size"] = new_largest
        left -= n
        if left == 0:
            return actions, []
    return [], [f"{name} G4 学校规模超出 {excess} 人，县内同学段学校无足够学位接收分流学生"]
