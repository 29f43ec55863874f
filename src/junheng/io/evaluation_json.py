"""The evaluation as the JSON of ``shared/design.md`` (``junheng evaluate --json``), streamed.

The document is the one ``Evaluation.to_dict()`` describes (same keys, same values, unrounded),
but it is written piece by piece: units, excluded schools and school checks are encoded by polars
straight from the evaluation's frames, a chunk of rows at a time, and the county results and
problems (already Python lists) one record at a time. A national file (210,000 schools)
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


def _check(item: str, **fields: str) -> pl.Expr:
    return pl.struct(pl.col(item).alias("pass"), *(pl.col(column).alias(key) for key, column in fields.items()))


def _members(parts: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """``"key":<json>`` for each part, joined by commas (the inside of an object)."""
    encoded = [pl.concat_str(pl.lit(json.dumps(key) + ":"), expr.struct.json_encode()) for key, expr in parts]
    return pl.concat_str(encoded, separator=",")


def school_records(frame: pl.DataFrame) -> pl.Expr:
    """One JSON object per school with checks, as ``Evaluation.schools_list()`` builds it: G3 G4 G5 Q4
    for the schools in scope, G6 for the small village schools it applies to."""
    in_scope = _members([
        ("G3", _check("G3", classes="classes", rooms_required="rooms_required", music_rooms="music_rooms",
                      art_rooms="art_rooms", music_rooms_total="music_rooms_total", art_rooms_total="art_rooms_total",
                      music_min_area="music_min_area", art_min_area="art_min_area")),
        ("G4", _check("G4", students="compulsory_students", limit="size_limit")),
        ("G5", _check("G5", primary_max_class_size="primary_max_class_size",
                      junior_max_class_size="junior_max_class_size")),
        ("Q4", _check("Q4", training_funds="training_funds", budget="public_funds_budget")),
    ])
    g6 = _members([("G6", _check("G6", allocated="public_funds_allocated", required="G6_required"))])
    checks = pl.concat_str(
        pl.lit("{"),
        pl.when(pl.col("in_scope")).then(in_scope).otherwise(pl.lit("")),
        pl.when(pl.col("in_scope") & pl.col("G6_applies")).then(pl.lit(",")).otherwise(pl.lit("")),
        pl.when(pl.col("G6_applies")).then(g6).otherwise(pl.lit("")),
        pl.lit("}"),
    )
    place = pl.struct(*PLACE).struct.json_encode()
    return pl.concat_str(place.str.head(-1), pl.lit(',"checks":'), checks, pl.lit("}"))


def schools_with_checks(evaluation) -> pl.DataFrame:
    checks = evaluation.school_checks
    if checks is None:
        return pl.DataFrame()
    return checks.filter(pl.col("in_scope") | pl.col("G6_applies"))


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
    schools = schools_with_checks(evaluation)
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
            _write_array(out, "schools", _frame_lines(schools, school_records(schools)) if schools.height else ())
        with progress.step("查找问题"):
            problems = evaluation.problems
        with progress.step("写出问题清单"):
            _write_array(out, "problems", _list_lines(problems), last=True)
        out.write("}\n")
    return Path(path)
