"""The 测算表 workbook: layout of the 申报表, unrounded values with official decimals, highlighting."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.export import write_evaluation_workbooks, write_evaluation_xlsx
from junheng.io.problem_book import write_problem_book
from junheng.io.xlsx import FAIL_FILL, FLOOR_FILL, SheetNames, atomic_workbook, text_width
from junheng.standards import load_standard
from libreoffice import convert_to_pdf

RED = "FF" + FAIL_FILL.lstrip("#")
AMBER = "FF" + FLOOR_FILL.lstrip("#")


def stored(number: float):
    """A float as a workbook keeps it: XlsxWriter writes 16 significant digits (Excel shows 15)."""
    return pytest.approx(number, rel=1e-15, abs=0)


def fill(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None


@pytest.fixture(scope="module")
def workbook(youzhi, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "测算表.xlsx"
    assert write_evaluation_xlsx(youzhi, path) == path
    return openpyxl.load_workbook(path)


def header_row(sheet, first_header: str) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first_header)


def test_sheets_follow_the_application_form(workbook):
    assert workbook.sheetnames == ["总体结论", "表Ⅰ", "表Ⅱ-1", "表Ⅱ-2", "未纳入学校", "表Ⅲ", "表Ⅳ", "表Ⅴ", "表Ⅵ"]


def test_basic_facts_table_counts_schools_pupils_classes_and_teachers(youzhi, workbook):
    sheet = workbook["表Ⅰ"]
    facts = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    assert (facts["县(区)名称"], facts["县(区)代码"], facts["评估年度"]) == ("清溪县", "330101", "2024 年")
    top = header_row(sheet, "学校类型")
    headers = [c.value for c in sheet[top] if c.value]
    rows = {sheet.cell(r, 1).value: [sheet.cell(r, c).value for c in range(2, len(headers) + 1)]
            for r in range(top + 1, sheet.max_row + 1) if sheet.cell(r, 2).value is not None}
    schools = youzhi.dataset.schools
    total = rows["合计"]
    assert total[headers.index("学校数") - 1] == schools.height
    assert total[headers.index("其中民办") - 1] == schools.filter(pl.col("ownership") == "民办").height
    for column, field in (("小学在校生数", "primary_students"), ("初中专任教师数", "junior_teachers"),
                          ("小学班级数", "primary_classes")):
        assert total[headers.index(column) - 1] == schools[field].fill_null(0).sum()
    by_type = schools.group_by("school_type").len()
    for school_type, count in by_type.iter_rows():
        assert rows[school_type][0] == count
    county = youzhi.to_dict()["counties"][0]
    assert facts["小学学校（学段）"] == county["stages"]["primary"]["units"]
    assert facts["初中学校（学段）"] == county["stages"]["junior"]["units"]
    assert facts["未纳入评估"] == len(youzhi.to_dict()["excluded"])


def test_excluded_schools_are_listed_with_the_reason(youzhi, workbook):
    sheet = workbook["未纳入学校"]
    listed = [(sheet.cell(r, 2).value, sheet.cell(r, 5).value) for r in range(5, sheet.max_row + 1)]
    assert listed == [(e["school_code"], e["reason"]) for e in youzhi.to_dict()["excluded"]]
    assert listed  # the demo county has a 特殊教育学校 and a small 教学点


def test_unit_table_stores_unrounded_values_with_two_decimals_and_colours(youzhi, workbook):
    sheet = workbook["表Ⅱ-2"]
    top = header_row(sheet, "序号")
    headers = [c.value for c in sheet[top]]
    units = youzhi.to_dict()["units"]
    rows = {(sheet.cell(r, 2).value, sheet.cell(r, 4).value): r for r in range(top + 1, top + 1 + len(units))}
    assert len(rows) == len(units)
    seen_red = seen_amber = 0
    for unit in units:
        row = rows[(unit["school_code"], {"primary": "小学", "junior": "初中"}[unit["stage"]])]
        assert sheet.cell(row, 5).value == unit["students"]
        for indicator_id, figures in unit["indicators"].items():
            col = next(i for i, h in enumerate(headers, start=1) if str(h).startswith(indicator_id + "\n"))
            cell = sheet.cell(row, col)
            assert cell.value == stored(figures["value"])  # unrounded
            assert cell.number_format == "0.00"
            if not figures["floor_met"]:
                assert fill(cell) == RED
                seen_red += 1
            elif not figures["met"]:
                assert fill(cell) == AMBER
                seen_amber += 1
            else:
                assert fill(cell) is None
        verdict = sheet.cell(row, headers.index("是否达标") + 1)
        assert verdict.value == ("是" if unit["compliant"] else "否")
        assert (fill(verdict) == RED) is (not unit["compliant"])
        remark = sheet.cell(row, headers.index("备注") + 1).value or ""
        at_floor = [i for i, f in unit["indicators"].items() if f["floor_met"] and not f["met"]]
        if at_floor:
            assert f"{'、'.join(at_floor)} 达到标准的85%–100%" in remark
        else:
            assert "85%–100%" not in remark
    assert seen_red and seen_amber  # the demo county has both kinds


def test_compliance_counts_and_cv_table(youzhi, workbook):
    county = youzhi.to_dict()["counties"][0]
    counts = workbook["表Ⅱ-1"]
    cvs = workbook["表Ⅲ"]
    for sheet in (counts, cvs):
        assert sheet.freeze_panes is not None
    count_rows = {counts.cell(r, 1).value: r for r in range(1, counts.max_row + 1)}
    cv_rows = {cvs.cell(r, 1).value: r for r in range(1, cvs.max_row + 1)}
    for offset, stage in enumerate(("primary", "junior")):
        stage_result = county["stages"][stage]
        for indicator_id, figures in stage_result["indicators"].items():
            row = count_rows[indicator_id]
            assert counts.cell(row, 3 + 4 * offset).value == stage_result["units"]
            assert counts.cell(row, 4 + 4 * offset).value == figures["units_meeting"]
            assert counts.cell(row, 5 + 4 * offset).value == pytest.approx(figures["units_meeting"] / stage_result["units"])
            assert counts.cell(row, 6 + 4 * offset).value == figures["units_at_floor"]
            mean, cv = cvs.cell(cv_rows[indicator_id], 3 + 4 * offset), cvs.cell(cv_rows[indicator_id], 4 + 4 * offset)
            assert (mean.value, mean.number_format) == (stored(figures["mean"]), "0.00")
            assert (cv.value, cv.number_format) == (stored(figures["cv"]), "0.000")
            assert cvs.cell(cv_rows[indicator_id], 6 + 4 * offset).value == ("是" if figures["cv_pass"] else "否")
        assert counts.cell(count_rows["综合"], 4 + 4 * offset).value == stage_result["units_compliant"]
        assert cvs.cell(cv_rows["综合"], 4 + 4 * offset).value == stored(stage_result["composite_cv"])
        assert cvs.cell(cv_rows["综合"], 6 + 4 * offset).value == "不作判定"  # 优质均衡: not a pass test


def test_items_veto_and_conclusion(youzhi, workbook):
    county = youzhi.to_dict()["counties"][0]
    government = workbook["表Ⅳ"]
    rows = {government.cell(r, 1).value: r for r in range(1, government.max_row + 1)}
    items = county["areas"]["government"]["items"]
    assert [k for k in rows if k and k.startswith("G")] == list(items)
    for item_id, item in items.items():
        verdict = government.cell(rows[item_id], 5)
        assert verdict.value == {True: "是", False: "否", None: "未评估"}[item["pass"]]
        assert (fill(verdict) == RED) is (item["pass"] is False)
        assert government.cell(rows[item_id], 6).value == (item["note"] or None)
    g8 = government.cell(rows["G8"], 3)
    assert g8.value == stored(items["G8"]["value"])
    quality = workbook["表Ⅴ"]
    assert [quality.cell(r, 1).value for r in range(5, 5 + 9)] == [f"Q{i}" for i in range(1, 10)]
    recognition = workbook["表Ⅵ"]
    assert recognition.cell(5, 3).value == stored(county["areas"]["recognition"]["value"])
    conclusion = workbook["总体结论"]
    texts = [c.value for row in conclusion.iter_rows() for c in row if c.value is not None]
    assert f"未达到{youzhi.standard.short_name}评估要求" in texts
    assert all(reason in texts for reason in county["verdict"]["reasons"])
    veto_rows = [r for r in range(1, conclusion.max_row + 1) if str(conclusion.cell(r, 1).value).startswith("V")]
    assert [conclusion.cell(r, 3).value for r in veto_rows] == ["不存在"] * 6


def test_basic_balance_has_composite_test_and_no_items(tmp_path):
    evaluation = evaluate(demo_dataset(), load_standard("jiben-2012"))
    path = write_evaluation_xlsx(evaluation, tmp_path / "jiben.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["总体结论", "表Ⅰ", "表Ⅱ-2", "未纳入学校", "表Ⅲ"]
    stage = evaluation.to_dict()["counties"][0]["stages"]["primary"]
    cvs = book["表Ⅲ"]
    row = next(r for r in range(1, cvs.max_row + 1) if cvs.cell(r, 1).value == "综合")
    assert cvs.cell(row, 4).value == stored(stage["composite_cv"])
    assert cvs.cell(row, 5).value == stored(stage["composite_cv_max"])
    assert cvs.cell(row, 6).value == ("是" if stage["pass"] else "否")
    b1 = next(r for r in range(1, cvs.max_row + 1) if cvs.cell(r, 1).value == "B1")
    assert cvs.cell(b1, 4).value == stored(stage["indicators"]["B1"]["cv"])
    assert cvs.cell(b1, 6).value == "不作判定"  # 基本均衡 judges the 综合 value only
    units = book["表Ⅱ-2"]
    top = header_row(units, "序号")
    headers = [c.value for c in units[top]]
    assert "是否达标" not in headers
    b6 = headers.index(next(h for h in headers if str(h).startswith("B6"))) + 1
    assert units.cell(top + 1, b6).number_format == "0.000"  # per-pupil teachers, as published


def two_counties():
    demo = demo_dataset()

    def renamed(frame: pl.DataFrame | None) -> pl.DataFrame | None:
        if frame is None:
            return None
        frame = frame.with_columns(pl.col("school_code").str.replace("^3301", "3399")) \
            if "school_code" in frame.columns else frame
        if "county_name" in frame.columns:
            frame = frame.with_columns(county_name=pl.lit("白水县"), county_code=pl.lit("339901"))
        return frame

    return replace(demo, **{name: pl.concat([getattr(demo, name), renamed(getattr(demo, name))])
                            for name in ("schools", "rooms", "county", "monitoring")})


def test_several_counties_get_a_workbook_each_in_a_folder_and_a_summary(tmp_path):
    evaluation = evaluate(two_counties(), load_standard("youzhi-2017"))
    paths = write_evaluation_workbooks(evaluation, tmp_path / "two.xlsx")
    folder = tmp_path / "two"
    assert paths == [folder / "各县汇总.xlsx", folder / "清溪县测算表.xlsx", folder / "白水县测算表.xlsx"]
    assert not (tmp_path / "two.xlsx").exists()
    white = openpyxl.load_workbook(folder / "白水县测算表.xlsx")
    assert white.sheetnames[:3] == ["总体结论", "表Ⅰ", "表Ⅱ-1"]
    units = white["表Ⅱ-2"]
    codes = [units.cell(r, 2).value for r in range(5, units.max_row + 1) if units.cell(r, 2).value]
    assert codes and all(code.startswith("3399") for code in codes)
    assert white["表Ⅰ"]["B5"].value == "339901"
    summary = openpyxl.load_workbook(folder / "各县汇总.xlsx")
    assert summary.sheetnames == ["各县结论"]
    sheet = summary["各县结论"]
    assert [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in (5, 6)] == [("330101", "清溪县"),
                                                                               ("339901", "白水县")]
    assert sheet.cell(6, sheet.max_column).hyperlink.target == "白水县测算表.xlsx"
    headers = [sheet.cell(4, c).value for c in range(1, sheet.max_column + 1)]
    reasons = evaluation.counties[0]["verdict"]["reasons"]
    assert sheet.cell(5, headers.index("未通过项数") + 1).value == len(reasons)
    assert sheet.cell(5, headers.index("未通过原因") + 1).value == "；".join(reasons)
    assert "/0.5" in sheet.cell(5, headers.index("差异系数最高（实际/上限）") + 1).value or "/0.45" in sheet.cell(
        5, headers.index("差异系数最高（实际/上限）") + 1).value
    with pytest.raises(ValueError):
        write_evaluation_xlsx(evaluation, tmp_path / "one.xlsx")


def test_one_county_given_a_folder_gets_its_named_workbook(youzhi, tmp_path):
    assert write_evaluation_workbooks(youzhi, tmp_path / "out") == [tmp_path / "out" / "清溪县测算表.xlsx"]
    assert write_evaluation_workbooks(youzhi, tmp_path / "x.xlsx") == [tmp_path / "x.xlsx"]


def test_a_what_if_workbook_says_so_on_every_sheet(youzhi, tmp_path):
    book = openpyxl.load_workbook(write_evaluation_xlsx(youzhi, tmp_path / "w.xlsx", scenario="假设分析（某校教师+2）"))
    first = book.worksheets[0]
    texts = [c.value for row in first.iter_rows(max_row=8) for c in row if isinstance(c.value, str)]
    assert any("假设分析（某校教师+2）" in t and "不是正式测算表" in t for t in texts)
    for sheet in book.worksheets:
        assert "假设分析" in sheet["A2"].value
        assert sheet["A2"].font.color.rgb.endswith("C00000")


def cut_off_cells(sheet) -> list[str]:
    """Cells whose text does not fit, measured as LibreOffice lays it out: a CJK character is two
    width units, a line of 11-point CJK text about 16.5 points; a wrapped cell needs its lines'
    height, a cell that does not wrap (and has a neighbour) its text's width."""
    merged = {cell for area in sheet.merged_cells.ranges for row in area.cells for cell in [row]}
    cut = []
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if not isinstance(cell.value, str) or (cell.row, cell.column) in merged:
                continue
            width = sheet.column_dimensions[cell.column_letter].width or 8.43
            lines = [text_width(line) for line in cell.value.split("\n")]
            if cell.alignment.wrap_text:
                count = sum(max(1, math.ceil(w / (width - 1))) for w in lines)
                height = sheet.row_dimensions[cell.row].height or 15
                if count > 1 and height < count * 16.5:  # one line always shows
                    cut.append(f"{sheet.title}!{cell.coordinate} {cell.value[:20]} {count} 行，行高 {height}")
            else:
                neighbour = sheet.cell(cell.row, cell.column + 1).value
                if neighbour not in (None, "") and max(lines) > width:
                    cut.append(f"{sheet.title}!{cell.coordinate} {cell.value[:20]} 宽 {max(lines)} > {width}")
    return cut


def test_no_text_is_cut_off(youzhi, workbook, tmp_path):
    for name in ("表Ⅰ", "表Ⅱ-1", "表Ⅲ", "表Ⅳ", "表Ⅴ", "表Ⅵ"):
        assert cut_off_cells(workbook[name]) == []
    problems = openpyxl.load_workbook(write_problem_book(youzhi, tmp_path / "p.xlsx"))
    for sheet in problems.worksheets:
        assert cut_off_cells(sheet) == []


def test_sheet_names_are_valid_and_unique():
    names = SheetNames()
    long_name = "某某县某某镇某某村中心小学附属幼儿园与教学点联合体第一分校"
    made = [names.unique(n) for n in (long_name, long_name, "a[b]:c*d?e/f\\g", "问题清单", "问题清单")]
    assert len(set(made)) == len(made)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in made)
    assert made[3:] == ["问题清单", "问题清单(2)"]


def test_failed_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError), atomic_workbook(target) as book:
        book.add_worksheet("表")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_libreoffice_opens_the_report_workbooks(youzhi, tmp_path):
    books = [write_evaluation_xlsx(youzhi, tmp_path / "cesuan.xlsx"),
             write_problem_book(youzhi, tmp_path / "wenti.xlsx")]
    for pdf in convert_to_pdf([Path(b) for b in books], tmp_path):
        assert pdf.read_bytes().startswith(b"%PDF")


def test_a_stage_without_units_gets_no_columns(tmp_path):
    demo = demo_dataset()
    primary_only = replace(demo, schools=demo.schools.filter(pl.col("school_type").is_in(["小学", "教学点"])))
    book = openpyxl.load_workbook(write_evaluation_xlsx(evaluate(primary_only, load_standard("youzhi-2017")),
                                                        tmp_path / "primary.xlsx"))
    stage_headers = [c.value for c in book["表Ⅲ"][4] if c.value and "学校（学段）" in c.value]
    assert len(stage_headers) == 1 and stage_headers[0].startswith("小学")
    conclusion = book["总体结论"]
    junior = next(r for r in range(1, conclusion.max_row + 1) if conclusion.cell(r, 1).value == "初中资源配置")
    assert conclusion.cell(junior, 3).value == "不适用"
