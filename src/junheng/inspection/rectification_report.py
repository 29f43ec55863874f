"""The school's 整改报告: its answer to a 整改通知, finding by finding, with the evidence it filed."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from junheng.inspection.findings import Finding, finding_rows, letter, sign_and_save
from junheng.report.word import add_table


def write_rectification_report(findings: list[Finding], answers: dict[str, str], evidence: dict[str, list[str]],
                               path: str | os.PathLike, *, addressee: str, deadline: dt.date,
                               submitted: dt.date) -> Path:
    """整改报告 of one school: for each finding (by field) what was done and the evidence filed."""
    school = findings[0].row.school_name
    document = letter(
        f"{school}关于实地督导核查问题的整改报告", addressee,
        f"根据实地督导整改通知（整改时限 {deadline.isoformat()}），我校对核查发现的 {len(findings)} 项问题逐项核实整改，"
        "情况报告如下。")
    rows = []
    for number, (finding, row) in enumerate(zip(findings, finding_rows(findings), strict=True), start=1):
        files = evidence.get(finding.row.field, [])
        rows.append([str(number), row[0], row[1], row[2], answers.get(finding.row.field, ""),
                     "\n".join(files) if files else "无"])
    add_table(document, ["序号", "核查内容", "报送值", "实地核查值", "整改情况", "佐证材料"], rows, [1, 4, 2, 2, 6, 3])
    return sign_and_save(document, school, submitted, path)
