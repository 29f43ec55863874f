"""The 达标规划 chapter of the county report (Word): the plan, its cost against the naive plan, the
measures per school, the CVs before and after, and the yearly phasing."""

from __future__ import annotations

from typing import Any

from junheng.plan.actions import LEVER_ZH
from junheng.plan.output import STATUS_ZH
from junheng.report.word import Cell
from junheng.schema import STAGE_ZH

MEASURES_SHOWN = 60


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def plan_chapter(report: Any, plan: dict) -> None:
    """Add the chapter to a :class:`~junheng.report.county.CountyReport` (its heading, paragraph and
    table helpers); ``plan`` is the ``plan`` object of the plan JSON."""
    report.heading("达标规划")
    county = report.name
    if plan["status"] == "infeasible":
        report.paragraph(f"在给定条件下（{plan['years']} 年内" + (f"，预算 {_money(plan['budget'])} 元" if plan["budget"] else "")
                         + "）无法使全部评估单元与差异系数达标，未编制不完整的方案。无法满足的约束如下：")
        for line in plan["binding"]:
            report.paragraph(f"· {line}")
        return
    verdict = next((v for v in plan["verdicts"] if v["county_name"] == county), None)
    after = verdict and verdict["after"]
    report.paragraph(
        f"以最低成本使{county}每个评估单元达到“至少 {int(report.params['unit.min_indicators_met'])} 项达标、各项不低于标准的"
        f"{report.floor}”，各项校际差异系数不超过上限，"
        f"并使{'、'.join(plan['targets'])}达标。规划{plan['years']}年内完成，总成本 {_money(plan['cost'])} 元"
        f"（求解状态：{STATUS_ZH[plan['status']]}，成本下界 {_money(plan['lower_bound'])} 元，相对差距 {plan['gap']:.2%}）。"
        f"逐项补齐、不作调配的朴素方案需 {_money(plan['naive_cost'])} 元，本规划节省 {_money(plan['saving'])} 元。"
        + (f"按规划调整后的数据经同一测算引擎复核：资源配置{'达标' if after['resource_pass'] else '未达标'}，"
           f"县域结论{'通过' if after['pass'] else '未通过'}。" if after else ""))
    rows = [[Cell(LEVER_ZH[k], align="left"), Cell(_money(v), align="right")] for k, v in plan["by_lever"].items()]
    rows.append([Cell("合计", bold=True), Cell(_money(plan["cost"]), align="right", bold=True)])
    report.table("规划成本分项（元）", ["措施类别", "成本"], rows, [8, 5])
    actions = [a for a in plan["actions"] if a["county_name"] == county]
    shown = actions[:MEASURES_SHOWN]
    rows = [[str(n), Cell(a["school_name"], align="left"), Cell(a["text"], align="left"), Cell(_money(a["cost"]), align="right"),
             f"第{a['year']}年"] for n, a in enumerate(shown, 1)]
    title = f"各校措施（前{len(shown)}项，完整清单见达标规划工作簿）" if len(actions) > len(shown) else "各校措施"
    report.table(title, ["序号", "学校", "措施", "成本（元）", "年度"], rows, [1.2, 4.5, 7.5, 2.5, 1.6])
    rows = [[STAGE_ZH[r["stage"]], r["indicator"], f"{r['cv_max']:g}", f"{r['before']:.3f}", f"{r['after']:.3f}"]
            for r in plan["cvs"] if r["county_name"] == county and r["before"] is not None and r["after"] is not None]
    report.table("校际差异系数（规划前 → 规划后）", ["学段", "指标", "上限", "规划前", "规划后"], rows, [2, 2, 2, 3, 3])
    if plan["years"] > 1:
        rows = [[f"第{y['year']}年", Cell(_money(y["cost"]), align="right"), f"{y['units_compliant']}/{y['units']}",
                 "是" if y["targets_pass"] else "否"] for y in plan["yearly"]]
        report.table("分年实施与年末复核", ["年度", "当年成本（元）", "达标单元", "规划目标全部达成"], rows, [2.5, 4, 3, 4])
