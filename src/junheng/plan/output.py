"""The plan as the JSON of ``shared/design.md`` and as the Chinese summary the CLI prints."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

from junheng.io.files import atomic_path
from junheng.plan.actions import LEVER_ZH
from junheng.plan.planner import Plan
from junheng.schema import STAGE_ZH

STATUS_ZH = {"optimal": "最优", "feasible": "可行（已达时限，未证明最优）", "infeasible": "不可行"}


def cv_rows(plan: Plan) -> list[dict]:
    """Every CV (county × 学段 × indicator) before and after the plan."""
    after = {(c["county_name"], st, ind): e for c in plan.after.to_dict()["counties"]
             for st, s in c["stages"].items() for ind, e in s["indicators"].items()} if plan.after else {}
    rows = []
    for c in plan.before.to_dict()["counties"]:
        for stage, s in c["stages"].items():
            for ind, e in s["indicators"].items():
                a = after.get((c["county_name"], stage, ind), {})
                rows.append({"county_name": c["county_name"], "stage": stage, "indicator": ind, "cv_max": e["cv_max"],
                             "before": e["cv"], "before_pass": e["cv_pass"], "after": a.get("cv"),
                             "after_pass": a.get("cv_pass")})
    return rows


def unit_rows(plan: Plan) -> list[dict]:
    """Every unit before and after the plan: values, 达标项数 and 是否达标."""
    after = {(u["school_code"], u["stage"]): u for u in plan.after.to_dict()["units"]} if plan.after else {}
    rows = []
    for u in plan.before.to_dict()["units"]:
        a = after.get((u["school_code"], u["stage"]), {})
        rows.append({"school_code": u["school_code"], "school_name": u["school_name"], "county_name": u["county_name"],
                     "stage": u["stage"], "students_before": u["students"], "students_after": a.get("students"),
                     "met_before": u["met_count"], "met_after": a.get("met_count"),
                     "compliant_before": u["compliant"], "compliant_after": a.get("compliant"),
                     "values": {ind: {"before": e["value"], "after": a.get("indicators", {}).get(ind, {}).get("value"),
                                      "standard": e["standard"]} for ind, e in u["indicators"].items()}})
    return rows


def totals(plan: Plan) -> dict:
    """Cost by lever, by year and by lever × year."""
    by_lever, by_year, by_both = defaultdict(float), defaultdict(float), defaultdict(float)
    for a in plan.actions:
        by_lever[a.lever] += a.cost
        by_year[a.year] += a.cost
        by_both[(a.lever, a.year)] += a.cost
    return {"by_lever": dict(by_lever), "by_year": {str(k): v for k, v in sorted(by_year.items())},
            "by_lever_year": [{"lever": k[0], "year": k[1], "cost": v} for k, v in sorted(by_both.items())]}


def verdicts(plan: Plan) -> list[dict]:
    after = {c["county_name"]: c for c in plan.after.to_dict()["counties"]} if plan.after else {}
    out = []
    for c in plan.before.to_dict()["counties"]:
        a = after.get(c["county_name"])
        out.append({"county_name": c["county_name"], "before": {"pass": c["verdict"]["pass"], "reasons": c["verdict"]["reasons"],
                                                                "resource_pass": c["areas"]["resource"]["pass"]},
                    "after": None if a is None else {"pass": a["verdict"]["pass"], "reasons": a["verdict"]["reasons"],
                                                     "resource_pass": a["areas"]["resource"]["pass"]}})
    return out


def plan_dict(plan: Plan) -> dict:
    body = {
        "status": plan.status, "cost": plan.cost, "lower_bound": plan.lower_bound, "gap": plan.gap,
        "naive_cost": plan.naive_cost, "naive_passes": plan.naive_passes, "saving": plan.saving,
        "year": plan.year, "years": plan.years, "budget": plan.budget, "min_cost": plan.min_cost,
        "targets": plan.targets, "binding": plan.binding, "notes": plan.notes,
        "solver": {"engine": "HiGHS (highspy)", "rounds": plan.rounds, "cv_cuts": plan.cuts, "seconds": plan.seconds},
        "costs": [{"key": e.key, "value": float(e.value), "unit": e.unit, "description": e.description,
                   "reference": e.reference, "source": e.source} for e in plan.costs.entries.values()],
        "levers": plan.costs.levers,
        "actions": [a.to_dict() for a in plan.actions],
        **totals(plan),
        "yearly": plan.yearly,
        "naive_actions": [a.to_dict() for a in plan.naive_actions],
        "verdicts": verdicts(plan),
        "cvs": cv_rows(plan),
        "units": unit_rows(plan),
        "after": plan.after.to_dict() if plan.after else None,
    }
    return {"plan": body}


def write_plan_json(plan: Plan, path: str | os.PathLike) -> Path:
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(plan_dict(plan), ensure_ascii=False, indent=1), encoding="utf-8")
    return Path(path)


def money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} 元"


def render(plan: Plan) -> str:
    """The Chinese summary: status, cost, bound, naive plan and saving, actions per school, proof."""
    lines = [f"达标规划（{plan.year} 年度，{plan.years} 年内完成{'，预算 ' + money(plan.budget) if plan.budget is not None else ''}）",
             f"求解状态：{STATUS_ZH[plan.status]}"]
    for note in plan.notes:
        lines.append(f"说明：{note}")
    if plan.status == "infeasible":
        lines.append("在给定条件下无法达标（不输出不完整的方案）。无法满足的约束：")
        lines += [f"  - {b}" for b in plan.binding]
        return "\n".join(lines)
    lines.append(f"规划总成本：{money(plan.cost)}；下界：{money(plan.lower_bound)}；相对差距：{plan.gap:.2%}")
    naive = money(plan.naive_cost) + ("" if plan.naive_passes else "（逐项补齐后仍未全部达标）")
    lines.append(f"逐项补齐（不调配）的朴素方案：{naive}；节省：{money(plan.saving)}"
                 + (f"（{plan.saving / plan.naive_cost:.1%}）" if plan.naive_cost else ""))
    lines.append("分项成本：" + "；".join(f"{LEVER_ZH[k]} {money(v)}" for k, v in totals(plan)["by_lever"].items()))
    by_school = defaultdict(list)
    for a in plan.actions:
        by_school[a.school_name].append(f"{a.text}（{money(a.cost)}{'，第 ' + str(a.year) + ' 年' if plan.years > 1 else ''}）")
        if a.from_school_name and a.text_from:
            by_school[a.from_school_name].append(f"{a.text_from}（第 {a.year} 年）" if plan.years > 1 else a.text_from)
    lines.append("各校措施：")
    for school, items in by_school.items():
        lines.append(f"  {school}")
        lines += [f"    - {item}" for item in items]
    for v in verdicts(plan):
        after = v["after"]
        lines.append(f"复核（同一测算引擎）：{v['county_name']} 资源配置 规划前{_word(v['before']['resource_pass'])}，"
                     f"规划后{_word(after and after['resource_pass'])}；县域结论 规划前{_word(v['before']['pass'])}，"
                     f"规划后{_word(after and after['pass'])}")
        if after and after["reasons"]:
            lines.append("  规划范围外仍未达标：" + "；".join(after["reasons"]))
    changed = [r for r in cv_rows(plan) if r["before_pass"] is not True or abs((r["before"] or 0) - (r["after"] or 0)) >= 5e-4]
    if changed:
        lines.append("差异系数变化：" + "；".join(f"{STAGE_ZH[r['stage']]}{r['indicator']} {r['before']:.3f}→{r['after']:.3f}"
                                         for r in changed[:14]))
    if plan.years > 1:
        for y in plan.yearly:
            lines.append(f"第 {y['year']} 年：{money(y['cost'])}，{y['actions']} 项措施；年末 {y['units_compliant']}/{y['units']} "
                         f"个单元达标，{'规划目标全部达成' if y['targets_pass'] else '尚未全部达标'}")
    return "\n".join(lines)


def _word(passed) -> str:
    return "达标" if passed is True else ("未评估" if passed is None else "未达标")
