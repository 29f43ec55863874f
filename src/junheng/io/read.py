"""``read_dataset``: a workbook or CSV folder → a validated, typed :class:`~junheng.dataset.Dataset`.

All errors of a file are collected in one pass and raised together as :class:`InputErrors`
(never a traceback, never a partial data set); notices (skipped blank rows, identical room
rows, a county name unified, a column not used) come back in ``Dataset.notices`` for the faces
to show: the CLI prints them grouped on standard error, the web app lists them.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import polars as pl

from junheng.dataset import Dataset
from junheng.schema import COUNTY, MONITORING, ROOMS, SCHOOLS, TABLES

from .counties import check_years, name_rows_without_schools, unify_county_names
from .errors import ErrorLog, InputError
from .rules import check_county, check_monitoring, check_rooms, check_schools
from .sources import open_tables
from .table import SOURCE_ROW, Sheet, read_sheet


def read_dataset_with_warnings(path: str | PathLike) -> tuple[Dataset, list[str]]:
    """The data set and its notices as Chinese lines (blank rows skipped and the like)."""
    dataset = read_dataset(path)
    return dataset, [str(n) for n in dataset.notices]


def read_dataset(path: str | PathLike) -> Dataset:
    """The data set at ``path``, carrying in ``notices`` what was changed, skipped or looked odd;
    raises :class:`InputErrors` listing everything wrong with it."""
    path = Path(path)
    log = ErrorLog()
    grids = open_tables(path, log)
    sheets: dict[str, Sheet | None] = {
        table_id: None if grid is None else read_sheet(grid, TABLES[table_id], log)
        for table_id, grid in grids.items()
    }
    schools = sheets[SCHOOLS.id]
    unify_county_names(schools, [sheets[t] for t in (COUNTY.id, MONITORING.id) if sheets[t] is not None])
    check_years(schools)
    check_schools(schools)
    schools.run_checks()
    if not schools.typed.height:
        log.add(InputError(schools.name, None, None, None, "没有任何学校数据"))
    checks = {ROOMS.id: lambda sheet: check_rooms(sheet, schools), COUNTY.id: check_county,
              MONITORING.id: check_monitoring}
    for table_id, check in checks.items():
        if sheets[table_id] is not None:
            check(sheets[table_id])
            sheets[table_id].run_checks()
    log.raise_if_any([sheet.name for sheet in sheets.values() if sheet is not None])
    for table_id in (COUNTY.id, MONITORING.id):
        if sheets[table_id] is not None:
            name_rows_without_schools(schools, sheets[table_id])
    missing = [TABLES[table_id].sheet for table_id, sheet in sheets.items() if sheet is None]
    if missing:
        log.notice(None, f"未提供{'、'.join(missing)}表：依赖这些表的项目为“未评估”")
    frames = {table_id: _frame(sheet) for table_id, sheet in sheets.items()}
    return Dataset(**frames, source=str(path), notices=tuple(log.notices))


def _frame(sheet: Sheet | None) -> pl.DataFrame | None:
    return None if sheet is None else sheet.typed.select(*(f.id for f in sheet.table.fields), SOURCE_ROW)
