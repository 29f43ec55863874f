"""The 测算表: an evaluation laid out as the national 申报表 (表Ⅱ-1 … 表Ⅵ) in one workbook.

Everything shown comes from ``Evaluation.to_dict()``; this module computes no indicator and judges
nothing itself. Values are stored unrounded and displayed with the official decimals (per-unit
values and 全县平均值 2, 差异系数 3), so a reviewer can widen the format to check a boundary case.
Red fill marks what fails; amber marks a per-unit value that reaches only 85%–100% of its standard.

Layout choice: one workbook per county (总体结论, 表Ⅰ, 表Ⅱ-1, 表Ⅱ-2, 未纳入学校 when some are
excluded, 表Ⅲ, and for 优质均衡 表Ⅳ–Ⅵ), because each county files its own 申报表 and a reviewer
prints and signs it county by county. With several counties (or years) the path names a folder
that receives one 测算表 per county plus 各县汇总.xlsx, one sheet listing every county's result
(:mod:`junheng.io.county_files`). The rows of all counties are grouped once, so a national file
is linear in the number of counties.

A 测算表 computed under ``--set`` (假设分析) or a province's profile says so in red on its first
sheet and on every sheet's subtitle (``scenario``), so it cannot pass for the official one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from xlsxwriter.worksheet import Worksheet

from junheng.io.county_files import (
    county_key,
    county_targets,
    folder_for,
    group_by_county,
    partition_by_county,
)
from junheng.io.county_summary import write_summary_workbook
from junheng.io.xlsx import (
    LINE_HEIGHT,
    SheetNames,
    Styles,
    atomic_workbook,
    number_format_for,
    wrapped_height,
    yes_no,
)
from junheng.progress import SILENT, Progress
from junheng.schema import AREA_ZH, COMPULSORY_STAGES, SCHOOL_TYPES, STAGE_ZH
from junheng.standards import percent_text

MEAN_FORMAT = "0.00"
CV_FORMAT = "0.000"
RATIO_FORMAT = "0.00%"
CONCLUSION_WIDTHS = [22, 60, 14]
ITEM_HEADERS = ["序号", "评估内容", "现值", "标准", "是否达标", "说明"]
ITEM_WIDTHS = [7, 50, 14, 14, 10, 50]
GRID_NAME_WIDTH = 36
GRID_WIDTH = 12
SUMMARY_FILE = "各县汇总"


def value_format(standard, indicator_id: str) -> str:
    """The places the official tables print (the standard's ``decimals``: 2, or 3 for 基本均衡 B6–B8)."""
    return "0." + "0" * standard.indicators[indicator_id].decimals


def county_label(county: dict) -> str:
    return f"{county['county_name']} {county['year']} 年度"


def stage_order(stage: str) -> int:
    return COMPULSORY_STAGES.index(stage) if stage in COMPULSORY_STAGES else len(COMPULSORY_STAGES)


class _CountySheets:
    """Writes the workbook of one county."""

    def __init__(self, workbook, evaluation, county: dict, units: list[dict], excluded: list[dict],
                 schools: pl.DataFrame | None, scenario: str | None = None) -> None:
        self.workbook = workbook
        self.styles = Styles(workbook)
        self.names = SheetNames()
        self.standard = evaluation.standard
        self.indicators = list(self.standard.indicators)
        self.county = county
        self.scenario = scenario
        self.banner = workbook.add_format({"bold": True, "font_color": "#C00000", "font_size": 12})
        self.units = sorted(units, key=lambda u: (stage_order(u["stage"]), str(u["school_code"])))
        self.excluded = excluded
        self.schools = schools
        # A 学段 without units ("不适用") gets no columns; the conclusion says why.
        self.stages = [s for s in self.standard.stages
                       if s in county["stages"] and (county["stages"][s] or {}).get("applicable", True)]
        self.per_unit_standard = any(ind.get("standard") is not None
                                     for u in self.units for ind in u["indicators"].values())
        self.assessed_areas = bool(county.get("areas", {}).get("government"))
        rule = county.get("unit_rule")  # 优质均衡 only: 基本均衡 has no per-unit standard
        self.floor_text = percent_text(rule["floor_ratio"]) if rule else ""

    def sheet(self, table: str, title: str, widths: list[float], landscape: bool = True) -> Worksheet:
        sheet = self.workbook.add_worksheet(self.names.unique(table))
        sheet.write_string(0, 0, f"{table} {title}", self.styles.title)
        if self.scenario:
            sheet.write_string(1, 0, f"{self.scenario}　{county_label(self.county)}　评估标准：{self.standard.label}",
                               self.banner)
        else:
            sheet.write_string(1, 0, f"{county_label(self.county)}　评估标准：{self.standard.label}", self.styles.note)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.set_paper(9)
        if landscape:
            sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        return sheet

    def header(self, sheet: Worksheet, row: int, headers: list[str]) -> None:
        for col, text in enumerate(headers):
            sheet.write_string(row, col, text, self.styles.header)
        sheet.set_row(row, 32)
        sheet.repeat_rows(row)
        sheet.freeze_panes(row + 1, 0)

    def stage_grid(self, table: str, title: str, per_stage: list[str]) -> tuple[Worksheet, int]:
        """A sheet whose columns are grouped by 学段 under a two-row header; returns it and the header's last row."""
        s = self.styles
        sheet = self.sheet(table, title, [8, GRID_NAME_WIDTH] + [GRID_WIDTH] * (len(per_stage) * len(self.stages)))
        top, row = 3, 4
        sheet.merge_range(top, 0, row, 0, "编号", s.header)
        sheet.merge_range(top, 1, row, 1, "指标", s.header)
        for index, stage in enumerate(self.stages):
            first = 2 + index * len(per_stage)
            label = f"{STAGE_ZH[stage]}（{self.stage_dict(stage).get('units', 0)} 个学校（学段））"
            sheet.merge_range(top, first, top, first + len(per_stage) - 1, label, s.header)
            for offset, text in enumerate(per_stage):
                sheet.write_string(row, first + offset, text, s.header)
        sheet.set_row(row, max(32, wrapped_height([(text, GRID_WIDTH) for text in per_stage])))
        sheet.repeat_rows(top, row)
        sheet.freeze_panes(row + 1, 2)
        return sheet, row

    def indicator_rows(self, sheet: Worksheet, row: int, group_width: int,
                       composite_label: str) -> Iterator[tuple[int, str | None, list[tuple[int, dict, dict]]]]:
        """Write 编号 and 指标 of each indicator row, then of the 综合 row (indicator ``None``), and yield
        the row with, per 学段, its first column, the stage result and the indicator's figures."""
        for indicator_id in [*self.indicators, None]:
            row += 1
            name = self.standard.indicators[indicator_id].name if indicator_id else composite_label
            sheet.write_string(row, 0, indicator_id or "综合", self.styles.text)
            sheet.write_string(row, 1, name, self.styles.wrap)
            sheet.set_row(row, wrapped_height([(name, GRID_NAME_WIDTH)]))
            groups = []
            for index, stage in enumerate(self.stages):
                stage_result = self.stage_dict(stage)
                figures = stage_result.get("indicators", {}).get(indicator_id) or {} if indicator_id else {}
                groups.append((2 + index * group_width, stage_result, figures))
            yield row, indicator_id, groups

    def stage_dict(self, stage: str) -> dict:
        return self.county["stages"].get(stage) or {}

    def write_all(self) -> None:
        self.conclusion()
        self.basic_facts()
        if self.per_unit_standard:
            self.compliance_counts()
        self.unit_table()
        if self.excluded:
            self.excluded_table()
        self.cv_table()
        if self.assessed_areas:
            self.items_table("表Ⅳ", "政府保障程度评估表", "government")
            self.items_table("表Ⅴ", "教育质量评估表", "quality")
            self.recognition_table()

    # 总体结论, 一票否决 -------------------------------------------------------------------
    def conclusion(self) -> None:
        s = self.styles
        sheet = self.sheet("总体结论", "测算结论", CONCLUSION_WIDTHS, landscape=False)
        verdict = self.county.get("verdict", {})
        row = 3
        if self.scenario:
            sheet.merge_range(row, 0, row, 2, f"{self.scenario}：本表不是正式测算表", self.banner)
            row += 2
        sheet.write_string(row, 0, "总体结论", s.header)
        passed = verdict.get("pass")
        sheet.write_string(row, 1, f"{'达到' if passed else '未达到'}{self.standard.short_name}评估要求"
                           if passed is not None else "未能评估（数据不全）", s.verdict(passed))
        row += 1
        for reason in verdict.get("reasons", []):
            sheet.write_string(row, 0, "原因", s.text)
            sheet.merge_range(row, 1, row, 2, str(reason), s.wrap)
            sheet.set_row(row, wrapped_height([(str(reason), CONCLUSION_WIDTHS[1] + CONCLUSION_WIDTHS[2])]))
            row += 1
        prerequisite = self.county.get("prerequisite")
        if prerequisite:
            sheet.write_string(row, 0, "申报前提", s.text)
            sheet.write_string(row, 1, str(prerequisite.get("note") or ""), s.wrap)
            sheet.write_string(row, 2, yes_no(prerequisite.get("pass")), s.verdict(prerequisite.get("pass")))
            row += 1
        row += 1
        if self.assessed_areas:
            self.header(sheet, row, ["评估内容", "说明", "是否达标"])
            for area_id, name in AREA_ZH.items():
                row += 1
                area = self.county["areas"].get(area_id) or {}
                sheet.write_string(row, 0, name, s.text)
                sheet.write_string(row, 1, str(area.get("note") or ""), s.wrap)
                sheet.write_string(row, 2, yes_no(area.get("pass"), area.get("status")), s.verdict(area.get("pass")))
            row += 2
        for stage in self.standard.stages:
            stage_result = self.stage_dict(stage)
            if stage in self.stages:
                counted = f"学校（学段）{stage_result.get('units', 0)} 个"
                note = counted + (f"，其中达标 {stage_result.get('units_compliant', 0)} 个"
                                  if self.per_unit_standard else "")
                verdict_text, passed = yes_no(stage_result.get("pass")), stage_result.get("pass")
            else:
                note, verdict_text, passed = str(stage_result.get("note") or "无评估单元"), "不适用", None
            sheet.write_string(row, 0, f"{STAGE_ZH[stage]}资源配置", s.text)
            sheet.write_string(row, 1, note, s.wrap)
            sheet.write_string(row, 2, verdict_text, s.verdict(passed))
            row += 1
        veto = self.county.get("veto") or {}
        if veto:
            row += 1
            sheet.write_string(row, 0, "一票否决", s.subtitle)
            row += 1
            sheet.write_string(row, 0, "项目", s.header)
            sheet.write_string(row, 1, "内容", s.header)
            sheet.write_string(row, 2, "是否存在", s.header)
            for veto_id, present in veto.items():
                row += 1
                sheet.write_string(row, 0, veto_id, s.text)
                sheet.write_string(row, 1, self.standard.items.get(veto_id, veto_id), s.wrap)
                shown = "未填报" if present is None else "存在" if present else "不存在"
                sheet.write_string(row, 2, shown, s.verdict(None if present is None else not present))

    # 表Ⅰ -------------------------------------------------------------------------------
    def basic_facts(self) -> None:
        """表Ⅰ 基本情况: the county, its schools by type (公办/民办), pupils, classes and teachers per
        学段, and how many 学校（学段） are evaluated — the facts the 申报表 opens with."""
        s = self.styles
        columns = ["学校类型", "学校数", "其中公办", "其中民办", "小学在校生数", "初中在校生数", "小学班级数",
                   "初中班级数", "小学专任教师数", "初中专任教师数"]
        widths = [18] + [11] * (len(columns) - 1)
        sheet = self.sheet("表Ⅰ", "基本情况", widths)
        row = 3
        facts = [("县(区)名称", str(self.county["county_name"])), ("县(区)代码", str(self.county.get("county_code") or "")),
                 ("评估年度", f"{self.county['year']} 年"), ("评估标准", self.standard.label)]
        for label, value in facts:
            sheet.write_string(row, 0, label, s.header)
            sheet.merge_range(row, 1, row, 4, value, s.text)
            row += 1
        row += 1
        self.header(sheet, row, columns)
        sheet.set_row(row, wrapped_height([(c, w) for c, w in zip(columns, widths, strict=True)]))
        for label, figures in self._school_counts():
            row += 1
            sheet.write_string(row, 0, label, s.header if label == "合计" else s.text)
            for col, figure in enumerate(figures, start=1):
                sheet.write_number(row, col, figure, s.integer)
        row += 2
        sheet.write_string(row, 0, "评估单元", s.subtitle)
        for stage in self.standard.stages:
            row += 1
            sheet.write_string(row, 0, f"{STAGE_ZH[stage]}学校（学段）", s.text)
            sheet.write_number(row, 1, (self.stage_dict(stage) or {}).get("units") or 0, s.integer)
        row += 1
        sheet.write_string(row, 0, "未纳入评估", s.text)
        sheet.write_number(row, 1, len(self.excluded), s.integer)
        sheet.write_string(row, 2, "（学校或学段，原因见“未纳入学校”表）" if self.excluded else "", s.note)

    def _school_counts(self) -> list[tuple[str, list[int]]]:
        if self.schools is None or not self.schools.height:
            return [("合计", [0] * 9)]
        figures = [
            pl.len().alias("schools"), (pl.col("ownership") == "公办").sum().alias("public"),
            (pl.col("ownership") == "民办").sum().alias("private"),
            *(pl.col(f"{stage}_{field}").fill_null(0).sum().alias(f"{stage}_{field}")
              for field in ("students", "classes", "teachers") for stage in COMPULSORY_STAGES),
        ]
        order = {t.label: n for n, t in enumerate(SCHOOL_TYPES)}
        by_type = self.schools.group_by("school_type").agg(figures).sort(
            pl.col("school_type").replace_strict(order, default=len(order)))
        total = self.schools.select(figures)
        return [(str(r[0]), [int(v) for v in r[1:]]) for r in by_type.iter_rows()] + \
            [("合计", [int(v) for v in total.row(0)])]

    # 表Ⅱ-1 ----------------------------------------------------------------------------
    def compliance_counts(self) -> None:
        floor = self.floor_text
        per_stage = ["学校数", "达标学校数", "达标比例", f"达到{floor}–100%学校数"]
        sheet, header_row = self.stage_grid("表Ⅱ-1", "资源配置各项指标达标学校数及比例", per_stage)
        rule = self.county.get("unit_rule") or {}
        composite = f"学校（学段）达标：至少{rule.get('min_indicators_met', '')}项达到标准且每项不低于标准的{floor}"
        for row, indicator_id, groups in self.indicator_rows(sheet, header_row, len(per_stage), composite):
            for col, stage_result, figures in groups:
                if indicator_id:
                    self._count_cells(sheet, row, col, stage_result.get("units"), figures.get("units_meeting"),
                                      figures.get("units_at_floor"))
                else:
                    self._count_cells(sheet, row, col, stage_result.get("units"),
                                      stage_result.get("units_compliant"), None)

    def _count_cells(self, sheet: Worksheet, row: int, col: int, units, meeting, at_floor) -> None:
        s = self.styles
        for offset, count in ((0, units), (1, meeting), (3, at_floor)):
            if count is not None:
                sheet.write_number(row, col + offset, count, s.integer)
            else:
                sheet.write_blank(row, col + offset, None, s.text)
        if units and meeting is not None:
            state = "" if meeting == units else "fail"
            sheet.write_number(row, col + 2, meeting / units, s.number(RATIO_FORMAT, state))
        else:
            sheet.write_blank(row, col + 2, None, s.text)

    # 表Ⅱ-2 ----------------------------------------------------------------------------
    def unit_table(self) -> None:
        s = self.styles
        verdict_columns = ["达标项数", "是否达标", "备注"] if self.per_unit_standard else []
        headers = ["序号", "学校标识码", "学校名称", "学段", "在校生数",
                   *(f"{i}\n{self.standard.indicators[i].name}" for i in self.indicators), *verdict_columns]
        widths = [6, 13, 26, 6, 9] + [11] * len(self.indicators) + ([8, 8, 30] if verdict_columns else [])
        sheet = self.sheet("表Ⅱ-2", "学校（学段）资源配置指标测算表", widths)
        self.header(sheet, 3, headers)
        sheet.set_row(3, wrapped_height(list(zip(headers, widths, strict=True))) + LINE_HEIGHT)  # + the id line
        sheet.freeze_panes(4, 3)
        for number, unit in enumerate(self.units, start=1):
            row = 3 + number
            sheet.write_number(row, 0, number, s.integer)
            sheet.write_string(row, 1, str(unit["school_code"]), s.text)
            sheet.write_string(row, 2, str(unit["school_name"]), s.text)
            sheet.write_string(row, 3, STAGE_ZH.get(unit["stage"], unit["stage"]), s.text)
            sheet.write_number(row, 4, unit["students"], s.integer)
            for offset, indicator_id in enumerate(self.indicators):
                self._unit_value(sheet, row, 5 + offset, indicator_id, unit["indicators"].get(indicator_id) or {})
            if verdict_columns:
                col = 5 + len(self.indicators)
                sheet.write_number(row, col, unit.get("met_count") or 0, s.integer)
                sheet.write_string(row, col + 1, yes_no(unit.get("compliant")), s.verdict(unit.get("compliant")))
                remark = self.unit_remark(unit)
                sheet.write_string(row, col + 2, remark, s.wrap)
                sheet.set_row(row, wrapped_height([(remark, widths[col + 2])]))
        if self.units:
            sheet.autofilter(3, 0, 3 + len(self.units), len(headers) - 1)

    def _unit_value(self, sheet: Worksheet, row: int, col: int, indicator_id: str, figures: dict) -> None:
        value = figures.get("value")
        if value is None:
            sheet.write_string(row, col, "—", self.styles.text)
            return
        state = ""
        if figures.get("floor_met") is False:
            state = "fail"
        elif figures.get("met") is False:
            state = "floor"
        sheet.write_number(row, col, value, self.styles.number(value_format(self.standard, indicator_id), state))

    def unit_remark(self, unit: dict) -> str:
        """备注: the indicators between the floor (85%) and the standard (as the 申报表 asks), then those below it."""
        at_floor = [i for i in self.indicators
                    if unit["indicators"].get(i, {}).get("floor_met") and unit["indicators"][i].get("met") is False]
        below = [i for i in self.indicators if unit["indicators"].get(i, {}).get("floor_met") is False]
        parts = []
        if at_floor:
            parts.append(f"{'、'.join(at_floor)} 达到标准的{self.floor_text}–100%")
        if below:
            parts.append(f"{'、'.join(below)} 低于标准的{self.floor_text}")
        return "；".join(parts)

    def excluded_table(self) -> None:
        s = self.styles
        sheet = self.sheet("未纳入学校", "未纳入资源配置评估的学校", [6, 13, 30, 8, 40], landscape=False)
        self.header(sheet, 3, ["序号", "学校标识码", "学校名称", "学段", "原因"])
        for number, school in enumerate(self.excluded, start=1):
            row = 3 + number
            sheet.write_number(row, 0, number, s.integer)
            sheet.write_string(row, 1, str(school.get("school_code") or ""), s.text)
            sheet.write_string(row, 2, str(school.get("school_name") or ""), s.text)
            sheet.write_string(row, 3, STAGE_ZH.get(school.get("stage") or "", ""), s.text)
            sheet.write_string(row, 4, str(school.get("reason") or ""), s.wrap)

    # 表Ⅲ ------------------------------------------------------------------------------
    def cv_table(self) -> None:
        per_stage = ["全县平均值", "差异系数", "差异系数上限", "是否达标"]
        sheet, header_row = self.stage_grid("表Ⅲ", "资源配置各项指标校际差异系数", per_stage)
        composite = "综合差异系数（各项差异系数的平均值）"
        for row, indicator_id, groups in self.indicator_rows(sheet, header_row, len(per_stage), composite):
            for col, stage_result, figures in groups:
                if indicator_id:
                    # 基本均衡 judges only the 综合 value: its indicators carry no cv_max.
                    self._cv_cells(sheet, row, col, figures.get("mean"), figures.get("cv"), figures.get("cv_max"),
                                   figures.get("cv_pass"), value_format(self.standard, indicator_id),
                                   "cv_max" in figures)
                else:
                    judged = "composite_cv_max" in stage_result
                    self._cv_cells(sheet, row, col, None, stage_result.get("composite_cv"),
                                   stage_result.get("composite_cv_max"),
                                   stage_result.get("pass") if judged else None, MEAN_FORMAT, judged)
        if not any("composite_cv_max" in self.stage_dict(stage) for stage in self.stages):
            sheet.write_string(row + 2, 0, "注：综合差异系数仅供参考，不作为判定依据；每项指标的差异系数须分别达到要求。",
                               self.styles.note)

    def _cv_cells(self, sheet: Worksheet, row: int, col: int, mean, cv, cv_max, passed, mean_format: str,
                  judged: bool) -> None:
        s = self.styles
        state = "fail" if passed is False else ""
        for offset, (number, fmt) in enumerate(((mean, mean_format), (cv, CV_FORMAT), (cv_max, CV_FORMAT))):
            if number is None:
                sheet.write_blank(row, col + offset, None, s.text)
            else:
                sheet.write_number(row, col + offset, number, s.number(fmt, state if offset == 1 else ""))
        shown = yes_no(passed) if judged else "不作判定"
        sheet.write_string(row, col + 3, shown, s.verdict(passed))

    # 表Ⅳ, 表Ⅴ, 表Ⅵ ------------------------------------------------------------------------
    def items_table(self, table: str, title: str, area_id: str) -> None:
        area = self.county["areas"].get(area_id) or {}
        sheet = self.sheet(table, title, ITEM_WIDTHS)
        self.header(sheet, 3, ITEM_HEADERS)
        for row, (item_id, item) in enumerate((area.get("items") or {}).items(), start=4):
            self._item_row(sheet, row, item_id, item)
        summary_row = 5 + len(area.get("items") or {})
        sheet.write_string(summary_row, 1, f"{AREA_ZH[area_id]}结论", self.styles.subtitle)
        sheet.write_string(summary_row, 4, yes_no(area.get("pass"), area.get("status")),
                           self.styles.verdict(area.get("pass")))

    def _item_row(self, sheet: Worksheet, row: int, item_id: str, item: dict) -> None:
        s = self.styles
        passed = item.get("pass")
        sheet.write_string(row, 0, item_id, s.text)
        name = str(item.get("name") or self.standard.items.get(item_id, item_id))
        sheet.write_string(row, 1, name, s.wrap)
        for col, figure in ((2, item.get("value")), (3, item.get("standard"))):
            if isinstance(figure, int | float) and not isinstance(figure, bool):
                state = "fail" if passed is False and col == 2 else ""
                sheet.write_number(row, col, figure, s.number(number_format_for(figure), state))
            else:
                sheet.write_string(row, col, "" if figure is None else str(figure), s.text)
        sheet.write_string(row, 4, yes_no(passed, item.get("status")), s.verdict(passed))
        sheet.write_string(row, 5, str(item.get("note") or ""), s.wrap)
        sheet.set_row(row, wrapped_height([(name, ITEM_WIDTHS[1]), (str(item.get("note") or ""), ITEM_WIDTHS[5])]))

    def recognition_table(self) -> None:
        area = self.county["areas"].get("recognition") or {}
        sheet = self.sheet("表Ⅵ", "社会认可度", ITEM_WIDTHS)
        self.header(sheet, 3, ITEM_HEADERS)
        items = area.get("items") or {"S1": area}
        for row, (item_id, item) in enumerate(items.items(), start=4):
            self._item_row(sheet, row, item_id, item)


def _county_rows(evaluation) -> tuple[list[dict], dict, dict, dict]:
    """The counties, and each county's units, excluded schools and school rows, grouped once. Only the
    parts the 测算表 shows are built (not the whole ``to_dict()``: a national one takes 2 GB)."""
    return (evaluation.counties, group_by_county(evaluation.units_list()),
            group_by_county(evaluation.excluded.to_dicts()), partition_by_county(evaluation.dataset.schools))


def _county_workbook(evaluation, county: dict, units: dict, excluded: dict, schools: dict, path: Path,
                     scenario: str | None) -> Path:
    key = county_key(county)
    with atomic_workbook(path) as workbook:
        _CountySheets(workbook, evaluation, county, units.get(key, []), excluded.get(key, []), schools.get(key),
                      scenario).write_all()
    return path


def write_evaluation_xlsx(evaluation, path: str | os.PathLike, *, scenario: str | None = None) -> Path:
    """Write the 测算表 workbook of a one-county evaluation (a :class:`junheng.evaluate.Evaluation`)."""
    counties, units, excluded, schools = _county_rows(evaluation)
    if len(counties) != 1:
        raise ValueError(f"write_evaluation_xlsx writes one county; the evaluation has {len(counties)}: "
                         "use write_evaluation_workbooks")
    return _county_workbook(evaluation, counties[0], units, excluded, schools, Path(path), scenario)


def write_evaluation_workbooks(evaluation, path: str | os.PathLike, *, scenario: str | None = None,
                               progress: Progress = SILENT) -> list[Path]:
    """One 测算表 per county: ``path`` itself for one county; for several, ``<县名>测算表.xlsx`` in the
    folder ``path`` names, plus ``各县汇总.xlsx`` (written first in the returned list)."""
    with progress.step("整理各县数据"):
        counties, units, excluded, schools = _county_rows(evaluation)
    targets = county_targets(path, ".xlsx", "测算表", counties)
    written = []
    with progress.step("写出测算表"):
        for done, (county, target) in enumerate(zip(counties, targets, strict=True), start=1):
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(_county_workbook(evaluation, county, units, excluded, schools, target, scenario))
            progress.advance(done, len(counties), "个县")
    if len(counties) > 1:
        summary = folder_for(path, ".xlsx") / f"{SUMMARY_FILE}.xlsx"
        written.insert(0, write_summary_workbook(summary, evaluation.standard, counties, targets, scenario))
    return written
