"""资源配置: each unit's 7 indicator values and the per-unit rule (standard.md §1.1, §1.3).

A unit (one school × 学段, built by :mod:`junheng.units`) meets an indicator when its value reaches
the standard; under a standard whose ``judges.unit_rule`` is set, the unit is 达标 when at least
``unit.min_indicators_met`` indicators are met and every one reaches ``unit.floor_ratio`` of its
standard ("每所学校…至少6项达到要求，其余项目不低于要求的85%"). Floats decide, exact fractions
re-decide the rows within a hair of a threshold.
"""

from __future__ import annotations

from fractions import Fraction

import polars as pl

from junheng.exact import at_least
from junheng.indicators import Indicator, exact_value, resource_expr
from junheng.standards import Params, Standard


def value_expr(ind: Indicator, params: Params) -> pl.Expr:
    """The unit's indicator value: per × R × w_s / Σ w_k·P_k (split) or per × R / P_s."""
    resource = resource_expr(ind, params)
    if ind.split:
        return (ind.per * resource * pl.col("weight") / pl.col("weighted_pupils")).alias(f"{ind.id}_value")
    return (ind.per * resource / pl.col("students")).alias(f"{ind.id}_value")


def stage_threshold(params: Params, pattern: str, stage_column: str = "stage") -> pl.Expr:
    """A per-stage parameter (``pattern`` with ``{stage}``) as a float column."""
    return (pl.when(pl.col(stage_column) == "primary").then(params.f(pattern.format(stage="primary")))
            .otherwise(params.f(pattern.format(stage="junior"))))


def unit_verdicts(units: pl.DataFrame, inds: list[Indicator], params: Params, standard: Standard) -> pl.DataFrame:
    """The units with ``{id}_value`` and, under a per-unit rule, ``{id}_standard``, ``{id}_floor``,
    ``{id}_met``, ``{id}_floor_met``, ``met_count`` and ``compliant``."""
    units = units.with_columns(value_expr(ind, params) for ind in inds)
    if not standard.judges.unit_rule:
        return units
    floor_ratio = params["unit.floor_ratio"]
    columns = []
    for ind in inds:
        pattern = f"{ind.id}.standard.{{stage}}"
        standard_value = units.select(stage_threshold(params, pattern)).to_series()
        floor_value = standard_value * float(floor_ratio)

        def exact(rows: list[int], ind: Indicator = ind, ratio: Fraction = Fraction(1)) -> list[tuple]:
            return [(exact_value(ind, row, params), ratio * params[f"{ind.id}.standard.{row['stage']}"])
                    for row in units[rows].to_dicts()]

        value = units[f"{ind.id}_value"]
        columns += [
            standard_value.alias(f"{ind.id}_standard"),
            floor_value.alias(f"{ind.id}_floor"),
            at_least(value, standard_value, exact).alias(f"{ind.id}_met"),
            at_least(value, floor_value, lambda rows, ind=ind: exact(rows, ind, floor_ratio)).alias(f"{ind.id}_floor_met"),
        ]
    units = units.with_columns(columns)
    met = [pl.col(f"{ind.id}_met") for ind in inds]
    floors = [pl.col(f"{ind.id}_floor_met") for ind in inds]
    return units.with_columns(
        pl.sum_horizontal(met).cast(pl.Int64).alias("met_count"),
        ((pl.sum_horizontal(met) >= int(params["unit.min_indicators_met"])) & pl.all_horizontal(floors))
        .alias("compliant"),
    )
