"""Checks of one year's data against last year's and against itself (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from junheng.dataset import Dataset
from junheng.exact import AMBIGUITY, frac
from junheng.parameter_files import values_in_force
from junheng.schema import SCHOOLS, Field

HERE = Path(__file__).parent
# The kind of threshold under which a change is too small to flag, by the field's unit.
_CHANGE_KIND = {"㎡": "area", "元": "money"}


@dataclass(frozen=True)
class Flag:
    """One finding for the bureau's or the reviewer's attention; ``kind`` is a stable id."""

    kind: str  # yoy_change | yoy_fall | school_missing | school_new | name_changed | two_counties | total_mismatch
    message: str  # Chinese, complete on its own
    county_code: str | None = None
    school_code: str | None = None
    field: str | None = None
    last: Any = None
    this: Any = None


@dataclass(frozen=True)
class Change:
    """One number field of a school against last year: both values, the difference and its share
    of last year's value (``None`` when last year's was 0)."""

    field: str
    last: Any
    this: Any
    difference: int | float
    share: float | None


def _compared(field) -> bool:
    return field.type in ("int", "decimal") and field.id not in ("year", "built_year")


def changes(this: dict[str, Any], last: dict[str, Any]) -> dict[str, Change]:
    """Every number field given in both years' values of one school, by field id."""
    found = {}
    for field in SCHOOLS.fields:
        now, before = this.get(field.id), last.get(field.id)
        if not _compared(field) or now is None or before is None:
            continue
        difference = frac(now) - frac(before)
        found[field.id] = Change(field.id, before, now,
                                 int(difference) if difference.denominator == 1 else float(difference),
                                 None if before == 0 else float(difference / frac(before)))
    return found


def load_check_parameters(year: int) -> dict[str, Any]:
    return dict(_parameters_in_force(int(year)))


@lru_cache(maxsize=64)
def _parameters_in_force(year: int) -> dict[str, Any]:
    """Read once per year: the cross-checks of a province call this for each of its counties."""
    return values_in_force(HERE / "checks.yaml", year)[0]


@cache
def _label(field_id: str) -> str:
    field = SCHOOLS.field(field_id)
    return f"{field.header}" + (f"({field.unit})" if field.unit else "")


def _number(value: Any) -> str:
    return f"{Decimal(repr(value)).normalize():f}" if isinstance(value, float) else str(value)


def _screen(now: np.ndarray, before: np.ndarray, compared: np.ndarray, minimum: np.ndarray, share: Fraction,
            falls_flagged: np.ndarray) -> np.ndarray:
    """(row, field) pairs whose change might be flagged, decided on floats (rows × fields, all at
    once) with a margin far wider than their rounding error: every pair the exact test can flag is
    among them, and few others are (only those within a hair of a threshold)."""
    with np.errstate(invalid="ignore"):
        change = now - before
        slack = AMBIGUITY * np.maximum(np.maximum(np.abs(now), np.abs(before)), 1.0)
        moved = (np.abs(change) >= minimum - slack) & ((before == 0) | (np.abs(change) > float(share) * before - slack))
        hit = moved | ((change < 0) & falls_flagged)
    return np.argwhere(compared[:, None] & ~np.isnan(now) & ~np.isnan(before) & hit)


def _field_flag(school: dict[str, Any], field: Field, now: Any, before: Any, minimum: Fraction, share: Fraction,
                falls_flagged: bool) -> Flag | None:
    """The exact test of one field of one school, and its flag."""
    before_exact = frac(before)
    change = frac(now) - before_exact
    code, county = school["school_code"], school["county_code"] or school["county_code_last"]
    where = f"{school['school_name']}（{code}）{_label(field.id)}"
    if falls_flagged and change < 0:
        return Flag("yoy_fall", f"{where}由 {_number(before)} 减少为 {_number(now)}：校舍场地面积通常不会减少，请说明",
                    county, code, field.id, before, now)
    if abs(change) >= minimum and (before_exact == 0 or abs(change) > share * before_exact):
        ratio = "" if before_exact == 0 else f"（{'+' if change > 0 else ''}{float(change / before_exact):.0%}）"
        return Flag("yoy_change", f"{where}由 {_number(before)} 变为 {_number(now)}{ratio}，"
                    f"超过 {float(share):.0%}：请学校说明，教育局复核", county, code, field.id, before, now)
    return None


def _identity_flag(row: dict[str, Any]) -> Flag:
    code, county = row["school_code"], row["county_code"] or row["county_code_last"]
    if row["school_name"] is None:
        return Flag("school_missing", f"{row['school_name_last']}（{code}）上一年度有数据，本年度没有：请说明撤并、停办或漏报",
                    county, code)
    if row["school_name_last"] is None:
        return Flag("school_new", f"{row['school_name']}（{code}）为本年度新增学校：请核对新建或更名", county, code)
    return Flag("name_changed", f"{code} 的学校名称由“{row['school_name_last']}”改为“{row['school_name']}”",
                county, code, "school_name", row["school_name_last"], row["school_name"])


def year_on_year(this: pl.DataFrame, last: pl.DataFrame, params: dict[str, Any] | None = None, *,
                 screened: bool = True) -> list[Flag]:
    """Schools of ``this`` year against ``last`` year's, matched by 学校标识码: large moves of any
    number field, falls of the fields that do not ordinarily fall, vanished and new schools, and
    renamed ones; in the order of the schools, each school's fields in the schema's order.

    Every field of every school is screened at once on floats and only the values the screen may
    flag are tested exactly (``screened=False`` tests every value exactly: the reference the
    screen is tested against)."""
    year = int(this["year"].max())
    params = params or load_check_parameters(year)
    share = Fraction(params["yoy.max_relative_change"])
    non_decreasing = set(params["yoy.non_decreasing"])
    numeric = [f for f in SCHOOLS.fields if _compared(f) and f.id in this.columns and f.id in last.columns]
    keep = ["school_code", "school_name", "county_code", *(f.id for f in numeric)]
    pairs = this.select(keep).join(last.select(keep), on="school_code", how="full", suffix="_last", coalesce=True,
                                   maintain_order="left_right")
    identity = ["school_code", "school_name", "school_name_last", "county_code", "county_code_last"]
    found: list[tuple[int, int, Flag]] = []
    renamed = pairs.select(identity).with_row_index("row").filter(
        pl.col("school_name").is_null() | pl.col("school_name_last").is_null()
        | (pl.col("school_name") != pl.col("school_name_last")))
    found += [(row.pop("row"), -1, _identity_flag(row)) for row in renamed.iter_rows(named=True)]
    both = (pairs["school_name"].is_not_null() & pairs["school_name_last"].is_not_null()).to_numpy()
    schools = pairs.select(identity)
    minimum = [Fraction(params[f"yoy.min_change.{_CHANGE_KIND.get(f.unit, 'count')}"]) for f in numeric]
    falls = [f.id in non_decreasing for f in numeric]
    now = pairs.select(pl.col(f.id).cast(pl.Float64) for f in numeric).to_numpy()
    before = pairs.select(pl.col(f"{f.id}_last").cast(pl.Float64) for f in numeric).to_numpy()
    cells = (np.empty((0, 2), dtype=int) if not numeric
             else _screen(now, before, both, np.array([float(m) for m in minimum]), share, np.array(falls)) if screened
             else np.argwhere(both[:, None] & ~np.isnan(now) & ~np.isnan(before)))
    for n, position in cells.tolist():
        field = numeric[position]
        flag = _field_flag(schools.row(n, named=True), field, pairs[field.id][n], pairs[f"{field.id}_last"][n],
                           minimum[position], share, falls[position])
        if flag is not None:
            found.append((n, position, flag))
    return [flag for _, _, flag in sorted(found, key=lambda f: f[:2])]


def _two_counties(schools: pl.DataFrame) -> list[Flag]:
    county = pl.coalesce("county_code", "county_name")
    doubles = (schools.group_by("year", "school_code").agg(county.unique().alias("counties"), pl.col("school_name").first())
               .filter(pl.col("counties").list.len() > 1).sort("school_code"))
    return [Flag("two_counties", f"{row['school_name']}（{row['school_code']}）同时出现在 {'、'.join(sorted(row['counties']))} "
                 "两个县（区）的数据中", None, row["school_code"]) for row in doubles.iter_rows(named=True)]


def _teacher_totals(dataset: Dataset) -> list[Flag]:
    if dataset.county is None or "teachers_total" not in dataset.county.columns:
        return []
    key = "county_code" if dataset.schools["county_code"].null_count() == 0 else "county_name"
    summed = dataset.schools.group_by("year", key).agg(
        (pl.col("primary_teachers").fill_null(0) + pl.col("junior_teachers").fill_null(0)).sum().alias("summed"))
    rows = dataset.county.join(summed, on=["year", key], how="inner").filter(
        pl.col("teachers_total").is_not_null() & (pl.col("teachers_total") != pl.col("summed")))
    return [Flag("total_mismatch", f"{row['county_name']} 县级指标“专任教师总数”为 {row['teachers_total']}，"
                 f"各校小学、初中专任教师数合计为 {row['summed']}：请核对", row.get("county_code"), None,
                 "teachers_total", row["teachers_total"], row["summed"]) for row in rows.iter_rows(named=True)]


def check_dataset(dataset: Dataset, last: Dataset | None = None, *, across_counties: bool = True) -> list[Flag]:
    """Every check that applies: identity and totals within the data, and year on year if given.
    ``across_counties=False`` leaves out the one check across counties (a code under two of them),
    for a region that runs it once over all its counties rather than per county."""
    flags = (_two_counties(dataset.schools) if across_counties else []) + _teacher_totals(dataset)
    if last is not None:
        flags += year_on_year(dataset.schools, last.schools)
    return flags
