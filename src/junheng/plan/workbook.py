"""The 达标规划 workbook (``junheng plan … --xlsx 规划.xlsx``): summary, measures per school, totals by
lever and year, the yearly verdicts, every CV and every unit before and after, and the naive plan."""

from __future__ import annotations

import os
from pathlib import Path

from junheng.io.xlsx import Styles, atomic_workbook, text_width, yes_no
from junheng.plan.actions import LEVER_ZH
from junheng.plan.output import STATUS_ZH, cv_rows, totals, unit_rows, verdicts
from junheng.plan.planner import Plan
from junheng.schema import STAGE_ZH


class _Sheet:
    def __init__(self, workbook, styles: Styles, name: str, headers: list[str]):
        self.sheet = workbook.add_worksheet(name)
        self.styles = styles
        self.row = 0
        self.widths = [text_width(h) + 2 for h in headers]
        if headers:
            self.write(headers, header=True)
            self.sheet.freeze_panes(1, 0)

    def write(self, values: list, header: bool = False) -> None:
        for col, value in enumerate(values):
            if col >= len(self.widths):
                self.widths.append(8)
            if header:
                self.sheet.write_string(self.row, col, str(value), self.styles.header)
            elif isinstance(value, bool):
                self.sheet.write_string(self.row, col, yes_no(value), self.styles.verdict(value))
            elif isinstance(value, int | float):
                fmt = "#,##0" if float(value).is_integer() and abs(value) >= 1000 else (
                    "0" if float(value).is_integer() else "0.000")
                self.sheet.write_number(self.row, col, value, self.styles.number(fmt))
            elif value is None:
                self.sheet.write_blank(self.row, col, None, self.styles.text)
            else:
                self.sheet.write_string(self.row, col, str(value), self.styles.text)
            self.widths[col] = min(60, max(self.widths[col], text_width(str(value if value is not None else "")) + 2))
        self.row += 1

    def finish(self) -> None:
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, width)


def write_plan_xlsx(plan: Plan, path: str | os.PathLike) -> Path:
    path = Path(path)
    with atomic_workbook(path) as workbook:
        styles = Styles(workbook)
        summary = _Sheet(workbook, styles, "规划摘要", [])
        summary.sheet.write_string(0, 0, f"达标规划（{plan.year} 年度，{plan.years} 年内完成）", styles.title)
        summary.row = 2
        summary.write(["项目", "内容"], header=True)
        rows = [("求解状态", STATUS_ZH[plan.status]), ("规划年数", plan.years),
                ("预算（元）", plan.budget if plan.budget is not None else "不限")]
        if plan.status == "infeasible":
            rows += [("结论", "在给定条件下无法达标，未输出不完整的方案")] + [("无法满足的约束", b) for b in plan.binding]
            if plan.min_cost is not None:
                rows.append(("不计预算时的最低成本（元）", plan.min_cost))
        else:
            rows += [("规划总成本（元）", plan.cost), ("成本下界（元）", plan.lower_bound), ("相对差距", f"{plan.gap:.2%}"),
                     ("朴素方案成本（元）", plan.naive_cost),
                     ("朴素方案复核", "达标" if plan.naive_passes else "逐项补齐后仍未全部达标"),
                     ("节省（元）", plan.saving)]
            for v in verdicts(plan):
                rows += [(f"{v['county_name']} 资源配置（规划前）", v["before"]["resource_pass"]),
                         (f"{v['county_name']} 资源配置（规划后复核）", v["after"]["resource_pass"]),
                         (f"{v['county_name']} 县域结论（规划前）", v["before"]["pass"]),
                         (f"{v['county_name']} 县域结论（规划后复核）", v["after"]["pass"])]
                rows += [("规划后仍未达标（规划范围外）", r) for r in v["after"]["reasons"]]
        rows += [("规划目标", "各评估单元达标、14 项差异系数、" + "、".join(plan.targets))] + [("说明", n) for n in plan.notes]
        for label, value in rows:
            summary.write([label, value])
        summary.row += 1
        summary.write(["成本参数", "单价/上限", "单位", "说明", "依据", "来源"], header=True)
        for e in plan.costs.entries.values():
            summary.write([e.key, float(e.value), e.unit, e.description, e.reference, e.source])
        summary.write(["启用的措施", "、".join(LEVER_ZH.get(k, k) if k in LEVER_ZH else k for k, on in plan.costs.levers.items() if on)])
        summary.finish()
        if plan.status == "infeasible":
            return path

        measures = _Sheet(workbook, styles, "各校措施", ["县(区)", "学校标识码", "学校名称", "学段", "措施类别", "措施", "数量",
                                                    "成本（元）", "实施年度", "关联学校"])
        for a in plan.actions:
            stage = STAGE_ZH.get(a.stage, "") if a.stage else ""
            measures.write([a.county_name, a.school_code, a.school_name, stage, LEVER_ZH[a.lever], a.text, a.change, a.cost,
                            a.year, a.from_school_name or ""])
            if a.from_school_name:
                measures.write([a.county_name, a.from_school_code, a.from_school_name, stage, LEVER_ZH[a.lever], a.text_from,
                                -a.change, 0, a.year, a.school_name])
        measures.finish()

        t = totals(plan)
        levers = _Sheet(workbook, styles, "分项汇总", ["措施类别", *[f"第 {y} 年（元）" for y in range(1, plan.years + 1)], "合计（元）"])
        by = {(r["lever"], r["year"]): r["cost"] for r in t["by_lever_year"]}
        for lever, total in t["by_lever"].items():
            levers.write([LEVER_ZH[lever], *[by.get((lever, y), 0.0) for y in range(1, plan.years + 1)], total])
        levers.write(["合计", *[float(t["by_year"].get(str(y), 0.0)) for y in range(1, plan.years + 1)], plan.cost])
        levers.finish()

        yearly = _Sheet(workbook, styles, "逐年复核", ["年度", "当年成本（元）", "累计成本（元）", "措施数", "达标单元", "评估单元",
                                                   "资源配置达标", "规划目标全部达成", "县域结论", "尚未达标"])
        for y in plan.yearly:
            yearly.write([y["year"], y["cost"], y["cumulative_cost"], y["actions"], y["units_compliant"], y["units"],
                          y["resource_pass"], y["targets_pass"], y["verdict_pass"], "；".join(y["remaining"])])
        yearly.finish()

        cvs = _Sheet(workbook, styles, "差异系数前后", ["县(区)", "学段", "指标", "上限", "规划前", "规划前达标", "规划后", "规划后达标"])
        for r in cv_rows(plan):
            cvs.write([r["county_name"], STAGE_ZH[r["stage"]], r["indicator"], r["cv_max"], r["before"], r["before_pass"],
                       r["after"], r["after_pass"]])
        cvs.finish()

        inds = ("L1", "L2", "L3", "L4", "L5", "L6", "L7")
        units = _Sheet(workbook, styles, "评估单元前后", ["县(区)", "学校标识码", "学校名称", "学段", "规划前达标项数", "规划后达标项数",
                                                     "规划前达标", "规划后达标", *[f"{i} 前/后" for i in inds]])
        for r in unit_rows(plan):
            values = [f"{r['values'][i]['before']:.2f} → {r['values'][i]['after']:.2f}" for i in inds]
            units.write([r["county_name"], r["school_code"], r["school_name"], STAGE_ZH[r["stage"]], r["met_before"],
                         r["met_after"], r["compliant_before"], r["compliant_after"], *values])
        units.finish()

        naive = _Sheet(workbook, styles, "朴素方案", ["县(区)", "学校名称", "措施类别", "措施", "成本（元）"])
        for a in plan.naive_actions:
            naive.write([a.county_name, a.school_name, LEVER_ZH[a.lever], a.text, a.cost])
        naive.write(["合计", "", "", "", plan.naive_cost])
        naive.finish()
    return path
