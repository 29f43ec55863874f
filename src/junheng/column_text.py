"""Texts built column-wise that read exactly as Python's f-strings write them.

The Chinese notes and messages (problem list, school checks) format numbers as ``f"{x:.2f}"``,
``f"{x:g}"``, ``f"{x:,}"``; polars has no such formats, so each distinct value is formatted once by
Python and the texts are mapped back onto the column. A national column (hundreds of thousands of
rows) costs a fraction of a second, and the words are those of the record-by-record code.
"""

from __future__ import annotations

import polars as pl

_INTEGER = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def number_text(series: pl.Series, spec: str = "") -> pl.Series:
    """``format(value, spec)`` of every value; a missing one reads "None", as in an f-string."""
    if series.dtype in _INTEGER and not spec:
        return series.cast(pl.String).fill_null("None")
    distinct = series.drop_nulls().unique()
    texts = [format(value, spec) for value in distinct.to_list()]
    return series.replace_strict(distinct, pl.Series(texts, dtype=pl.String), default=None,
                                 return_dtype=pl.String).fill_null("None").alias(series.name)


def amount_text(series: pl.Series, unit: str) -> pl.Series:
    """A whole amount with its unit, 元 with thousands separators (``12,000 元``, ``3 人``)."""
    return pl.select(pl.concat_str(pl.lit(number_text(series, "," if unit == "元" else "")),
                                   pl.lit(f" {unit}"))).to_series()
