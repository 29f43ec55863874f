"""County reports in Word (and PDF through LibreOffice) with charts, from an :class:`Evaluation`.

    from junheng.report import write_report, write_reports
    write_reports(evaluate(ds, standard), "清溪县报告.docx", pdf_path="清溪县报告.pdf")

``write_reports`` writes one report per county: with a single county to the given file names; with
several, or given a folder, to ``<folder>/<县名>评估报告.docx`` (and ``.pdf``), where ``报告.docx``
names the folder ``报告`` (:mod:`junheng.io.county_files`, as for the 测算表). Errors are :class:`ReportError` with a
Chinese message (the CLI exits 2); a missing LibreOffice is :class:`PdfConverterMissing`, raised
before anything is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from junheng.io.county_files import county_key, county_targets, group_by_county
from junheng.io.files import atomic_path
from junheng.progress import SILENT, Progress
from junheng.report.county import CountyReport
from junheng.report.pdf import PdfConverterMissing, ReportError, docx_to_pdf, find_soffice

__all__ = ["PdfConverterMissing", "ReportError", "write_report", "write_reports"]


def _save_atomically(document, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as temporary:
        document.save(str(temporary))


def _county_label(county: dict) -> str:
    return f"{county['county_name']}（{county.get('county_code') or '无代码'}，{county['year']}年）"


def _select_county(result: dict, county_code: str | None, year: int | None) -> dict:
    counties = result.get("counties") or []
    if not counties:
        raise ReportError("评估结果中没有县（区），无法生成报告：请检查“学校”表是否有数据。")
    chosen = [c for c in counties
              if (county_code is None or county_code in (c.get("county_code"), c["county_name"]))
              and (year is None or c["year"] == year)]
    if len(chosen) != 1:
        listed = "、".join(_county_label(c) for c in counties)
        wanted = "未找到指定的县（区）" if not chosen else "数据中有多个县（区）或年度，请指定一个"
        raise ReportError(f"{wanted}。数据中有：{listed}")
    return chosen[0]


def _write(evaluation: Any, result: dict, county: dict, docx_path: Path, pdf_path: Path | None,
           today: dt.date | None, plan: dict | None = None) -> Path:
    document = CountyReport(result, county, evaluation.standard, today or dt.date.today(), plan=plan).build()
    _save_atomically(document, docx_path)
    if pdf_path is not None:
        docx_to_pdf(docx_path, pdf_path)
    return docx_path


def write_report(evaluation: Any, docx_path: str | Path, pdf_path: str | Path | None = None, *,
                 county: str | None = None, year: int | None = None, today: dt.date | None = None,
                 plan: dict | None = None) -> Path:
    """Write the report of one county (``county``: its code or name; needed when there are several);
    ``plan`` (the 达标规划 of ``junheng.plan``) adds its chapter."""
    if pdf_path is not None and find_soffice() is None:
        raise PdfConverterMissing()
    result = evaluation.to_dict()
    chosen = _select_county(result, county, year)
    return _write(evaluation, result, chosen, Path(docx_path), Path(pdf_path) if pdf_path else None, today, plan)


def write_reports(evaluation: Any, docx_path: str | Path, pdf_path: str | Path | None = None, *,
                  today: dt.date | None = None, progress: Progress = SILENT, plan: dict | None = None) -> list[Path]:
    """One report per county: the given file for a single county; for several, or given a folder (or
    a name without .docx/.pdf), ``<folder>/<县名>评估报告.docx`` for each county. ``plan`` (the 达标规划
    of ``junheng.plan``) adds its chapter."""
    if pdf_path is not None and find_soffice() is None:
        raise PdfConverterMissing()
    result = evaluation.to_dict()
    counties = result.get("counties") or []
    if not counties:
        _select_county(result, None, None)  # raises the Chinese "no county" error
    docx_targets = county_targets(docx_path, ".docx", "评估报告", counties)
    pdf_targets = county_targets(pdf_path, ".pdf", "评估报告", counties) if pdf_path else [None] * len(counties)
    # Each county's rows, grouped once: the report of one county never scans all counties' rows.
    grouped = {key: group_by_county(result.get(key) or []) for key in ("units", "problems", "excluded")}
    written = []
    with progress.step("生成报告"):
        for county, docx, pdf in zip(counties, docx_targets, pdf_targets, strict=True):
            rows = {key: by_county.get(county_key(county), []) for key, by_county in grouped.items()}
            written.append(_write(evaluation, {**result, **rows}, county, docx, pdf, today, plan))
            progress.advance(len(written), len(counties), "个县")
    return written
