"""The evaluation as flat tables (``junheng evaluate --tables DIR``): CSV for Excel, or Parquet.

Written straight from the evaluation's frames, so a national file (210,000 schools) costs little
more than the evaluation itself:

==================  ==========================================================================
``units``           one row per 学段 unit: its data, each indicator's value, standard, 85% floor
                    and verdict, ``met_count``, ``compliant`` (the engine's unit frame)
``excluded``        schools and 学段 not evaluated as units, with the reason
``schools``         one row per school: the per-school checks G3 G4 G5 G6 Q4 and their figures
``cv``              one row per county × 学段 × indicator: mean, sd, 差异系数, its maximum, verdict
``counties``        one row per county and year: the verdict and each area's and 学段's result
``county_items``    one row per county item (G1–G15, Q1–Q9, S1, V1–V6): result, value, standard, note
``problems``        the 问题清单, one row per problem (``shared/design.md``, JSON ``problems``)
``scenario``        only under ``--set`` / ``--profile``: what the figures assume
==================  ==========================================================================

Column names are the JSON's keys (the same words as ``evaluate --json``), so a program can read
either. CSV files are UTF-8 with a byte-order mark, which Excel needs to show Chinese.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from junheng.io.files import atomic_path
from junheng.progress import SILENT, Progress

FORMATS = ("csv", "parquet")


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns CSV can hold: nested values (lists, structs) are written as JSON text."""
    nested = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List | pl.Struct | pl.Array)]
    return frame.with_columns(pl.col(n).cast(pl.String) if not isinstance(frame.schema[n], pl.Struct)
                              else pl.col(n).struct.json_encode() for n in nested) if nested else frame


def county_rows(counties: list[dict]) -> Iterator[dict]:
    for county in counties:
        row = {key: county.get(key) for key in ("year", "county_code", "county_name")}
        verdict = county.get("verdict") or {}
        row["pass"] = verdict.get("pass")
        for area_id, area in (county.get("areas") or {}).items():
            row[f"{area_id}_pass"] = (area or {}).get("pass")
        for stage, result in (county.get("stages") or {}).items():
            for key in ("units", "units_compliant", "students", "composite_cv", "pass"):
                row[f"{stage}_{key}"] = (result or {}).get(key)
        row["reasons"] = "；".join(str(reason) for reason in verdict.get("reasons") or [])
        yield row


def item_rows(counties: list[dict]) -> Iterator[dict]:
    for county in counties:
        place = {key: county.get(key) for key in ("year", "county_code", "county_name")}
        for area_id, area in (county.get("areas") or {}).items():
            items = (area or {}).get("items") or ({"S1": area} if area_id == "recognition" else {})
            for item_id, item in items.items():
                yield {**place, "area": area_id, "item": item_id, "name": item.get("name"), "pass": item.get("pass"),
                       "status": item.get("status"), "value": _number(item.get("value")),
                       "standard": _number(item.get("standard")), "note": item.get("note")}
        for veto_id, present in (county.get("veto") or {}).items():
            yield {**place, "area": "veto", "item": veto_id, "name": None,
                   "pass": None if present is None else not present, "status": None, "value": None,
                   "standard": None, "note": None if present is None else ("存在" if present else "不存在")}


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _frame(rows: Iterator[dict] | list[dict]) -> pl.DataFrame:
    """Rows with varying keys (an area's items, the veto) as one frame, column by column."""
    rows = list(rows)
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return pl.DataFrame({key: [row.get(key) for row in rows] for key in keys}, strict=False)


def _write(frame: pl.DataFrame, path: Path, fmt: str) -> Path:
    with atomic_path(path) as temporary:
        if fmt == "parquet":
            frame.write_parquet(temporary)
        else:
            _flat(frame).write_csv(temporary, include_bom=True)
    return path


def write_evaluation_tables(evaluation, folder: str | os.PathLike, fmt: str = "csv",
                            progress: Progress = SILENT, *, scenario: str | None = None) -> list[Path]:
    """Write the tables into ``folder`` (created if needed) as ``<name>.csv`` or ``<name>.parquet``;
    under a scenario (假设分析, a profile) also ``scenario``, one row saying what was changed."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def write(name: str, frame: pl.DataFrame) -> None:
        written.append(_write(frame, folder / f"{name}.{fmt}", fmt))

    if scenario:
        write("scenario", pl.DataFrame({"scenario": [scenario], "standard": [evaluation.standard.label]}))

    with progress.step("写出评估单元、学校与差异系数表"):
        write("units", evaluation.units)
        write("excluded", evaluation.excluded)
        if evaluation.school_checks is not None:
            write("schools", evaluation.school_checks)
        write("cv", evaluation.stage_stats)
    with progress.step("写出县级结果表"):
        write("counties", _frame(county_rows(evaluation.counties)))
        write("county_items", _frame(item_rows(evaluation.counties)))
    with progress.step("查找问题"):
        problems = evaluation.problem_frame
    with progress.step("写出问题清单表"):
        write("problems", problems)
    return written
