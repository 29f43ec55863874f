"""各县汇总 of a reviewer's region as an Excel workbook: the roll-up page's rows, in its order
(furthest from passing first), with collection and rectification progress."""

from __future__ import annotations

import io

import xlsxwriter

from junheng.io.xlsx import Styles, wrapped_height, yes_no
from junheng.schema import AREA_ZH, STAGE_ZH

from .summaries import RollupRow

STAGES = tuple(STAGE_ZH)


def rollup_workbook(rows: list[RollupRow], title: str, year: int) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "in_memory": True})
    styles = Styles(workbook)
    sheet = workbook.add_worksheet("各县汇总")
    sheet.write_string(0, 0, f"{title} {year} 年度各县汇总", styles.title)
    sheet.write_string(1, 0, f"共 {len(rows)} 个县（区），按未通过项多少、差异系数高低排列；只计审核通过的数据", styles.note)
    headers = ["县(区)代码", "县(区)", "年度", "总体结论", *AREA_ZH.values(),
               *(f"{STAGE_ZH[s]}评估单元数" for s in STAGES), *(f"{STAGE_ZH[s]}达标数" for s in STAGES),
               *(f"{STAGE_ZH[s]}差异系数达标" for s in STAGES), "差异系数最高（实际/上限）",
               "学校数", "审核通过", "采集进度", "问题数", "已销号", "整改进度", "未通过项数", "未通过原因"]
    widths = [10, 16, 7, 10, *[12] * len(AREA_ZH), *[10] * (3 * len(STAGES)), 18, 8, 8, 8, 8, 8, 8, 8, 60]
    for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
        sheet.write_string(3, col, text, styles.header)
        sheet.set_column(col, col, width)
    sheet.set_row(3, wrapped_height(list(zip(headers, widths, strict=True))))
    sheet.freeze_panes(4, 2)
    percent = workbook.add_format({"border": 1, "num_format": "0%", "valign": "top"})
    for r, row in enumerate(rows, start=4):
        summary = row.summary or {}
        cells: list = [row.county.code, row.county.name, row.year]
        sheet.write_string(r, 3, yes_no(row.passed) if row.summary else row.verdict_word, styles.verdict(row.passed))
        for col, value in enumerate(cells):
            (sheet.write_number if isinstance(value, int) else sheet.write_string)(r, col, value, styles.text)
        col = 4
        for area in AREA_ZH:
            passed = (summary.get("areas", {}).get(area) or {}).get("pass")
            sheet.write_string(r, col, yes_no(passed) if row.summary else "", styles.verdict(passed))
            col += 1
        by_stage = {s["stage"]: s for s in row.stages}
        for key in ("units", "units_compliant"):
            for stage in STAGES:
                _number(sheet, r, col, (by_stage.get(stage) or {}).get(key), styles.integer)
                col += 1
        for stage in STAGES:
            s = by_stage.get(stage)
            sheet.write_string(r, col, f"{s['cv_met']}/{s['cv_judged']}" if s and s["cv_judged"] else "", styles.text)
            col += 1
        sheet.write_string(r, col, row.worst_cv, styles.text)
        for offset, value in enumerate((row.schools, row.accepted)):
            sheet.write_number(r, col + 1 + offset, value, styles.integer)
        _ratio(sheet, r, col + 3, row.accepted, row.schools, percent, styles.text)
        sheet.write_number(r, col + 4, row.problems, styles.integer)
        sheet.write_number(r, col + 5, row.closed, styles.integer)
        _ratio(sheet, r, col + 6, row.closed, row.problems, percent, styles.text)
        sheet.write_number(r, col + 7, len(row.reasons), styles.integer)
        sheet.write_string(r, col + 8, "\n".join(row.reasons), styles.wrap)
    if rows:
        sheet.autofilter(3, 0, 3 + len(rows), len(headers) - 1)
    workbook.close()
    return buffer.getvalue()


def _number(sheet, row: int, col: int, value, style) -> None:
    if value is None:
        sheet.write_blank(row, col, None, style)
    else:
        sheet.write_number(row, col, value, style)


def _ratio(sheet, row: int, col: int, part: int, whole: int, percent, blank) -> None:
    if whole:
        sheet.write_number(row, col, part / whole, percent)
    else:
        sheet.write_blank(row, col, None, blank)
