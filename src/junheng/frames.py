"""Build typed canonical tables from plain Python rows (tests, the web app, what-if edits).

Every schema column is present with its canonical dtype; missing values are null.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from junheng.dataset import Dataset
from junheng.schema import TABLES, Table

DTYPES = {"int": pl.Int64, "decimal": pl.Float64, "text": pl.Utf8, "code": pl.Utf8, "enum": pl.Utf8,
          "bool": pl.Boolean, "level": pl.Int64}


def table_schema(table: Table) -> dict[str, pl.DataType]:
    return {f.id: DTYPES[f.type] for f in table.fields} | {"source_row": pl.Int64}


def frame(table_id: str, rows: Iterable[dict]) -> pl.DataFrame:
    """A typed frame of ``table_id`` from dicts keyed by canonical field id (row numbers from 2)."""
    table = TABLES[table_id]
    schema = table_schema(table)
    rows = [{**{k: None for k in schema}, "source_row": i + 2, **row} for i, row in enumerate(rows)]
    unknown = {k for row in rows for k in row} - set(schema)
    if unknown:
        raise KeyError(f"unknown fields for {table_id}: {sorted(unknown)}")
    return pl.DataFrame(rows, schema=schema, orient="row")


def dataset(schools: Iterable[dict], rooms: Iterable[dict] | None = None, county: Iterable[dict] | None = None,
            monitoring: Iterable[dict] | None = None, source: str = "") -> Dataset:
    return Dataset(
        schools=frame("schools", schools),
        rooms=None if rooms is None else frame("rooms", rooms),
        county=None if county is None else frame("county", county),
        monitoring=None if monitoring is None else frame("monitoring", monitoring),
        source=source,
    )
