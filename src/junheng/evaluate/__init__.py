"""Verdicts, 差异系数 and the county result (``shared/spec/standard.md`` §1–§2).

``evaluate(dataset, standard)`` is the one entry point every face calls. Its modules follow the
standard's own structure:

- :mod:`.resource` — 资源配置: each unit's indicator values and the per-unit rule (§1.1, §1.3);
- :mod:`.variation` — 差异系数 per county × 学段 × indicator, and the 综合 value (§1.2, §2);
- :mod:`.schools` — the per-school items G3 G4 G5 G6 G12 Q4, each over its own scope (§1.4);
- :mod:`.county_items` — the county items G Q S, column-wise over all counties (§1.4–§1.5);
- :mod:`.verdict` — the areas, veto items, prerequisite and the verdict (§1.5–§1.6);
- :mod:`.outcome` — the four outcomes: met, not met, not assessed (blocks), not applicable (does not).

What a standard judges (per-unit rule, which CV test, which items) is read from its YAML
``judges``; no code branches on a standard's id. Counties are identified by 县(区)代码 where there
is one (``county_id``); the name is a label (``shared/spec/data.md``).
"""

from __future__ import annotations

import polars as pl

from junheng.dataset import Dataset
from junheng.indicators import indicators_of
from junheng.outcome import all_of
from junheng.standards import Standard
from junheng.units import build_units

from .county_items import county_items, school_summaries
from .resource import unit_verdicts
from .result import Evaluation, YearResult
from .schools import SCHOOL_ITEMS, school_checks
from .variation import composites, stage_stats, weighted_cv
from .verdict import county_verdicts, stage_statuses

__all__ = ["Evaluation", "all_of", "evaluate", "weighted_cv"]

NAME_KEY = ("year", "county_name")


def _codes_by_name(schools: pl.DataFrame) -> pl.DataFrame:
    """(year, county_name) → the codes its schools carry: ``known_code`` when exactly one, ``coded``
    when any."""
    return (schools.group_by(NAME_KEY).agg(pl.col("county_code").drop_nulls().unique().alias("codes"))
            .select(*NAME_KEY, pl.when(pl.col("codes").list.len() == 1).then(pl.col("codes").list.first())
                    .alias("known_code"), (pl.col("codes").list.len() > 0).alias("coded")))


def _with_county_id(frame: pl.DataFrame, codes: pl.DataFrame) -> pl.DataFrame:
    """``county_id``: the 县(区)代码, or the name when no code is known (shared/spec/data.md: counties by
    code, the name is a label). A blank code takes the one code its name has in the schools that year;
    a 县级指标 or 质量监测 row with a code finds its schools by that code, or by name when the schools
    carry no code. Two counties of one name with two codes stay two counties."""
    code = pl.col("county_code")
    frame = frame.join(codes, on=list(NAME_KEY), how="left", maintain_order="left")
    resolved = (pl.when(code.is_not_null() & pl.col("coded").fill_null(True)).then(code)
                .when(code.is_null()).then(pl.col("known_code")))
    return frame.with_columns(
        pl.coalesce(code, pl.col("known_code")).alias("county_code"),
        pl.coalesce(resolved, pl.lit("名称:") + pl.col("county_name")).alias("county_id"),
    ).drop("known_code", "coded")


def _for_year(frame: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    return None if frame is None else frame.filter(pl.col("year") == year)


def _rooms_reported(rooms: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    """The year's 专用教室 rows; none at all means the sheet was left blank (G3 not assessed), since
    a county where no school has a single music or art room is not a real case."""
    rooms = _for_year(rooms, year)
    return rooms if rooms is not None and rooms.height else None


def evaluate(dataset: Dataset, standard: Standard) -> Evaluation:
    """Evaluate every county and year in ``dataset`` against ``standard``."""
    inds = indicators_of(standard)
    judges = standard.judges
    items = judges.items
    per_school = tuple(item for item in SCHOOL_ITEMS if item in items)
    codes = _codes_by_name(dataset.schools)
    schools = _with_county_id(dataset.schools, codes)
    county = None if dataset.county is None else _with_county_id(dataset.county, codes)
    monitoring = None if dataset.monitoring is None else _with_county_id(dataset.monitoring, codes)
    unit_parts, excluded_parts, stat_parts, check_parts, years, params_by_year = [], [], [], [], [], {}
    for year in sorted(schools["year"].unique().to_list()):
        params = params_by_year[year] = standard.at(year)
        these = schools.filter(pl.col("year") == year)
        units, excluded = build_units(these, params)
        units = unit_verdicts(units, inds, params, standard)
        stats = stage_stats(units, inds, params, standard)
        composite = composites(stats, units, params, standard)
        county_year = _for_year(county, year)
        checks = summaries = None
        if per_school:
            checks = school_checks(these, _rooms_reported(dataset.rooms, year), county_year, params, per_school)
            summaries = school_summaries(checks, per_school)
        base = (these.group_by("year", "county_id").agg(pl.col("county_code").first(), pl.col("county_name").first())
                .sort("county_name", "county_id"))
        frame = county_items(base, county_year, summaries, _for_year(monitoring, year), params, items)
        stage_status = stage_statuses(units, stats, composite, standard)
        frame = county_verdicts(frame, stage_status, standard, params)
        if "G12" in per_school:  # a county that gives its own G12 total does not judge its schools on it
            checks = checks.join(frame.select("year", "county_id", "G12_from_county"), on=["year", "county_id"],
                                 how="left").with_columns(
                pl.when(pl.col("G12_from_county")).then(None).otherwise(pl.col("G12_status")).alias("G12_status"),
            ).drop("G12_from_county")
        if checks is not None:
            check_parts.append(checks)
        years.append(YearResult(year, params, frame, units, stats, composite, stage_status))
        unit_parts.append(units)
        excluded_parts.append(excluded)
        stat_parts.append(stats)
    return Evaluation(
        standard=standard, dataset=dataset,
        units=pl.concat(unit_parts, how="diagonal_relaxed"),
        excluded=pl.concat(excluded_parts, how="diagonal_relaxed"),
        stage_stats=pl.concat(stat_parts, how="diagonal_relaxed"),
        school_checks=pl.concat(check_parts, how="diagonal_relaxed") if check_parts else None,
        params_by_year=params_by_year, years=years,
    )
