"""问题清单: every shortfall of every unit and school, with its size.

For an indicator below its standard the size is the smallest whole addition to the unit's own
resource that reaches the standard — whole teachers, rooms, ㎡, 元 — computed exactly
(4.2 × 1500 / 100 − 62 is exactly 1 teacher). For a facility split between 学段 the school must add
more than its unit needs, since part of any addition goes to the other 学段; ``school_shortfall``
is the smallest whole addition to the whole school that lifts the unit to the standard
(``shared/design.md``, JSON ``problems``).

Kinds: ``below_floor`` (under 85% of the standard), ``below_standard``, ``rooms_missing`` (G3),
``oversize`` (G4), ``large_class`` (G5), ``funds_below_norm`` (G6), ``uncertified`` (G12, when it is
judged per school), ``training_funds`` (Q4), ``cv_driver`` (a unit pulling a failing 差异系数).
``blocking`` says whether the item must be fixed for the unit (and so the county) to pass — below
the 85% floor, or needed to reach 6 of 7 — or for the county item (G3 G4 G5 G6 G12 Q4). The problem
list and the verdict agree: a school check has a problem exactly when the county item counts it
as failing (same statuses, same scope). ``cv_driver`` items are advisory: they show where acting
lowers the CV most.

The list is built column-wise, one frame per indicator and per school item, vectorised over every
unit and school of the run (a national file has 370,000 problems): shortfalls by floats, re-decided
exactly only where a float lies within a hair of a whole number. :func:`problem_frame` is the
list; :func:`problem_records` gives it as the JSON's dicts, where a field that does not apply to a
problem (``room_type``, ``floor_shortfall`` …) is absent rather than null.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from junheng.column_text import amount_text, number_text
from junheng.exact import ceil_whole, whole_gaps
from junheng.indicators import exact_resource, exact_share, resource_expr
from junheng.outcome import NOT_MET
from junheng.schema import STAGE_ZH
from junheng.standards import Params, percent_text

if TYPE_CHECKING:
    from junheng.evaluate import Evaluation
    from junheng.indicators import Indicator

KIND_ORDER = ("below_floor", "below_standard", "rooms_missing", "oversize", "large_class", "funds_below_norm",
              "uncertified", "training_funds", "cv_driver")
KIND_ZH = {"below_floor": "低于标准的{floor}", "below_standard": "未达到标准", "rooms_missing": "音乐美术专用教室不足",
           "oversize": "学校规模超标", "large_class": "大班额", "funds_below_norm": "公用经费未按最低人数核定",
           "uncertified": "教师未全部持证", "training_funds": "教师培训经费不足", "cv_driver": "拉大校际差异系数"}

# The fields of a problem, in the JSON's order; the optional ones are present only where they apply.
FIELDS = {"school_code": pl.String, "school_name": pl.String, "county_code": pl.String, "county_name": pl.String,
          "year": pl.Int64, "stage": pl.String, "item": pl.String, "kind": pl.String, "value": pl.Float64,
          "standard": pl.Float64, "shortfall": pl.Int64, "school_shortfall": pl.Int64, "unit": pl.String,
          "blocking": pl.Boolean, "message": pl.String}
OPTIONAL_FIELDS = {"indicator_name": pl.String, "floor_shortfall": pl.Int64, "room_type": pl.String,
                   "variance_share": pl.Float64, "cv": pl.Float64, "cv_max": pl.Float64}
SCHEMA = {**FIELDS, **OPTIONAL_FIELDS}
PLACE = ("school_code", "school_name", "county_code", "county_name", "year")
# The record-by-record order before the sort: school items, then indicators, then CV drivers, each
# in its frame's row order and, within a row, in the order of its items.
ORIGIN = ("_source", "_row", "_sub")


def kind_label(kind: str, params: Params) -> str:
    """The Chinese name of a kind of problem; the floor's percentage comes from the parameters."""
    return KIND_ZH[kind].format(floor=percent_text(params["unit.floor_ratio"]))


# A failing CV's drivers: the units that together carry this share of its variance (at most MAX_DRIVERS).
DRIVER_VARIANCE_SHARE = 0.5
MAX_DRIVERS = 10


def _amount(value: int, unit: str) -> str:
    return f"{value:,} {unit}" if unit == "元" else f"{value} {unit}"


def indicator_shortfall(ind: Indicator, row: dict, target: Fraction, params) -> tuple[int, int]:
    """(unit shortfall, school shortfall) to lift the unit's value to ``target``, exactly.

    value = per × R × share / P, so the unit needs R·share ≥ target·P/per and the school needs
    R ≥ target·P/(per·share).
    """
    resource = exact_resource(ind, row, params)
    share = exact_share(row, params) if ind.split else Fraction(1)
    needed_by_unit = target * row["students"] / ind.per
    unit_gap = ceil_whole(needed_by_unit - resource * share)
    school_gap = ceil_whole(needed_by_unit / share - resource) if ind.split else unit_gap
    return unit_gap, school_gap


def shortfalls(ind: Indicator, units: pl.DataFrame, targets: dict[str, Fraction],
               params: Params) -> tuple[np.ndarray, np.ndarray]:
    """:func:`indicator_shortfall` of every unit (``targets`` by 学段), by floats where they cannot be
    wrong and exactly for the rows where they might."""
    target = units["stage"].replace_strict({s: float(t) for s, t in targets.items()}, return_dtype=pl.Float64)
    needed = target.to_numpy() * units["students"].cast(pl.Float64).to_numpy() / ind.per
    resource = units.select(resource_expr(ind, params)).to_series().cast(pl.Float64).to_numpy()
    if ind.split:
        share = units["share"].cast(pl.Float64).to_numpy()
        unit_gap, unit_open = whole_gaps(needed, resource * share)
        with np.errstate(divide="ignore", invalid="ignore"):
            school_gap, school_open = whole_gaps(needed / share, resource)
        undecided = unit_open | school_open | ~(share > 0)
    else:
        unit_gap, undecided = whole_gaps(needed, resource)
        school_gap = unit_gap.copy()
    for i in np.flatnonzero(undecided).tolist():
        row = units.row(i, named=True)
        unit_gap[i], school_gap[i] = indicator_shortfall(ind, row, targets[row["stage"]], params)
    return unit_gap, school_gap


def _fast_shortfall(ind: Indicator, row: dict, target: Fraction, target_float: float, params) -> tuple[int, int]:
    """One unit's shortfalls through :func:`shortfalls` (the float target is taken from ``target``;
    ``target_float`` stays for the callers that pass both)."""
    unit_gap, school_gap = shortfalls(ind, pl.DataFrame([row]), {row["stage"]: target}, params)
    return int(unit_gap[0]), int(school_gap[0])


def problem_rows(frame: pl.DataFrame, origin: tuple[int, int], columns: dict) -> pl.DataFrame:
    """Problems of ``frame``'s rows (which carry ``_row``): its place, then ``columns`` (values,
    expressions or series), tagged with where the record-by-record list would have put them."""
    source, sub = origin
    exprs = [pl.col(name) for name in PLACE]
    for name, value in columns.items():
        expr = value if isinstance(value, pl.Expr) else pl.lit(value, SCHEMA.get(name))
        exprs.append(expr.cast(SCHEMA[name]).alias(name))
    return frame.select(*exprs, pl.lit(source, pl.Int64).alias("_source"), pl.col("_row").cast(pl.Int64),
                        pl.lit(sub, pl.Int64).alias("_sub"))


def _resource_columns(ind: Indicator, params: Params) -> list[str]:
    """The unit columns an indicator's resource reads."""
    names = []

    def column(name: str, default=None) -> int:
        names.append(name)
        return 0

    ind.resource(column, params)
    return names


def _indicator_problems(ev: Evaluation) -> list[pl.DataFrame]:
    indicators = ev.indicators  # a property that builds the list on each call
    units = ev.units.with_row_index("_row").filter(pl.any_horizontal(~pl.col(f"{ind.id}_met") for ind in indicators))
    columns = {"_row", *PLACE, "stage", "students", "met_count", "share", "school_type"}
    columns |= {c for c in units.columns if c.startswith("pupils_")}
    for ind in indicators:
        columns |= {f"{ind.id}_met", f"{ind.id}_floor_met", f"{ind.id}_value"}
        for params in ev.params_by_year.values():
            columns.update(_resource_columns(ind, params))
    units = units.select(c for c in units.columns if c in columns)
    parts = []
    for (year,), year_units in units.partition_by("year", as_dict=True, maintain_order=True).items():
        params = ev.params_by_year[year]
        for sub, ind in enumerate(indicators):
            unmet = year_units.filter(~pl.col(f"{ind.id}_met").fill_null(False))
            if unmet.height:
                parts.append(_indicator_rows(ind, sub, unmet, params))
    return parts


def _indicator_rows(ind: Indicator, sub: int, units: pl.DataFrame, params: Params) -> pl.DataFrame:
    """The problems of the units below ``ind``'s standard."""
    minimum = int(params["unit.min_indicators_met"])
    stages = units["stage"].unique().to_list()
    standards = {stage: params[f"{ind.id}.standard.{stage}"] for stage in stages}
    floors = {stage: standard * params["unit.floor_ratio"] for stage, standard in standards.items()}
    standard = units["stage"].replace_strict({s: float(v) for s, v in standards.items()}, return_dtype=pl.Float64)
    unit_gap, school_gap = shortfalls(ind, units, standards, params)
    below_floor = ~units[f"{ind.id}_floor_met"].fill_null(False)
    floor_gap = pl.Series("floor_shortfall", [None] * units.height, dtype=pl.Int64)
    if below_floor.any():
        rows = np.flatnonzero(below_floor.to_numpy())
        floor_gap = floor_gap.scatter(rows, shortfalls(ind, units[rows], floors, params)[0])
    unit_gap, school_gap = pl.Series(unit_gap), pl.Series(school_gap)
    short_of_minimum = pl.col("met_count") < minimum
    message = pl.concat_str(
        pl.col("stage").replace_strict(STAGE_ZH), pl.lit(f"{ind.id} {ind.name} "),
        pl.lit(number_text(units[f"{ind.id}_value"], ".2f")), pl.lit("，标准 "), pl.lit(number_text(standard, "g")),
        pl.lit(f"：缺{ind.resource_name} "), pl.lit(amount_text(unit_gap, ind.unit)),
        pl.when(pl.lit(ind.split) & pl.lit(school_gap != unit_gap))
        .then(pl.concat_str(pl.lit("（与其他学段共用，全校需增加 "), pl.lit(amount_text(school_gap, ind.unit)), pl.lit("）")))
        .otherwise(pl.lit("")),
        pl.when(pl.lit(below_floor))
        .then(pl.concat_str(pl.lit(f"；低于标准的{percent_text(params['unit.floor_ratio'])}，至少需增加 "),
                            pl.lit(amount_text(floor_gap, ind.unit)), pl.lit("方达底线")))
        .when(short_of_minimum)
        .then(pl.concat_str(pl.lit("；本单元仅 "), pl.col("met_count").cast(pl.String), pl.lit(f" 项达标，须至少 {minimum} 项")))
        .otherwise(pl.lit("")))
    return problem_rows(units, (1, sub), {
        "stage": pl.col("stage"), "item": ind.id,
        "kind": pl.when(pl.lit(below_floor)).then(pl.lit("below_floor")).otherwise(pl.lit("below_standard")),
        "value": pl.col(f"{ind.id}_value"), "standard": pl.lit(standard), "shortfall": pl.lit(unit_gap),
        "school_shortfall": pl.lit(school_gap), "unit": ind.unit, "blocking": pl.lit(below_floor) | short_of_minimum,
        "message": message, "indicator_name": ind.name, "floor_shortfall": pl.lit(floor_gap)})


def _cv_driver_problems(ev: Evaluation) -> list[dict]:
    """For each failing CV, the units whose weighted squared distance from the mean is largest."""
    per_indicator = ev.standard.judges.cv_test == "per_indicator"
    if per_indicator:
        failing = ev.stage_stats.filter(pl.col("cv_pass") == False)  # noqa: E712 (null is not failing)
    else:
        maxima = pl.DataFrame([{"year": year, "stage": stage, "composite_cv_max": params.f(f"cv.composite_max.{stage}")}
                               for year, params in ev.params_by_year.items() for stage in ev.standard.stages])
        failing_stages = ev.stage_results.filter(pl.col("status") == NOT_MET).select("year", "county_id", "stage")
        failing = (ev.stage_stats.join(failing_stages, on=["year", "county_id", "stage"])
                   .join(maxima, on=["year", "stage"]).filter(pl.col("cv") > pl.col("composite_cv_max")))
    out = []
    by = {ind.id: ind for ind in ev.indicators}
    groups = ("year", "county_id", "stage")
    units_of = (ev.units.join(failing.select(groups).unique(), on=groups, maintain_order="left")
                .partition_by(groups, as_dict=True, maintain_order=True))
    for stat in failing.iter_rows(named=True):
        ind = by[stat["indicator"]]
        units = units_of[tuple(stat[g] for g in groups)]
        values, students = units[f"{ind.id}_value"], units["students"]
        contribution = (students / students.sum()) * (values - stat["mean"]) ** 2
        order = contribution.arg_sort(descending=True).to_list()
        variance, running = contribution.sum(), 0.0
        maximum = stat["cv_max"] if per_indicator else stat["composite_cv_max"]
        for i in order[:MAX_DRIVERS]:
            row = units.row(i, named=True)
            weight = contribution[i] / variance if variance else 0.0
            value = row[f"{ind.id}_value"]
            below = value < stat["mean"]
            gap = school_gap = None
            if below:
                share = row["share"] if ind.split else 1.0
                gap = math.ceil((stat["mean"] - value) * row["students"] / ind.per - 1e-9)
                school_gap = math.ceil(gap / share - 1e-9)
            out.append({
                **{key: row[key] for key in PLACE}, "stage": row["stage"], "item": ind.id, "kind": "cv_driver",
                "value": value, "standard": stat["mean"], "shortfall": gap, "school_shortfall": school_gap,
                "unit": ind.unit, "blocking": False,
                "message": f"{STAGE_ZH[row['stage']]}{ind.id} 差异系数 {stat['cv']:.3f} 超过 {maximum:.2f}：本单元 "
                           f"{value:.2f}，全县均值 {stat['mean']:.2f}，占方差 {weight:.0%}"
                           + (f"；补足至均值需增加{ind.resource_name} {_amount(gap, ind.unit)}" if below else "；远高于均值"),
                "variance_share": weight, "cv": stat["cv"], "cv_max": maximum, "indicator_name": ind.name,
                "_source": 2, "_row": len(out), "_sub": 0})
            running += weight
            if running >= DRIVER_VARIANCE_SHARE:
                break
    return out


def severity_key(problem: dict) -> tuple:
    """Blocking first, then by kind (floor breaches before other shortfalls), then the larger gap."""
    return (not problem["blocking"], KIND_ORDER.index(problem["kind"]), -(problem["school_shortfall"] or 0))


def problem_frame(ev: Evaluation) -> pl.DataFrame:
    """Every problem of the evaluation, one row each (columns :data:`SCHEMA`), by year, county and
    school, most serious first (:func:`severity_key`)."""
    from junheng.school_problems import school_problems

    parts = school_problems(ev)
    if ev.standard.judges.unit_rule:
        parts += _indicator_problems(ev)
    drivers = _cv_driver_problems(ev)
    if drivers:
        parts.append(pl.DataFrame(drivers, schema={**SCHEMA, **dict.fromkeys(ORIGIN, pl.Int64)}))
    empty = pl.DataFrame(schema={**SCHEMA, **dict.fromkeys(ORIGIN, pl.Int64)})
    problems = pl.concat([empty, *parts], how="diagonal_relaxed")
    rank = pl.col("kind").replace_strict({kind: i for i, kind in enumerate(KIND_ORDER)}, return_dtype=pl.Int64)
    return problems.sort([pl.col("year"), pl.col("county_name"), pl.col("school_code"), ~pl.col("blocking"), rank,
                          -pl.col("school_shortfall").fill_null(0), *map(pl.col, ORIGIN)]).select(*SCHEMA)


def problem_records(problems: pl.DataFrame) -> list[dict]:
    """The problems as the JSON's dicts: an optional field only where it applies."""
    optional = [name for name in OPTIONAL_FIELDS if name in problems.columns]
    out = []
    for row in problems.iter_rows(named=True):
        for name in optional:
            if row[name] is None:
                del row[name]
        out.append(row)
    return out

