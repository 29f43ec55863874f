"""表Ⅵ 社会认可度: the survey's counts, where the county gives them, are printed with S1 in the
JSON, the 测算表 and the report; without them S1 reads as before."""

from __future__ import annotations

import openpyxl
import polars as pl

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.export import write_evaluation_xlsx
from junheng.standards import load_standard


def _s1(dataset: Dataset) -> dict:
    return evaluate(dataset, load_standard("youzhi-2017")).to_dict()["counties"][0]["areas"]["recognition"]


def test_without_counts_s1_reads_as_before():
    assert _s1(demo_dataset())["note"].endswith("%（标准 85%）")


def test_counts_are_printed_with_s1_and_reach_the_measures_workbook(tmp_path):
    data = demo_dataset()
    county = data.county.with_columns(pl.lit(900).alias("survey_questionnaires"), pl.lit(880).alias("survey_valid"),
                                      pl.lit(800).alias("survey_satisfied"), pl.lit(50).alias("survey_visited"),
                                      pl.lit(45).alias("survey_visit_satisfied"))
    changed = Dataset(data.schools, data.rooms, county, data.monitoring)
    s1 = _s1(changed)
    assert s1["note"].endswith("；问卷总数 900 份，有效问卷数 880 份，满意问卷数 800 份，实地走访人数 50 人，走访满意人数 45 人")
    path = write_evaluation_xlsx(evaluate(changed, load_standard("youzhi-2017")), tmp_path / "测算表.xlsx")
    sheet = openpyxl.load_workbook(path)["表Ⅵ"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("有效问卷数 880 份" in text for text in texts)


def test_counts_reach_the_report(tmp_path):
    from docx import Document

    from junheng.report import write_report

    data = demo_dataset()
    county = data.county.with_columns(pl.lit(880).alias("survey_valid"), pl.lit(800).alias("survey_satisfied"))
    evaluation = evaluate(Dataset(data.schools, data.rooms, county, data.monitoring), load_standard("youzhi-2017"))
    document = Document(write_report(evaluation, tmp_path / "报告.docx"))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert any("有效问卷数 880 份，满意问卷数 800 份" in text for text in cells)
