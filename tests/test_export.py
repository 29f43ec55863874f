"""The 测算表 workbook: layout of the 申报表, unrounded values with official decimals, highlighting."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.export import write_evaluation_xlsx
from junheng.io.problem_book import write_problem_book
from junheng.io.xlsx import FAIL_FILL, FLOOR_FILL, SheetNames, atomic_workbook
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
    assert workbook.sheetnames == ["总体结论", "表Ⅱ-1", "表Ⅱ-2", "未纳入学校", "表Ⅲ", "表Ⅳ", "表Ⅴ", "表Ⅵ"]


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
    assert book.sheetnames == ["总体结论", "表Ⅱ-2", "未纳入学校", "表Ⅲ"]
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


def test_several_counties_get_a_sheet_set_each(tmp_path):
    demo = demo_dataset()

    def renamed(frame: pl.DataFrame | None) -> pl.DataFrame | None:
        if frame is None:
            return None
        frame = frame.with_columns(pl.col("school_code").str.replace("^3301", "3399")) \
            if "school_code" in frame.columns else frame
        if "county_name" in frame.columns:
            frame = frame.with_columns(county_name=pl.lit("白水县"), county_code=pl.lit("339901"))
        return frame

    both = replace(demo, **{name: pl.concat([getattr(demo, name), renamed(getattr(demo, name))])
                            for name in ("schools", "rooms", "county", "monitoring")})
    evaluation = evaluate(both, load_standard("youzhi-2017"))
    book = openpyxl.load_workbook(write_evaluation_xlsx(evaluation, tmp_path / "two.xlsx"))
    assert book.sheetnames[0] == "各县结论"
    assert "清溪县·表Ⅱ-2" in book.sheetnames and "白水县·表Ⅱ-2" in book.sheetnames
    white = book["白水县·表Ⅱ-2"]
    codes = [white.cell(r, 2).value for r in range(5, white.max_row + 1) if white.cell(r, 2).value]
    assert codes and all(code.startswith("3399") for code in codes)
    assert [book["各县结论"].cell(r, 1).value for r in (4, 5)] == ["清溪县", "白水县"]


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
