"""On-site checklist: written for the sampled schools, filled in Excel, read back into findings
and 整改通知."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import openpyxl
import pytest
from docx import Document

from junheng.demo import demo_dataset
from junheng.inspection import ChecklistError, draw_sample, read_checklist, write_checklist
from junheng.inspection.findings import compare
from junheng.io.dataset_writer import write_dataset_csv


@pytest.fixture()
def checklist(tmp_path):
    data = demo_dataset()
    sample = draw_sample(data.schools, seed=11, visit_date=dt.date(2025, 11, 20))
    path = write_checklist(sample, data, tmp_path / "核查表.xlsx")
    return data, sample, path


def _fill(path, values: dict[str, object], sheet_index: int = 1) -> tuple[str, str]:
    """Type 实地核查值 into one school sheet as an inspector would; returns (sheet, school code)."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[sheet_index]
    for row in sheet.iter_rows(min_row=5):
        field = row[7].value
        if field in values:
            row[5].value = values[field]
            if field == "teaching_area":
                row[6].value = "实测教学楼少一层"
    book.save(path)
    title = sheet["A1"].value
    return sheet.title, title[title.rfind("（") + 1: title.rfind("）")]


def test_checklist_lists_reported_values_of_each_sampled_school(checklist):
    data, sample, path = checklist
    rows = read_checklist(path)
    assert {r.school_code for r in rows} == set(sample.schools["school_code"])
    first = sample.schools["school_code"][0]
    reported = {r.field: r.reported for r in rows if r.school_code == first}
    school = data.schools.filter(data.schools["school_code"] == first).row(0, named=True)
    assert reported["teaching_area"] == school["teaching_area"]
    assert all(r.seen is None for r in rows)


def test_differences_beyond_tolerance_become_findings(checklist):
    data, _, path = checklist
    _, code = _fill(path, {})
    school = data.schools.filter(data.schools["school_code"] == code).row(0, named=True)
    _fill(path, {"teaching_area": school["teaching_area"] * 0.9,          # 10% less: beyond 3%
                 "sports_field_area": school["sports_field_area"] * 0.99,  # within the measuring error
                 "multimedia_rooms": school["multimedia_rooms"]})          # the same
    findings, unchecked = compare(read_checklist(path), 2025)
    assert [(f.row.school_code, f.row.field) for f in findings] == [(code, "teaching_area")]
    assert "多报" in findings[0].message and "实测教学楼少一层" in findings[0].message
    assert unchecked == len(read_checklist(path)) - 3


def test_a_word_in_a_number_cell_is_a_located_error(checklist):
    _, _, path = checklist
    sheet, _ = _fill(path, {"multimedia_rooms": "十二间"})
    with pytest.raises(ChecklistError, match=f"工作表“{sheet}”第 \\d+ 行“实地核查值”列"):
        read_checklist(path)


@pytest.mark.parametrize("typed", ["-3", "nan", "inf", "1e999"])
def test_a_negative_or_not_finite_value_is_a_located_error(checklist, typed):
    _, _, path = checklist
    sheet, _ = _fill(path, {"teaching_area": typed})
    with pytest.raises(ChecklistError, match=f"工作表“{sheet}”第 \\d+ 行“实地核查值”列：“{typed}”不是有效数值"):
        read_checklist(path)


def test_cli_sample_then_findings_writes_the_notice(tmp_path):
    data = demo_dataset()
    write_dataset_csv(data, tmp_path / "data")
    command = [sys.executable, "-m", "junheng.cli"]
    run = subprocess.run([*command, "sample", str(tmp_path / "data"), "--seed", "5", "--xlsx", str(tmp_path / "核查表.xlsx")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    _, code = _fill(tmp_path / "核查表.xlsx", {"multimedia_rooms": 0})
    name = data.schools.filter(data.schools["school_code"] == code)["school_name"][0]
    run = subprocess.run([*command, "findings", str(tmp_path / "核查表.xlsx"), "--docx-dir", str(tmp_path / "通知"),
                          "--deadline", "2025-12-31", "--year", "2025"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "共核查 1 项，1 项与报送不符" in run.stdout
    text = "\n".join(p.text for p in Document(tmp_path / "通知" / f"{name}-整改通知.docx").paragraphs)
    assert f"关于{name}实地督导核查问题的整改通知" in text and "2025-12-31" in text
    run = subprocess.run([*command, "findings", str(tmp_path / "核查表.xlsx"), "--docx-dir", str(tmp_path / "默认"),
                          "--year", "2025"], capture_output=True, text=True)
    text = "\n".join(p.text for p in Document(tmp_path / "默认" / f"{name}-整改通知.docx").paragraphs)
    assert f"于 {dt.date.today() + dt.timedelta(days=30)} 前" in text  # visit.rectification_days
    bad = subprocess.run([*command, "findings", str(tmp_path / "data" / "schools.csv")], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
