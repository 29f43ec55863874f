"""不适用 shows in every face (issue 8, point 1): the summary, the JSON, the 测算表, the report, the web.

A county without a 特殊教育学校, 随迁子女, teachers eligible for rotation or 优质高中 places: G7 G11
G14 G15 are not applicable, do not block the verdict, and each face says 不适用 with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document

from junheng import summary
from junheng.evaluate import evaluate
from junheng.frames import dataset
from junheng.io.evaluation_json import write_evaluation_json
from junheng.io.export import write_evaluation_xlsx
from junheng.report import write_report
from junheng.standards import load_standard
from junheng.web.templatetags.junheng_tags import outcome

CASE = yaml.safe_load((Path(__file__).parent / "cases" / "verdicts-to-trust.yaml").read_text(encoding="utf-8"))[0]
NOT_APPLICABLE = ("G7", "G11", "G14", "G15")


@pytest.fixture(scope="module")
def evaluation():
    rows = [{**CASE["defaults"], **row} for row in CASE["schools"]]
    return evaluate(dataset(rows, rooms=CASE["rooms"], county=CASE["county"], monitoring=CASE["monitoring"]),
                    load_standard("youzhi-2017"))


def test_summary_lists_the_items_not_applicable(evaluation):
    text = summary.render(evaluation)
    assert "结论：通过" in text
    assert "不适用（不影响结论）：" in text and "G7（县域内无特殊教育学校学生，不适用）" in text


def test_json_carries_status_and_note(evaluation, tmp_path):
    path = tmp_path / "result.json"
    write_evaluation_json(evaluation, path)
    items = json.loads(path.read_text(encoding="utf-8"))["counties"][0]["areas"]["government"]["items"]
    for item_id in NOT_APPLICABLE:
        assert items[item_id]["status"] == "not_applicable" and items[item_id]["pass"] is True
        assert "不适用" in items[item_id]["note"]
    assert {item["status"] for item in items.values()} <= {"met", "not_applicable"}


def test_workbook_writes_not_applicable(evaluation, tmp_path):
    sheet = openpyxl.load_workbook(write_evaluation_xlsx(evaluation, tmp_path / "cesuan.xlsx"))["表Ⅳ"]
    verdicts = {sheet.cell(r, 1).value: sheet.cell(r, 5).value for r in range(1, sheet.max_row + 1)}
    assert all(verdicts[item_id] == "不适用" for item_id in NOT_APPLICABLE)
    assert verdicts["G1"] == "是"


def test_report_writes_not_applicable(evaluation, tmp_path):
    path = tmp_path / "report.docx"
    write_report(evaluation, path)
    document = Document(str(path))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    g7 = next(row for row in rows if row and row[0] == "G7")
    assert "不适用" in g7
    assert any("不适用5项" in p.text for p in document.paragraphs)  # G6 too: no small village school


def test_web_filter_says_not_applicable():
    assert outcome({"pass": True, "status": "not_applicable"}) == "不适用"
    assert outcome({"pass": None}) == "未评估"
