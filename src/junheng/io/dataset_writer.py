"""Write a canonical :class:`~junheng.dataset.Dataset` back out as a person would type it.

The workbook has the sheets 学校 / 专用教室 / 县级指标 / 质量监测, the CSV folder the files
``schools.csv`` … ; both are headed by the Chinese ``display_header`` of :mod:`junheng.schema`, show
booleans as 是/否 and 学业水平 as Ⅰ–Ⅳ, and keep codes as text (leading zeros). Reading either back
with :func:`junheng.io.read_dataset` gives the same typed frames. A table that is ``None`` (not
supplied) is not written at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from junheng.dataset import Dataset
from junheng.io.files import atomic_path
from junheng.io.xlsx import Styles, atomic_workbook, text_width
from junheng.schema import LEVEL_LABELS, TABLES, Table

_LEVEL_TEXT = {number: label for number, label in enumerate(LEVEL_LABELS, start=1)}


def supplied_tables(dataset: Dataset) -> Iterator[tuple[Table, pl.DataFrame]]:
    """The tables the data set has, in schema order."""
    for table in TABLES.values():
        frame = getattr(dataset, table.id)
        if frame is not None:
            yield table, frame


def display_frame(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """The table as typed: Chinese headers in schema order, 是/否, Ⅰ–Ⅳ; numbers and text unchanged."""
    columns = []
    for field in table.fields:
        if field.id not in frame.columns:
            continue
        column = pl.col(field.id)
        if field.type == "bool":
            column = pl.when(column).then(pl.lit("是")).when(~column).then(pl.lit("否"))
        elif field.type == "level":
            column = column.replace_strict(_LEVEL_TEXT, default=None, return_dtype=pl.String)
        columns.append(column.alias(field.display_header))
    return frame.select(columns)


def write_dataset_xlsx(dataset: Dataset, path: str | os.PathLike) -> Path:
    """One sheet per supplied table; numbers as numbers, text (codes included) as text."""
    path = Path(path)
    with atomic_workbook(path) as workbook:
        header = Styles(workbook).header
        for table, frame in supplied_tables(dataset):
            shown = display_frame(table, frame)
            sheet = workbook.add_worksheet(table.sheet)
            for col, name in enumerate(shown.columns):
                sheet.write_string(0, col, name, header)
                sheet.set_column(col, col, max(8.0, text_width(name) + 2))
            for row_number, row in enumerate(shown.iter_rows(), start=1):
                for col, value in enumerate(row):
                    if isinstance(value, str):
                        sheet.write_string(row_number, col, value)
                    elif value is not None:
                        sheet.write_number(row_number, col, value)
            sheet.freeze_panes(1, 0)
    return path


def write_dataset_csv(dataset: Dataset, folder: str | os.PathLike) -> Path:
    """``schools.csv``, ``rooms.csv``, ``county.csv``, ``monitoring.csv`` in UTF-8 with a BOM (so that
    Excel on Chinese Windows opens them correctly); each file appears only once completely written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table, frame in supplied_tables(dataset):
        with atomic_path(folder / f"{table.id}.csv") as temporary:
            display_frame(table, frame).write_csv(temporary, include_bom=True)
    return folder
