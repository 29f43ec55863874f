"""The canonical data set: up to four typed polars tables (shared/spec/data.md).

Column names are the canonical field ids of :mod:`junheng.schema`; counts are ``Int64``, areas
and money ``Float64`` holding exactly the decimal that was typed (the importer converts units such
as 万元 with decimal arithmetic, so ``Fraction(repr(x))`` gives the typed value back), booleans
``Boolean``, enums their canonical Chinese label, ``level`` an ``Int64`` 1–4. A blank optional cell
is null, never zero. A table that was not supplied at all is ``None`` (its checks are then "not
assessed"), which differs from a supplied table with no rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Dataset:
    schools: pl.DataFrame
    rooms: pl.DataFrame | None = None
    county: pl.DataFrame | None = None
    monitoring: pl.DataFrame | None = None
    source: str = ""
    # What the importer changed, skipped or found odd (junheng.io.errors.Notice): shown, never silent.
    notices: tuple = ()
