"""差异系数: the enrolment-weighted coefficient of variation per county × 学段 × indicator (§1.2).

X̄ = Σ P_i·X_i / P, S = sqrt(Σ (P_i/P)·(X_i − X̄)²) (population form), CV = S / X̄; never capped;
one unit gives 0. The test is the standard's ``judges.cv_test``: ``per_indicator`` (优质均衡:
each CV ≤ ``cv.max.{stage}``) or ``composite`` (基本均衡: the mean of the CVs ≤
``cv.composite_max.{stage}``). Decided on unrounded values unless ``cv.judge_on_rounded``; CV² is
rational, so a CV within a hair of its maximum is re-decided exactly.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

import polars as pl

from junheng.exact import at_most, round_half_up
from junheng.indicators import INDICATORS, Indicator, exact_value
from junheng.standards import Params, Standard

from .resource import stage_threshold

STAGE_KEY = ("year", "county_id", "stage")


def weighted_cv(values: list[Fraction], students: list[int]) -> tuple[Fraction, Fraction]:
    """Exact (mean, CV²) of the official enrolment-weighted method (§1.2, population form)."""
    total = sum(students)
    mean = sum(Fraction(p) * x for p, x in zip(students, values, strict=True)) / total
    variance = sum(Fraction(p, total) * (x - mean) ** 2 for p, x in zip(students, values, strict=True))
    return mean, (variance / mean**2 if mean else Fraction(0))


def decimal_sqrt(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()


def _round3(value: float) -> Fraction:
    return Fraction(round_half_up(value, 3))


def stage_stats(units: pl.DataFrame, inds: list[Indicator], params: Params, standard: Standard) -> pl.DataFrame:
    """One row per county × 学段 × indicator: units, students, mean, sd, cv, cv_max, cv_pass …"""
    per_indicator = standard.judges.cv_test == "per_indicator"
    unit_rule = standard.judges.unit_rule
    students = pl.col("students").cast(pl.Float64)
    ids = [ind.id for ind in inds]
    # Two passes over the units, all indicators side by side: the weighted means, then the weighted
    # squared deviations from them (numerically safer than Σ P·X² − P·X̄²).
    means = units.group_by(STAGE_KEY).agg(
        ((students * pl.col(f"{i}_value")).sum() / students.sum()).alias(f"{i}_mean") for i in ids)
    sums = units.join(means, on=list(STAGE_KEY)).group_by(STAGE_KEY, maintain_order=True).agg(
        pl.len().alias("units"), pl.col("students").sum().alias("students"),
        *(expr for i in ids for expr in (
            pl.col(f"{i}_value").is_null().sum().alias(f"{i}_missing"),
            pl.col(f"{i}_mean").first(),
            ((students * (pl.col(f"{i}_value") - pl.col(f"{i}_mean")) ** 2).sum() / students.sum()).sqrt()
            .alias(f"{i}_sd"),
            (pl.col(f"{i}_met") if unit_rule else pl.lit(None, pl.Boolean)).sum().alias(f"{i}_units_meeting"),
            ((pl.col(f"{i}_floor_met") & ~pl.col(f"{i}_met")) if unit_rule else pl.lit(None, pl.Boolean)).sum()
            .alias(f"{i}_units_at_floor"),
        )))
    parts = ("missing", "mean", "sd", "units_meeting", "units_at_floor")
    stats = (
        pl.concat([sums.select(*STAGE_KEY, "units", "students", pl.lit(i).alias("indicator"),
                               *(pl.col(f"{i}_{part}").alias(part) for part in parts)) for i in ids])
        .with_columns(
            pl.when(pl.col("missing") > 0).then(None).otherwise(pl.col("mean")).alias("mean"),
            pl.when((pl.col("missing") > 0) | (pl.col("mean") <= 0)).then(None)
            .when(pl.col("units") == 1).then(0.0)  # one unit: CV 0 by definition (§1.2), not float dust
            .otherwise(pl.col("sd") / pl.col("mean")).alias("cv"),
        )
        .sort(*STAGE_KEY, pl.col("indicator").replace_strict({i: n for n, i in enumerate(ids)}), maintain_order=True)
    )
    if not per_indicator:
        return stats.with_columns(pl.lit(None, pl.Float64).alias("cv_max"), pl.lit(None, pl.Boolean).alias("cv_pass"))
    stats = stats.with_columns(stage_threshold(params, "cv.max.{stage}").alias("cv_max"))
    if params["cv.judge_on_rounded"]:
        passes = [None if cv is None else _round3(cv) <= params[f"cv.max.{stage}"]
                  for cv, stage in zip(stats["cv"], stats["stage"], strict=True)]
        return stats.with_columns(pl.Series("cv_pass", passes, pl.Boolean))

    def exact(rows: list[int]) -> list[tuple[Fraction, Fraction]]:
        # CV = S / X̄ is irrational in general, but CV² is rational: compare squares.
        return [(exact_group_cv2(units, key, INDICATORS[key["indicator"]], params), params[f"cv.max.{key['stage']}"] ** 2)
                for key in stats[rows].to_dicts()]

    cv2 = stats.select(pl.col("cv") ** 2).to_series()
    max2 = stats.select(pl.col("cv_max") ** 2).to_series()
    return stats.with_columns(at_most(cv2, max2, exact).alias("cv_pass"))


def exact_group_cv2(units: pl.DataFrame, key: dict, ind: Indicator, params: Params) -> Fraction:
    rows = units.filter(*(pl.col(k) == key[k] for k in STAGE_KEY)).to_dicts()
    values = [exact_value(ind, row, params) for row in rows]
    return weighted_cv(values, [row["students"] for row in rows])[1]


def composites(stats: pl.DataFrame, units: pl.DataFrame, params: Params, standard: Standard) -> dict:
    """综合差异系数 = mean of the indicators' CVs, per county × 学段; the test under ``composite``."""
    frame = stats.group_by(STAGE_KEY).agg(
        pl.when(pl.col("cv").null_count() > 0).then(None).otherwise(pl.col("cv").mean()).alias("composite_cv"))
    judged = standard.judges.cv_test == "composite"
    result = {}
    for row in frame.iter_rows(named=True):
        key = (row["year"], row["county_id"], row["stage"])
        entry = {"composite_cv": row["composite_cv"]}
        if judged:
            maximum = params[f"cv.composite_max.{row['stage']}"]
            entry["composite_cv_max"] = float(maximum)
            entry["pass"] = None if row["composite_cv"] is None else _composite_pass(
                row["composite_cv"], maximum, key, stats, units, params)
        result[key] = entry
    return result


def _composite_pass(composite: float, maximum: Fraction, key: tuple, stats: pl.DataFrame, units: pl.DataFrame,
                    params: Params) -> bool:
    if params["cv.judge_on_rounded"]:
        return _round3(composite) <= maximum
    if abs(composite - float(maximum)) > 1e-9:
        return composite <= float(maximum)
    group = stats.filter(*(pl.col(k) == v for k, v in zip(STAGE_KEY, key, strict=True)))
    cvs = [decimal_sqrt(exact_group_cv2(units, row, INDICATORS[row["indicator"]], params)) for row in group.to_dicts()]
    with localcontext() as ctx:
        ctx.prec = 60
        return sum(cvs) / len(cvs) <= Decimal(maximum.numerator) / Decimal(maximum.denominator)
