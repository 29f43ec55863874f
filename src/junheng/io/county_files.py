"""One file per county: where each county's 测算表, 问题清单 or report goes, and its rows, grouped once.

Each county files its own 申报表 and a reviewer signs it county by county, so every face writes one
file per county (and year). With one county the file goes where the user said; with several, the
path names a folder (``报告.docx`` → folder ``报告``) that receives ``<县名><label><suffix>`` for
each county. The rows of a county (units, problems …) are found by one pass over all rows, not by
filtering all rows again for every county, so writing 2,850 counties stays linear.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl


def county_key(row: dict) -> tuple:
    """A county and year: its 县(区)代码 when it has one, else its name."""
    return (row.get("year"), row.get("county_code") or row.get("county_name"))


def group_by_county(rows: Iterable[dict]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(county_key(row), []).append(row)
    return groups


def partition_by_county(frame: pl.DataFrame | None) -> dict[tuple, pl.DataFrame]:
    """A frame's rows per county and year (the code filled from the county's other rows when blank)."""
    if frame is None or not frame.height:
        return {}
    frame = frame.with_columns(
        pl.coalesce(pl.col("county_code").drop_nulls().first().over("year", "county_name"), pl.col("county_name"))
        .alias("_county"))
    return {(key[0], key[1]): part.drop("_county")
            for key, part in frame.partition_by("year", "_county", as_dict=True).items()}


def county_stem(county: dict, counties: list[dict]) -> str:
    """The county's name, plus its code or year when another county in the data has the same name."""
    same_name = [c for c in counties if c["county_name"] == county["county_name"]]
    stem = str(county["county_name"])
    if len({c.get("county_code") for c in same_name}) > 1:
        stem += f"_{county.get('county_code')}"
    if len({c["year"] for c in same_name}) > 1:
        stem += f"_{county['year']}"
    return stem


def folder_for(path: str | Path, suffix: str) -> Path:
    """The folder that several counties' files go into: the path itself, or without its suffix."""
    path = Path(path)
    return path.with_suffix("") if path.suffix.lower() == suffix else path


def county_targets(path: str | Path, suffix: str, label: str, counties: list[dict[str, Any]]) -> list[Path]:
    """One path per county: ``path`` itself for one county given as a file, else
    ``<folder>/<县名><label><suffix>``."""
    path = Path(path)
    if len(counties) == 1 and path.suffix.lower() == suffix and not path.is_dir():
        return [path]
    folder = folder_for(path, suffix)
    return [folder / f"{county_stem(county, counties)}{label}{suffix}" for county in counties]
