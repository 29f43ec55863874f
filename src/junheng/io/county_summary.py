"""各县汇总.xlsx: the one-sheet summary beside the 测算表 of several counties (one row per county,
furthest from passing first: its verdict, each area, its 学校（学段） and how many comply, its worst
差异系数, what holds it back, and a link to the county's workbook)."""

from __future__ import annotations

from pathlib import Path

from junheng.io.xlsx import Styles, atomic_workbook, wrapped_height, yes_no
from junheng.rollup import holding_back, worst_cv, worst_first
from junheng.schema import AREA_ZH, STAGE_ZH


def write_summary_workbook(path: Path, standard, counties: list[dict], files: list[Path], scenario: str | None) -> Path:
    """各县汇总: one sheet, one row per county, with a link to the county's own 测算表."""
    with atomic_workbook(path) as workbook:
        styles = Styles(workbook)
        sheet = workbook.add_worksheet("各县结论")
        sheet.write_string(0, 0, "各县测算结论", styles.title)
        if scenario:
            sheet.write_string(1, 0, f"{scenario}：本表不是正式测算结果　评估标准：{standard.label}",
                               workbook.add_format({"bold": True, "font_color": "#C00000"}))
        else:
            sheet.write_string(1, 0, f"评估标准：{standard.label}　共 {len(counties)} 个县（区）", styles.note)
        stages = list(standard.stages)
        headers = ["县(区)代码", "县(区)", "年度", "总体结论", *AREA_ZH.values(),
                   *(f"{STAGE_ZH[s]}学校（学段）数" for s in stages), *(f"{STAGE_ZH[s]}达标数" for s in stages),
                   "差异系数最高（实际/上限）", "未通过项数", "未通过原因", "测算表"]
        widths = [10, 16, 7, 10, *[12] * len(AREA_ZH), *[10] * (2 * len(stages)), 18, 8, 60, 30]
        for col, (text, width) in enumerate(zip(headers, widths, strict=True)):
            sheet.write_string(3, col, text, styles.header)
            sheet.set_column(col, col, width)
        sheet.set_row(3, wrapped_height(list(zip(headers, widths, strict=True))))
        sheet.freeze_panes(4, 2)
        for row, index in enumerate(worst_first(counties), start=4):
            county, file = counties[index], files[index]
            sheet.write_string(row, 0, str(county.get("county_code") or ""), styles.text)
            sheet.write_string(row, 1, str(county["county_name"]), styles.text)
            sheet.write_number(row, 2, county["year"], styles.integer)
            passed = county.get("verdict", {}).get("pass")
            sheet.write_string(row, 3, yes_no(passed), styles.verdict(passed))
            col = 4
            for area_id in AREA_ZH:
                area_pass = (county.get("areas", {}).get(area_id) or {}).get("pass")
                sheet.write_string(row, col, yes_no(area_pass), styles.verdict(area_pass))
                col += 1
            for key in ("units", "units_compliant"):
                for stage in stages:
                    value = (county["stages"].get(stage) or {}).get(key)
                    if value is None:
                        sheet.write_blank(row, col, None, styles.text)
                    else:
                        sheet.write_number(row, col, value, styles.integer)
                    col += 1
            reasons = holding_back(county)
            sheet.write_string(row, col, worst_cv(county)[1], styles.text)
            sheet.write_number(row, col + 1, len(reasons), styles.integer)
            sheet.write_string(row, col + 2, "；".join(reasons), styles.wrap)
            sheet.write_url(row, col + 3, f"external:{file.name}", styles.text, file.name)
        if counties:
            sheet.autofilter(3, 0, 3 + len(counties), len(headers) - 1)
    return path
