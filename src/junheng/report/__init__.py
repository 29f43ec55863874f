"""County reports in Word (and PDF through LibreOffice) with charts, from an :class:`Evaluation`.

    from junheng.report import write_report, write_reports
    write_reports(evaluate(ds, standard), "清溪县报告.docx", pdf_path="清溪县报告.pdf")

``write_reports`` writes one report per county: with a single county to the given file names, with
several to ``<stem>_<县名>.docx`` (and ``.pdf``) beside them; given a folder, to
``<folder>/<县名>评估报告.docx``. Errors are :class:`ReportError` with a
Chinese message (the CLI exits 2); a missing LibreOffice is :class:`PdfConverterMissing`, raised
before anything is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from junheng.io.files import atomic_path
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


def _county_suffix(county: dict, counties: list[dict]) -> str:
    """The county's name, plus its code or year when another county in the data has the same name."""
    same_name = [c for c in counties if c["county_name"] == county["county_name"]]
    suffix = county["county_name"]
    if len({c.get("county_code") for c in same_name}) > 1:
        suffix += f"_{county.get('county_code')}"
    if len({c["year"] for c in same_name}) > 1:
        suffix += f"_{county['year']}"
    return suffix


def _target(path: Path, extension: str, county: dict, counties: list[dict]) -> Path:
    """A folder gets ``<县名>评估报告.docx``; a file name is used as is for one county, else ``<stem>_<县名>``."""
    if path.is_dir() or path.suffix.lower() != extension:
        return path / f"{_county_suffix(county, counties)}评估报告{extension}"
    if len(counties) == 1:
        return path
    return path.with_name(f"{path.stem}_{_county_suffix(county, counties)}{path.suffix}")


def write_reports(evaluation: Any, docx_path: str | Path, pdf_path: str | Path | None = None, *,
                  today: dt.date | None = None, plan: dict | None = None) -> list[Path]:
    """One report per county: the given file for a single county, ``<stem>_<县名>`` for several;
    a folder (or a name without .docx/.pdf) receives ``<县名>评估报告.docx`` for each county."""
    if pdf_path is not None and find_soffice() is None:
        raise PdfConverterMissing()
    result = evaluation.to_dict()
    counties = result.get("counties") or []
    if not counties:
        _select_county(result, None, None)  # raises the Chinese "no county" error
    return [
        _write(evaluation, result, county, _target(Path(docx_path), ".docx", county, counties),
               _target(Path(pdf_path), ".pdf", county, counties) if pdf_path else None, today, plan)
        for county in counties
    ]
