"""From a filled 核查表 to findings and 整改通知.

A finding is a field whose value seen on site differs from the reported one by more than the
tolerance of its kind (``visit.tolerance.*`` in ``sampling.yaml``: counts exactly, areas and money
within a share for measuring error). Each school with findings gets a 整改通知 (Word) that lists
them, asks for the data to be corrected and for a 整改报告 by the deadline.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

from junheng.exact import frac
from junheng.inspection.checklist import CheckRow
from junheng.io.files import atomic_path
from junheng.parameter_files import values_in_force
from junheng.report.word import add_table, new_document
from junheng.schema import SCHOOLS

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Finding:
    row: CheckRow
    difference: float
    message: str


def _kind(field_id: str) -> str:
    if field_id.startswith("rooms."):
        return "count"
    unit = SCHOOLS.field(field_id).unit
    return {"㎡": "area", "元": "money"}.get(unit, "count")


def _text(value: float | None) -> str:
    return "未报送" if value is None else f"{Decimal(repr(value)).normalize():f}"


def compare(rows: list[CheckRow], year: int) -> tuple[list[Finding], int]:
    """(findings, rows not checked): a row with no 实地核查值 was not checked and is counted apart."""
    values, _ = values_in_force(HERE / "sampling.yaml", year)
    findings, unchecked = [], 0
    for row in rows:
        if row.seen is None:
            unchecked += 1
            continue
        kind = _kind(row.field)
        tolerance = Fraction(values[f"visit.tolerance.{kind}"])
        seen, reported = frac(row.seen), frac(row.reported)
        allowed = tolerance if kind == "count" else tolerance * abs(reported or 0)
        if reported is not None and abs(seen - reported) <= allowed:
            continue
        difference = seen - (reported or 0)
        findings.append(Finding(row, float(difference), (
            f"{row.school_name}：{row.label}报送 {_text(row.reported)}，实地核查 {_text(row.seen)}"
            + (f"（{'多报' if difference < 0 else '少报'} {_text(float(abs(difference)))}）" if reported is not None else "")
            + (f"；{row.note}" if row.note else ""))))
    return findings, unchecked


def rectification_deadline(year: int, issued: dt.date) -> dt.date:
    """The default 整改时限 of a notice issued on ``issued`` (``visit.rectification_days``)."""
    values, _ = values_in_force(HERE / "sampling.yaml", year)
    return issued + dt.timedelta(days=int(values["visit.rectification_days"]))


def finding_rows(findings: list[Finding]) -> list[list[str]]:
    """The findings as the notice and the 整改报告 list them: 核查内容, 报送值, 实地核查值, 说明."""
    return [[f.row.label, _text(f.row.reported), _text(f.row.seen), f.row.note] for f in findings]


def write_notice(findings: list[Finding], path: str | os.PathLike, *, deadline: dt.date, issuer: str,
                 issued: dt.date | None = None) -> Path:
    """整改通知 for one school: the findings, what to do, by when (dated ``issued``, default today)."""
    school = findings[0].row
    document = letter(
        f"关于{school.school_name}实地督导核查问题的整改通知", school.school_name,
        f"经实地督导核查，你校报送的县域义务教育优质均衡发展自评数据有 {len(findings)} 项与实地核查结果不符（见下表）。"
        f"请逐项核实，更正报送数据并说明原因；确属办学条件不足的，制定整改措施，于 {deadline.isoformat()} 前"
        "将整改报告（含更正后的数据、整改措施、责任人、完成时限和佐证材料）报送教育局督导室。")
    add_table(document, ["序号", "核查内容", "报送值", "实地核查值", "说明"],
              [[str(n), *row] for n, row in enumerate(finding_rows(findings), start=1)], [1, 5, 2, 2, 4])
    return sign_and_save(document, issuer, issued or dt.date.today(), path)


def letter(title: str, addressee: str, opening: str):
    """A Word document opened as the inspection letters are: centred title, addressee, opening paragraph."""
    document = new_document()
    heading = document.add_paragraph(style="Title")
    heading.add_run(title)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{addressee}：")
    document.add_paragraph(opening)
    return document


def sign_and_save(document, signer: str, date: dt.date, path: str | os.PathLike) -> Path:
    """Signer and date on the right, then the file written whole or not at all."""
    closing = document.add_paragraph(f"{signer}\n{date.isoformat()}")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    with atomic_path(path) as temporary:
        document.save(str(temporary))
    return Path(path)
