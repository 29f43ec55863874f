"""The county report: every sentence and figure comes from ``Evaluation.to_dict()`` and the standard.

Nothing is judged here. Pass/fail, counts and shortfalls are the engine's; the report only selects,
rounds for print (四舍五入: 2 decimals for values, 3 for 差异系数, as the official tables) and words them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH

from junheng.exact import round_half_up
from junheng.indicators import INDICATORS
from junheng.report import charts
from junheng.report.charts import Reference
from junheng.report.word import (
    Captions,
    Cell,
    add_bullets,
    add_picture,
    add_table,
    new_document,
    page_break,
    start_section,
)
from junheng.schema import AREA_ZH, LEVEL_LABELS, STAGE_ZH, verdict_zh
from junheng.standards import Params, Standard

VALUE_DIGITS = 2
CV_DIGITS = 3
FAIL_FILL = "FFC7CE"  # red: below the floor (85% of the standard), or a failed check
FLOOR_FILL = "FFEB9C"  # amber: at the floor but below the standard
PROBLEM_KINDS = {
    "below_floor": "指标低于标准的{floor}",
    "below_standard": "指标未达到标准",
    "rooms_missing": "音乐、美术专用教室不足",
    "oversize": "学校规模超标",
    "large_class": "班额超标",
    "funds_below_norm": "公用经费未按最低人数核定",
    "uncertified": "教师未全部持证",
    "training_funds": "教师培训经费不足",
    "cv_driver": "拉大校际差异",
}
TOP_PROBLEMS = 20
CHAPTER_NUMBERS = "一二三四五六七八九十"


def rounded(value: Any, digits: int) -> str:
    """四舍五入 to ``digits`` decimals as printed; missing values print as a dash."""
    if value is None:
        return "—"
    return str(round_half_up(value if isinstance(value, Decimal | float | int) else Decimal(str(value)), digits))


def verdict_cell(passed: bool | None, status: str | None = None) -> Cell:
    return Cell(verdict_zh(passed, status), fill=FAIL_FILL if passed is False else None)


def parameter_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{float(value):g}"
    if isinstance(value, tuple | list):
        return "、".join(parameter_text(v) for v in value)
    return "—" if value is None else str(value)


# A parameter the national text leaves open is referenced in the standard files to the project's
# notes on it (``standard.md §1.3（默认纳入）``); a report for a county names it in official terms.
_PROJECT_NOTE = re.compile(r"^standard\.md\s*§[\d.]*\s*(?:待定问题|注)?\s*")


def official_reference(reference: str) -> str:
    """``standard.md §3 待定问题（默认否）`` → ``国家文件未作统一规定（默认否），可由省级实施方案调整``."""
    if not _PROJECT_NOTE.match(reference):
        return reference
    default = _PROJECT_NOTE.sub("", reference).strip()
    return f"国家文件未作统一规定{default}，可由省级实施方案调整"


def unit_status(entry: dict) -> str | None:
    """The colour class of a unit indicator, from the engine's verdicts (None: no standard)."""
    if entry.get("met") is None:
        return None
    if entry["met"]:
        return "met"
    return "floor" if entry.get("floor_met") else "below"


STATUS_FILLS = {"met": None, "floor": FLOOR_FILL, "below": FAIL_FILL, None: None}


def _same_county(item: dict, county: dict) -> bool:
    if item.get("year") is not None and item["year"] != county["year"]:
        return False
    if item.get("county_code") and county.get("county_code"):
        return item["county_code"] == county["county_code"]
    return item.get("county_name", county["county_name"]) == county["county_name"]


def column_width(rows: Sequence[Sequence[Cell | str]], header: Sequence[str], column: int) -> float:
    """A relative width that fits the longest figure of a numeric column on one line."""
    longest = max([len(header[column]), *(len(r[column].text if isinstance(r[column], Cell) else r[column]) for r in rows)])
    return max(1.5, 0.21 * longest + 0.5)


def area_items(info: dict) -> dict[str, dict]:
    """The checks of an area; 社会认可度 is a single check given as the area itself."""
    if "items" in info:
        return info["items"]
    return {"S1": info} if "name" in info else {}


def items_summary(info: dict) -> str:
    items = area_items(info)
    counts = Counter(verdict_zh(item.get("pass"), item.get("status")) for item in items.values())
    text = f"共{len(items)}项：达标{counts['达标']}项，未达标{counts['未达标']}项"
    if counts["未评估"]:
        text += f"，缺数据未评估{counts['未评估']}项"
    if counts["不适用"]:
        text += f"，不适用{counts['不适用']}项（县域内无评估对象，不影响结论）"
    return text


@dataclass
class CountyReport:
    result: dict
    county: dict
    standard: Standard
    today: dt.date
    captions: Captions = field(default_factory=Captions)
    plan: dict | None = None  # the 达标规划 (``junheng.plan.output.plan_dict(...)["plan"]``): one more chapter

    def __post_init__(self) -> None:
        self.params: Params = self.standard.at(self.county["year"])
        self.units = [u for u in self.result.get("units", []) if _same_county(u, self.county)]
        self.problems = [p for p in self.result.get("problems", []) if _same_county(p, self.county)]
        self.excluded = [e for e in self.result.get("excluded", []) if _same_county(e, self.county)]
        self.indicator_ids = list(self.standard.indicators)
        self.stages = [s for s in self.standard.stages
                       if self.county["stages"].get(s, {}).get("applicable", True) and self.county["stages"].get(s, {}).get("units")]
        self.has_unit_standards = any(
            unit_status(u["indicators"][i]) is not None for u in self.units for i in u["indicators"]
        )
        self.document = new_document()
        self.chapter = 0
        ratio = self.params.get("unit.floor_ratio")
        self.floor = f"{parameter_text(ratio * 100)}%" if isinstance(ratio, Fraction) else "底线"
        self.status_labels = {"met": "达到标准", "floor": f"达到标准的{self.floor}", "below": f"低于标准的{self.floor}"}

    # ── structure ──────────────────────────────────────────────────────────────────────────
    @property
    def name(self) -> str:
        return self.county["county_name"]

    def heading(self, text: str, level: int = 1) -> None:
        if level == 1:
            text = f"{CHAPTER_NUMBERS[self.chapter]}、{text}"
            self.chapter += 1
        self.document.add_heading(text, level)

    def paragraph(self, text: str) -> None:
        self.document.add_paragraph(text)

    def table(self, title: str, header: Sequence[Cell | str], rows: Sequence[Sequence[Cell | str]],
              widths: Sequence[float]) -> None:
        self.captions.add(self.document, "表", title)
        add_table(self.document, header, rows, widths)

    def figure(self, title: str, png: bytes) -> None:
        add_picture(self.document, png)
        self.captions.add(self.document, "图", title)

    def build(self):
        self.title_page()
        self.conclusion()
        self.resources()
        for area, label in list(AREA_ZH.items())[1:]:
            items = self.county.get("areas", {}).get(area)
            if items is not None:
                self.items_chapter(label, items)
        if self.county.get("veto") is not None:
            self.veto()
        self.problem_summary()
        if self.plan is not None:
            from junheng.plan.chapter import plan_chapter

            plan_chapter(self, self.plan)
        self.appendix()
        return self.document

    # ── chapters ───────────────────────────────────────────────────────────────────────────
    def title_page(self) -> None:
        document = self.document
        for _ in range(6):
            document.add_paragraph()
        document.add_paragraph(f"{self.name}义务教育{self.standard.short_name}发展", style="Title")
        document.add_paragraph("评估报告", style="Title")
        document.add_paragraph()
        for line in (
            f"评估年度：{self.county['year']}年",
            f"评估标准：{self.standard.name}（{self.standard.reference}）",
            *([f"实施方案：{'、'.join(self.standard.profiles)}"] if self.standard.profiles else []),
            f"报告日期：{self.today.year}年{self.today.month}月{self.today.day}日",
        ):
            paragraph = document.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        page_break(document)

    def conclusion(self) -> None:
        verdict = self.county.get("verdict", {})
        self.heading("总体结论")
        passed = verdict.get("pass")
        outcome = {True: "达到", False: "未达到", None: "暂无法判定是否达到"}[passed]
        self.paragraph(
            f"按照{self.standard.label}，{self.name}{self.county['year']}年度{outcome}"
            f"县域义务教育{self.standard.short_name}发展的要求。"
        )
        reasons = verdict.get("reasons") or []
        if reasons:
            self.paragraph("主要依据：" if passed else "未达到或未能评估的原因：")
            add_bullets(self.document, reasons)
        rows = []
        for area, label in AREA_ZH.items():
            info = self.county.get("areas", {}).get(area)
            if info is not None:
                rows.append([label, verdict_cell(info.get("pass"), info.get("status")), Cell(self.area_summary(area, info), align="left")])
        veto = self.county.get("veto")
        if veto is not None:
            found = [vid for vid, present in veto.items() if present]
            unknown = [vid for vid, present in veto.items() if present is None]
            rows.append(["一票否决", verdict_cell(False if found else (None if unknown else True)),
                         Cell(self.veto_summary(found, unknown), align="left")])
        prerequisite = self.county.get("prerequisite")
        if prerequisite is not None:
            rows.append(["申报条件", verdict_cell(prerequisite.get("pass")), Cell(prerequisite.get("note", ""), align="left")])
        self.table("各项评估内容结论", ["评估内容", "结论", "说明"], rows, [3, 2, 10])

    def area_summary(self, area: str, info: dict) -> str:
        if area == "resource":
            parts = []
            for stage in self.stages:
                data = self.county["stages"][stage]
                failing = [i for i, s in data["indicators"].items() if s.get("cv_pass") is False]
                text = f"{STAGE_ZH[stage]}{data['units']}个单位"
                if data.get("units_compliant") is not None and self.has_unit_standards:
                    text += f"中{data['units_compliant']}个达标"
                if failing:
                    text += f"，{'、'.join(failing)}差异系数超过上限"
                elif data.get("composite_cv") is not None and data.get("composite_cv_max") is not None:
                    text += f"，综合差异系数{rounded(data['composite_cv'], CV_DIGITS)}"
                parts.append(text)
            parts += [f"{STAGE_ZH[stage]}{data['note']}" for stage, data in self.county["stages"].items()
                      if stage not in self.stages and data.get("note")]
            return "；".join(parts) or "无纳入评估的学校"
        return items_summary(info)

    def veto_summary(self, found: list[str], unknown: list[str]) -> str:
        names = self.standard.items
        if found:
            return "存在：" + "、".join(names.get(v, v) for v in found)
        if unknown:
            return "未填报：" + "、".join(names.get(v, v) for v in unknown)
        return "未发现一票否决情形"

    def resources(self) -> None:
        self.heading("资源配置" if self.has_unit_standards else "资源配置均衡状况")
        if not self.stages:
            self.paragraph("没有纳入资源配置评估的学校（学段）单位。")
            return
        self.document.add_heading("校际差异系数", 2)
        for stage in self.stages:
            self.cv_table(stage)
        if self.has_unit_standards:
            self.document.add_heading("学校达标情况", 2)
            self.paragraph(self.unit_rule_text())
            for stage in self.stages:
                self.compliance_table(stage)
        start_section(self.document, landscape=True)
        self.document.add_heading("各校（学段）指标值", 2)
        if self.has_unit_standards:
            self.paragraph(f"红色底纹：低于标准的{self.floor}；黄色底纹：达到标准的{self.floor}但未达到标准。")
        for stage in self.stages:
            self.unit_table(stage)
        start_section(self.document, landscape=False)
        self.document.add_heading("指标分布图", 2)
        for stage in self.stages:
            self.unit_charts(stage)

    def cv_table(self, stage: str) -> None:
        data = self.county["stages"][stage]
        zh = STAGE_ZH[stage]
        composite_max = data.get("composite_cv_max")
        rows = []
        for indicator_id in self.indicator_ids:
            stats = data["indicators"].get(indicator_id)
            if stats is None:
                continue
            info = self.standard.indicators[indicator_id]
            standard_value = self.params.get(f"{indicator_id}.standard.{stage}")
            rows.append([
                indicator_id, Cell(info.name, align="left"), info.unit,
                parameter_text(standard_value),
                rounded(stats.get("mean"), self.standard.indicators[indicator_id].decimals),
                rounded(stats.get("cv"), CV_DIGITS),
                rounded(stats.get("cv_max"), 2) if stats.get("cv_max") is not None else "—",
                verdict_cell(stats.get("cv_pass")) if stats.get("cv_max") is not None else "—",
            ])
        composite_pass = data.get("pass") if composite_max is not None else None
        rows.append(["", Cell("综合差异系数" + ("" if composite_max is not None else "（参考）"), align="left"), "", "", "",
                     rounded(data.get("composite_cv"), CV_DIGITS),
                     rounded(composite_max, 2) if composite_max is not None else "—",
                     verdict_cell(composite_pass) if composite_max is not None else "—"])
        self.table(f"{zh}全县平均值与差异系数（表Ⅲ）",
                   ["序号", "指标", "单位", "标准值", "全县平均值", "差异系数", "差异系数上限", "是否达标"],
                   rows, [1.6, 7, 1.4, 1.6, 2.2, 2, 2.2, 2])
        self.figure(f"{zh}各项指标差异系数", self.cv_chart(stage))

    def cv_chart(self, stage: str) -> bytes:
        data = self.county["stages"][stage]
        ids = [i for i in self.indicator_ids if i in data["indicators"]]
        stats = [data["indicators"][i] for i in ids]
        references = []
        maxima = {s.get("cv_max") for s in stats} - {None}
        if len(maxima) == 1:
            (maximum,) = maxima
            references.append(Reference(float(maximum), f"差异系数上限 {rounded(maximum, 2)}", charts.STATUS_COLOURS["below"]))
        labels, values, passed = ids[:], [s.get("cv") or 0.0 for s in stats], [s.get("cv_pass") for s in stats]
        if data.get("composite_cv_max") is not None:
            labels.append("综合")
            values.append(data["composite_cv"])
            passed.append(data.get("pass"))
            references.append(Reference(float(data["composite_cv_max"]),
                                        f"综合差异系数上限 {rounded(data['composite_cv_max'], 2)}",
                                        charts.STATUS_COLOURS["below"]))
        printed = [rounded(value, CV_DIGITS) for value in values]
        return charts.cv_chart(f"{STAGE_ZH[stage]}各项指标校际差异系数", labels, values, printed, passed, references)

    def floor_text(self, indicator_id: str, stage: str) -> str:
        """The floor (85% of the standard), exactly (3.57, 0.765, 1700), from the parameters."""
        standard_value = self.params.get(f"{indicator_id}.standard.{stage}")
        ratio = self.params.get("unit.floor_ratio")
        if not isinstance(standard_value, Fraction) or not isinstance(ratio, Fraction):
            return "—"
        return parameter_text(standard_value * ratio)

    def unit_rule_text(self) -> str:
        minimum = parameter_text(self.params.get("unit.min_indicators_met"))
        return (f"每个学校（学段）单位须至少{minimum}项指标达到标准，且每项指标均不低于标准的{self.floor}；"
                f"所有单位均须达标。")

    def stage_units(self, stage: str) -> list[dict]:
        return [u for u in self.units if u["stage"] == stage]

    def compliance_table(self, stage: str) -> None:
        units = self.stage_units(stage)
        data = self.county["stages"][stage]
        rows = []
        for indicator_id in self.indicator_ids:
            statuses = Counter(unit_status(u["indicators"][indicator_id]) for u in units if indicator_id in u["indicators"])
            standard_value = self.params.get(f"{indicator_id}.standard.{stage}")
            rows.append([indicator_id, parameter_text(standard_value), self.floor_text(indicator_id, stage),
                         str(statuses["met"]), str(statuses["floor"]),
                         Cell(str(statuses["below"]), fill=FAIL_FILL if statuses["below"] else None),
                         f"{rounded(100 * statuses['met'] / len(units), 1)}%" if units else "—"])
        compliant = data.get("units_compliant")
        rows.append(["全部", "", "", "", "", "", f"{compliant}/{data['units']}个单位达标"])
        self.table(f"{STAGE_ZH[stage]}各项指标达标单位数（表Ⅱ-1）",
                   ["指标", "标准值", f"{self.floor}值", "达到标准", f"达到{self.floor}未达标准", f"低于{self.floor}", "达标比例"],
                   rows, [1.5, 2, 2, 2, 2.6, 2, 3])

    def unit_table(self, stage: str) -> None:
        units = self.stage_units(stage)
        ids = [i for i in self.indicator_ids if any(i in u["indicators"] for u in units)]
        header = ["序号", "学校名称", "在校生数", *ids]
        if self.has_unit_standards:
            header += ["达标项数", "是否达标", "备注"]
        rows = []
        for number, unit in enumerate(units, 1):
            row: list[Cell | str] = [str(number), Cell(unit["school_name"], align="left"), str(unit["students"])]
            notes = {"floor": [], "below": []}
            for indicator_id in ids:
                entry = unit["indicators"].get(indicator_id, {})
                status = unit_status(entry) if entry else None
                if status in notes:
                    notes[status].append(indicator_id)
                row.append(Cell(rounded(entry.get("value"), self.standard.indicators[indicator_id].decimals), fill=STATUS_FILLS[status]))
            if self.has_unit_standards:
                remark = "；".join(f"{'、'.join(found)}{label}" for found, label in
                                  ((notes["floor"], f"达到{self.floor}"), (notes["below"], f"低于{self.floor}")) if found)
                row += [str(unit.get("met_count", "—")),
                        verdict_cell(unit.get("compliant")), Cell(remark, align="left")]
            rows.append(row)
        value_columns = range(3, 3 + len(ids))
        widths = [1.4, 6, 1.8, *(column_width(rows, header, c) for c in value_columns)]
        widths += [1.6, 2.2, 6] if self.has_unit_standards else []
        self.table(f"{STAGE_ZH[stage]}各单位指标值（表Ⅱ-2）", header, rows, widths)

    def unit_charts(self, stage: str) -> None:
        units = self.stage_units(stage)
        data = self.county["stages"][stage]
        zh = STAGE_ZH[stage]
        for indicator_id in self.indicator_ids:
            present = [u for u in units if u["indicators"].get(indicator_id, {}).get("value") is not None]
            if not present:
                continue
            info = self.standard.indicators[indicator_id]
            entries = [u["indicators"][indicator_id] for u in present]
            digits = self.standard.indicators[indicator_id].decimals
            references = []
            standard_value = entries[0].get("standard")
            if standard_value is not None:
                references.append(Reference(float(standard_value), f"标准 {parameter_text(self.params.get(f'{indicator_id}.standard.{stage}'))}", "#333333"))
            floor = entries[0].get("floor")
            if floor is not None:
                references.append(Reference(float(floor), f"标准的{self.floor} {self.floor_text(indicator_id, stage)}", "#777777", ":"))
            mean = data["indicators"].get(indicator_id, {}).get("mean")
            if mean is not None:
                references.append(Reference(float(mean), f"全县平均 {rounded(mean, digits)}", "#4e79a7", "-."))
            png = charts.unit_bar_chart(
                f"{zh} {indicator_id} {info.name}", [self.short_name(u["school_name"]) for u in present],
                [float(e["value"]) for e in entries], [unit_status(e) for e in entries], references,
                self.value_unit(indicator_id, stage), self.status_labels,
            )
            self.figure(f"{zh}各单位{info.name}", png)

    def short_name(self, school_name: str) -> str:
        """清溪县实验小学 → 实验小学 under the bars: the county is in the title already."""
        return school_name.removeprefix(self.name) or school_name

    def value_unit(self, indicator_id: str, stage: str) -> str:
        """人/百生, ㎡/生 …: the standard parameter's unit, else derived from the indicator's form."""
        parameter = self.standard.parameters.get(f"{indicator_id}.standard.{stage}")
        if parameter is not None and parameter.unit:
            return parameter.unit
        per_hundred = INDICATORS[indicator_id].per == 100 if indicator_id in INDICATORS else False
        return self.standard.indicators[indicator_id].unit + ("/百生" if per_hundred else "/生")

    def items_chapter(self, label: str, info: dict) -> None:
        self.heading(label)
        items = area_items(info)
        self.paragraph(f"{label}结论：{verdict_zh(info.get('pass'), info.get('status'))}。{items_summary(info)}。")
        rows = [[item_id, Cell(item.get("name", ""), align="left"), *self.item_figures(item),
                 verdict_cell(item.get("pass"), item.get("status")), Cell(item.get("note") or "", align="left")]
                for item_id, item in items.items()]
        self.table(f"{label}评估结果", ["序号", "评估内容", "实际值", "标准", "结论", "说明"], rows,
                   [1.3, 7, 1.8, 1.6, 1.6, 5])
        for item_id, item in items.items():
            if item.get("subjects"):
                self.subjects_table(item_id, item["subjects"])

    def subjects_table(self, item_id: str, subjects: dict) -> None:
        rows = [[subject, f"{LEVEL_LABELS[result['level'] - 1]}级" if result.get("level") else "—",
                 rounded(result.get("school_gap_rate"), 2), verdict_cell(result.get("pass"))]
                for subject, result in subjects.items()]
        self.table(f"{item_id} 国家义务教育质量监测各科目结果", ["科目", "学业水平", "校际差异率", "结论"], rows, [3, 3, 3, 3])

    def item_figures(self, item: dict) -> tuple[str, str]:
        """(实际值, 标准) of a check; a per-school check shows how many schools fail, of how many."""
        if item.get("schools_failing") is not None:
            return f"{item['schools_failing']}/{item.get('schools', '—')}所未达标", "全部学校达标"
        return self.figure_text(item.get("value")), self.figure_text(item.get("standard"))

    @staticmethod
    def figure_text(value: Any) -> str:
        """A check's figure: counts as they are, whole amounts without decimals, rates to 2 decimals."""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return str(int(value))
        if isinstance(value, float | Fraction | Decimal):
            return rounded(value, VALUE_DIGITS)
        return "—" if value is None else str(value)

    def veto(self) -> None:
        self.heading("一票否决")
        names = self.standard.items
        veto = self.county["veto"]
        rows = [[vid, Cell(names.get(vid, vid), align="left"),
                 Cell({True: "存在", False: "未发现", None: "未填报"}[present],
                      fill=FAIL_FILL if present else None)]
                for vid, present in veto.items()]
        found = [vid for vid, present in veto.items() if present]
        self.paragraph("存在一票否决情形，不予认定。" if found else "未发现一票否决情形。"
                       if all(present is False for present in veto.values()) else "部分一票否决事项未填报，须核实。")
        self.table("一票否决事项", ["序号", "事项", "情况"], rows, [1.5, 10, 3])

    def problem_summary(self) -> None:
        self.heading("问题清单摘要")
        problems = self.problems
        if not problems:
            self.paragraph("未发现需要整改的问题。")
            return
        schools = {p["school_code"] for p in problems}
        blocking = sum(1 for p in problems if p.get("blocking"))
        self.paragraph(f"共发现问题{len(problems)}个，涉及{len(schools)}所学校，其中影响达标认定的{blocking}个。"
                       f"完整清单（含每项缺口）见问题清单工作簿。")
        by_kind: dict[str, list[dict]] = {}
        for problem in problems:
            by_kind.setdefault(problem["kind"], []).append(problem)
        rows = [[Cell(PROBLEM_KINDS.get(kind, kind).format(floor=self.floor), align="left"), str(len(found)),
                 str(len({p["school_code"] for p in found})), str(sum(1 for p in found if p.get("blocking")))]
                for kind, found in by_kind.items()]
        self.table("问题分类统计", ["问题类型", "问题数", "涉及学校数", "影响达标"], rows, [6, 2, 2.5, 2.5])
        ordered = sorted(problems, key=lambda p: not p.get("blocking"))[:TOP_PROBLEMS]
        rows = [[str(n), Cell(p.get("school_name") or p["school_code"], align="left"),
                 STAGE_ZH.get(p.get("stage"), "—"), p.get("item", ""), Cell(p.get("message", ""), align="left")]
                for n, p in enumerate(ordered, 1)]
        shown = f"前{len(ordered)}个" if len(problems) > len(ordered) else "全部"
        self.table(f"主要问题（{shown}，影响达标的在前）", ["序号", "学校", "学段", "项目", "问题"], rows,
                   [1.3, 5, 1.5, 1.5, 7])

    def appendix(self) -> None:
        document = self.document
        document.add_heading("附录 计算方法与参数", 1)
        document.add_heading("差异系数的计算", 2)
        self.paragraph("差异系数按在校生数加权计算（教育部公布的计算方法）。某学段有 n 个学校（学段）单位，"
                       "第 i 个单位的指标值为 Xᵢ、在校生数为 Pᵢ，P = ΣPᵢ：")
        for line in ("全县平均值  X̄ = ΣPᵢXᵢ / P", "标准差  S = √( Σ (Pᵢ / P)(Xᵢ − X̄)² )", "差异系数  CV = S / X̄"):
            paragraph = document.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        judged_on_rounded = self.params.get("cv.judge_on_rounded")
        self.paragraph("标准差按总体公式计算（除以 P，而非 P − 1）；只有一个单位的学段差异系数为 0。"
                       + (f"达标判定使用舍入到 {CV_DIGITS} 位小数的差异系数；" if judged_on_rounded
                          else "达标判定使用未经舍入的数值；")
                       + f"表中全县平均值与各校指标值保留 {VALUE_DIGITS} 位小数，差异系数保留 {CV_DIGITS} 位小数。")
        document.add_heading("一贯制学校与完全中学的资源分摊", 2)
        self.paragraph(self.split_rule_text())
        document.add_heading("纳入与不纳入评估的学校", 2)
        add_bullets(document, self.scope_lines())
        if self.excluded:
            rows = [[str(n), Cell(e.get("school_name", ""), align="left"), e.get("school_code", ""),
                     Cell(e.get("reason", ""), align="left")] for n, e in enumerate(self.excluded, 1)]
            self.table("未纳入资源配置评估的学校", ["序号", "学校名称", "学校标识码", "原因"], rows, [1.3, 6, 3.5, 5])
        document.add_heading("评估参数", 2)
        self.parameters_table()

    def split_rule_text(self) -> str:
        weight = {s: self.params.get(f"split.weight.{s}") for s in ("primary", "junior", "senior")}
        if any(w is None for w in weight.values()):
            return "本标准未规定分摊系数。"
        primary, junior, senior = (parameter_text(weight[s]) for s in ("primary", "junior", "senior"))
        senior_to_junior = parameter_text(weight["senior"] / weight["junior"])
        return (f"教学及辅助用房、体育运动场馆、教学仪器设备、网络多媒体教室等全校共用的资源，按折算后的在校生数"
                f"分摊到各学段（小学生 : 初中生 : 高中生 = {primary} : {junior} : {senior}）。设某校小学、初中、高中"
                f"在校生数为 A、B、C：九年一贯制学校小学部分得 A/(A + {junior}B)，初中部分得 {junior}B/(A + {junior}B)；"
                f"完全中学初中部分得 B/(B + {senior_to_junior}C)（初中生 : 高中生 = 1 : {senior_to_junior}）；"
                f"十二年一贯制学校小学部分得 A/(A + {junior}B + {senior}C)，初中部分得 {junior}B/(A + {junior}B + {senior}C)。"
                "教师按其任教学段计算，不分摊。")

    def scope_lines(self) -> list[str]:
        params = self.params
        lines = ["纳入：小学、初中，九年一贯制和十二年一贯制学校的小学部、初中部，完全中学的初中部。"]
        if params.get("scope.include_teaching_points"):
            lines.append(f"教学点在校生达到{parameter_text(params.get('scope.teaching_point_min_students'))}人（含）"
                         "的作为小学单位纳入，不足的不纳入。")
        else:
            lines.append("教学点不纳入。")
        lines.append("民办学校纳入。" if params.get("scope.include_private") else "民办学校不纳入。")
        excluded_types = params.get("scope.excluded_types")
        if excluded_types:
            lines.append(f"不纳入：{parameter_text(excluded_types)}，以及学校的高中部分。")
        return lines

    def parameters_table(self) -> None:
        overridden = [p for p in self.standard.parameters.values() if p.overridden_by]
        if overridden:
            self.paragraph(f"下表中标注“调整”的{len(overridden)}项参数由实施方案"
                           f"（{'、'.join(self.standard.profiles)}）调整，其余为{self.standard.reference}的规定。")
        rows = []
        for parameter in self.standard.parameters.values():
            reference = official_reference(parameter.reference) + (
                f"（{parameter.overridden_by}调整）" if parameter.overridden_by else "")
            rows.append([Cell(parameter.description, align="left"),
                         Cell(parameter_text(self.params.get(parameter.id)),
                              fill=FLOOR_FILL if parameter.overridden_by else None),
                         parameter.unit, Cell(reference, align="left")])
        self.table(f"{self.county['year']}年度适用的评估参数", ["参数", "取值", "单位", "依据"], rows,
                   [8.2, 2, 1.8, 6.5])
