"""The evaluation as the JSON of ``shared/design.md`` (``junheng evaluate --json``), streamed.

The document is the one ``Evaluation.to_dict()`` describes (same keys, same values, unrounded),
but it is written piece by piece. Units, excluded schools, school checks (each with its Chinese
note, worded column-wise) and problems are encoded by polars straight from the evaluation's frames,
a chunk of rows at a time, and written as UTF-8 without a Python string per record; only the county
results (a few thousand) are encoded one record at a time. A national file (210,000 schools,
370,000 problems, 670 MB) therefore never exists as one Python structure or one string. Each record
takes one line, so the file is still readable and greppable.
"""

from __future__ import annotations

import json
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

import polars as pl

from junheng.evaluate.school_notes import FIGURES, OPTIONAL_FIGURES
from junheng.evaluate.schools import SCHOOL_ITEMS
from junheng.io.files import atomic_path
from junheng.outcome import PASS_OF
from junheng.problems import FIELDS, OPTIONAL_FIELDS
from junheng.progress import SILENT, Progress

CHUNK_ROWS = 20_000
# The units encoded ahead while the county results are worded (a national file's 220,000, ~200 MB).
UNITS_AHEAD = 240_000
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)  # plain dicts of the engine
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


def json_object(fields: list[tuple[pl.Expr, bool]]) -> pl.Expr:
    """A JSON object per row from (named expression, optional) pairs, in order; an optional member
    is left out where its value is null (as the dicts of ``Evaluation.to_dict()`` leave it out).

    One struct is encoded and the null optional members are cut from its text: every one follows a
    comma (the first field is not optional), and the same characters inside a string value would
    be escaped (``\\"``), so only members match.
    """
    if fields[0][1]:
        raise ValueError("the first member of a JSON object cannot be optional")
    text = pl.struct([expr for expr, _ in fields]).struct.json_encode()
    optional = [expr.meta.output_name() for expr, is_optional in fields if is_optional]
    if not optional:
        return text
    return text.str.replace_all(f',"(?:{"|".join(map(re.escape, optional))})":null', "")


def problem_records(frame: pl.DataFrame) -> pl.Expr:
    """One JSON object per problem, as ``Evaluation.problems`` has it."""
    return json_object([(pl.col(name), False) for name in FIELDS]
                       + [(pl.col(name), True) for name in OPTIONAL_FIELDS if name in frame.columns])


def _item_name(item: str, params_by_year: dict) -> pl.Expr:
    """The item's wording in the school's year, as JSON text (encoded once per year)."""
    texts = {year: json.dumps(params.item_name(item), ensure_ascii=False) for year, params in params_by_year.items()}
    if len(texts) == 1:
        return pl.lit(next(iter(texts.values())))
    return pl.col("year").replace_strict(texts, return_dtype=pl.String)


_PASS_TEXT = {status: json.dumps(passed) for status, passed in PASS_OF.items()}


def school_records(params_by_year: dict) -> pl.Expr:
    """One JSON object per school of ``Evaluation.school_check_frame()``, as ``school_records`` has it.
    The parts every school shares (pass, status, the item's long wording) are encoded once."""
    checks = []
    for item in SCHOOL_ITEMS:
        status = pl.col(f"{item}_status")
        figures = [(pl.col(column).alias(key), False) for key, column in FIGURES[item]]
        figures += [(pl.col(column).alias(key), True) for key, column in OPTIONAL_FIGURES.get(item, ())]
        figures.append((pl.col(f"{item}_note").alias("note"), False))
        checks.append(pl.when(status.is_not_null()).then(pl.concat_str(
            pl.lit(f'{json.dumps(item)}:{{"pass":'), status.replace_strict(_PASS_TEXT, default=None),
            pl.lit(',"status":"'), status, pl.lit('","name":'), _item_name(item, params_by_year), pl.lit(","),
            json_object(figures).str.strip_prefix("{"))))
    place = pl.struct(PLACE).struct.json_encode().str.strip_suffix("}")
    return pl.concat_str(place, pl.lit(',"checks":{'),
                         pl.concat_str(checks, separator=",", ignore_nulls=True), pl.lit("}}"))


class _Chunks:
    """A frame's JSON lines, a chunk of rows at a time, encoded by worker threads a few chunks ahead
    of the writer. Polars releases the GIL while it encodes, so this overlaps the Python work (the
    county results, the writing) instead of waiting for it; memory stays a few chunks."""

    def __init__(self, pool: ThreadPoolExecutor, frame: pl.DataFrame, record: pl.Expr, ahead: int = 3) -> None:
        self.height = frame.height
        self._pool, self._frame, self._record = pool, frame, record.alias("json")
        self._starts = iter(range(0, frame.height, CHUNK_ROWS))
        self._pending: deque[tuple[int, Future]] = deque()
        for _ in range(ahead):
            self._submit()

    def _submit(self) -> None:
        start = next(self._starts, None)
        if start is not None:
            self._pending.append((start, self._pool.submit(self._frame.slice(start, CHUNK_ROWS).select, self._record)))

    def __iter__(self) -> Iterator[tuple[int, pl.DataFrame]]:
        while self._pending:
            start, future = self._pending.popleft()
            self._submit()
            yield start, future.result()


def _write_frame(out: IO[bytes], key: str, chunks: _Chunks, progress: Progress) -> None:
    """``"key": [`` then one record per line, written by polars as UTF-8 (no Python string per record)."""
    out.write(f"{json.dumps(key)}: [\n".encode())
    for start, lines in chunks:
        lines.write_csv(out, include_header=False, quote_style="never", line_terminator=",\n")
        progress.advance(min(start + CHUNK_ROWS, chunks.height), chunks.height, "条")
    if chunks.height:
        out.seek(-2, os.SEEK_CUR)  # the last record takes no comma
        out.write(b"\n")
    out.write(b"],\n")


def _write_list(out: IO[bytes], key: str, items: list[dict]) -> None:
    out.write(f"{json.dumps(key)}: [\n".encode())
    out.write(",\n".join(map(_ENCODER.encode, items)).encode())
    out.write(b"\n]," if items else b"],")
    out.write(b"\n")


def write_evaluation_json(evaluation, path: str | os.PathLike, progress: Progress = SILENT, *,
                          scenario: str | None = None) -> Path:
    """Write the evaluation's JSON (values unrounded), whole or not at all. ``scenario`` (假设分析 or a
    profile) is written as a ``"scenario"`` key after the standard, so the file cannot pass for the
    official result."""
    with ThreadPoolExecutor(max_workers=2) as pool, atomic_path(path) as temporary, temporary.open("wb") as out:
        # The frames are encoded, the school notes and the problem list found, while Python words
        # the county results.
        units = _Chunks(pool, evaluation.units, unit_records(evaluation, evaluation.units), UNITS_AHEAD // CHUNK_ROWS)
        excluded = _Chunks(pool, evaluation.excluded, excluded_records(evaluation.excluded))
        schools = pool.submit(evaluation.school_check_frame)
        problems = pool.submit(lambda: evaluation.problem_frame)
        out.write(b"{\n")
        out.write(f'"standard": {json.dumps(evaluation.standard.id)},\n'.encode())
        out.write(f'"standard_name": {json.dumps(evaluation.standard.label, ensure_ascii=False)},\n'.encode())
        if scenario:
            out.write(f'"scenario": {json.dumps(scenario, ensure_ascii=False)},\n'.encode())
        with progress.step("写出县级结果"):
            _write_list(out, "counties", evaluation.counties)
        with progress.step("写出评估单元"):
            _write_frame(out, "units", units, progress)
            _write_frame(out, "excluded", excluded, progress)
        with progress.step("写出学校检查"):
            frame = schools.result()
            if frame is None:
                _write_list(out, "schools", [])
            else:
                _write_frame(out, "schools", _Chunks(pool, frame, school_records(evaluation.params_by_year)), progress)
        with progress.step("查找问题"):
            frame = problems.result()
        with progress.step("写出问题清单"):
            _write_frame(out, "problems", _Chunks(pool, frame, problem_records(frame)), progress)
        out.seek(-2, os.SEEK_CUR)  # the last array takes no comma
        out.write(b"\n}\n")
    return Path(path)
