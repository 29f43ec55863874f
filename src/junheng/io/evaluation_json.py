"""The evaluation as the JSON of ``shared/design.md`` (``junheng evaluate --json``), streamed.

The document is the one ``Evaluation.to_dict()`` describes (same keys, same values, unrounded),
but it is written piece by piece: units and excluded schools are encoded by polars
straight from the evaluation's frames, a chunk of rows at a time; school checks (each with its
Chinese note), county results and problems one record at a time. A national file (210,000 schools)
therefore never exists as one Python structure or one string. Each record takes one line, so the
file is still readable and greppable.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import polars as pl

from junheng.io.files import atomic_path
from junheng.progress import SILENT, Progress

CHUNK_ROWS = 20_000
_ENCODER = json.JSONEncoder(ensure_ascii=False)
PLACE = ("school_code", "school_name", "county_code", "county_name", "year")


def _column(frame: pl.DataFrame, name: str, dtype: pl.DataType | None = None) -> pl.Expr:
    """A column of ``frame``, or nulls when the frame has none (e.g. 基本均衡 has no per-unit verdict)."""
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype).alias(name)


def unit_records(evaluation, frame: pl.DataFrame) -> pl.Expr:
    """One JSON object per unit, as ``Evaluation.units_list()`` builds it."""
    youzhi = "met_count" in frame.columns
    indicators = []
    for ind in evaluation.indicators:
        fields = [pl.col(f"{ind.id}_value").alias("value")]
        if youzhi:
            fields += [pl.col(f"{ind.id}_{part}").alias(part) for part in ("standard", "floor", "met", "floor_met")]
        indicators.append(pl.struct(fields).alias(ind.id))
    return pl.struct(
        *PLACE, "stage", "school_type", "students", "share", pl.struct(indicators).alias("indicators"),
        _column(frame, "met_count", pl.Int64), _column(frame, "compliant", pl.Boolean),
    ).struct.json_encode()


def excluded_records(frame: pl.DataFrame) -> pl.Expr:
    return pl.struct(*PLACE, "stage", "reason").struct.json_encode()


def _frame_lines(frame: pl.DataFrame, record: pl.Expr) -> Iterator[str]:
    for start in range(0, frame.height, CHUNK_ROWS):
        yield from frame.slice(start, CHUNK_ROWS).select(record.alias("json")).to_series()


def _list_lines(items: list[dict]) -> Iterator[str]:
    return map(_ENCODER.encode, items)


def _write_array(out: IO[str], key: str, lines: Iterable[str], last: bool = False) -> None:
    out.write(f"{json.dumps(key)}: [")
    first = True
    for line in lines:
        out.write("\n" if first else ",\n")
        out.write(line)
        first = False
    out.write("\n]" + ("\n" if last else ",\n"))


def write_evaluation_json(evaluation, path: str | os.PathLike, progress: Progress = SILENT, *,
                          scenario: str | None = None) -> Path:
    """Write the evaluation's JSON (values unrounded), whole or not at all. ``scenario`` (假设分析 or a
    profile) is written as a ``"scenario"`` key after the standard, so the file cannot pass for the
    official result."""
    with atomic_path(path) as temporary, temporary.open("w", encoding="utf-8") as out:
        out.write("{\n")
        out.write(f'"standard": {json.dumps(evaluation.standard.id)},\n')
        out.write(f'"standard_name": {json.dumps(evaluation.standard.label, ensure_ascii=False)},\n')
        if scenario:
            out.write(f'"scenario": {json.dumps(scenario, ensure_ascii=False)},\n')
        with progress.step("写出县级结果"):
            _write_array(out, "counties", _list_lines(evaluation.counties))
        with progress.step("写出评估单元"):
            _write_array(out, "units", _frame_lines(evaluation.units, unit_records(evaluation, evaluation.units)))
            _write_array(out, "excluded", _frame_lines(evaluation.excluded, excluded_records(evaluation.excluded)))
        with progress.step("写出学校检查"):
            _write_array(out, "schools", _list_lines(evaluation.school_records()))
        with progress.step("查找问题"):
            problems = evaluation.problems
        with progress.step("写出问题清单"):
            _write_array(out, "problems", _list_lines(problems), last=True)
        out.write("}\n")
    return Path(path)
