"""Exact comparisons at the boundary, fast everywhere else.

The standard's thresholds are decimals and its comparisons must not be flipped by binary
floating point (4.2 × 1500 / 100 is 63 teachers, not 64). Values are first compared as floats,
vectorised; only the rows whose float lies within a hair of the threshold are decided again with
exact rational arithmetic (a "filtered" predicate). Inputs are decimals the importer stored so
that ``repr(float)`` gives back the typed text, hence :func:`frac` recovers them exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import polars as pl

# Far wider than the float error of a few operations (~1e-15 relative), far narrower than any
# real difference between a value and its threshold.
AMBIGUITY = 1e-9


def frac(value: float | int | Fraction | None) -> Fraction | None:
    """The exact decimal a stored number stands for."""
    kind = type(value)
    if kind is float:
        return None if math.isnan(value) else Fraction(repr(value))
    if value is None:
        return None
    return Fraction(value)


def dec(value: float | int) -> Decimal:
    """The typed decimal as a :class:`~decimal.Decimal`: exact, and much faster than a Fraction
    where only sums and products are needed (compare ``a ≥ b × c`` rather than ``a / c ≥ b``)."""
    return Decimal(repr(value)) if type(value) is float else Decimal(value)


def round_half_up(value: float | int | Decimal, digits: int) -> Decimal:
    """四舍五入 of the decimal a number stands for, as the official tables print it (0.5015 → 0.502)."""
    exact = value if isinstance(value, Decimal) else dec(value)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def typed_less(typed: float, threshold: Fraction) -> bool:
    """``typed < threshold`` for a number as typed (not computed) against a decimal threshold.

    Both are the nearest doubles of short decimals, and rounding to the nearest double is
    monotonic, so the float comparison is exact unless the two decimals round to the same double —
    which for decimals of up to 15 significant digits means they are equal. Hence a fast path.
    """
    bound = float(threshold)
    if typed != bound:
        return typed < bound
    return frac(typed) < threshold


def ceil_whole(value: Fraction) -> int:
    """The smallest whole number ≥ value, and never below 0 (a shortfall, not a surplus)."""
    return max(0, math.ceil(value))


Exact = Callable[[list[int]], Iterable[tuple[Fraction, Fraction]]]


def at_least(values: pl.Series, thresholds: pl.Series, exact: Exact) -> pl.Series:
    """``values ≥ thresholds`` row by row; null where either is null.

    ``exact(rows)`` returns the exact (value, threshold) of each of the given row numbers; it is
    called once, with only the rows whose floats are too close to call.
    """
    floats, limits = values.cast(pl.Float64), thresholds.cast(pl.Float64)
    # Compared in polars, not numpy: a Series built from a numpy array imports numpy.ma (tens of ms).
    # NaN counts as missing, as null does (polars would order NaN above every number).
    result = pl.select(pl.when(floats.is_nan() | limits.is_nan()).then(None).otherwise(floats >= limits)
                       ).to_series().alias(values.name)
    v, t = floats.to_numpy(allow_copy=True), limits.to_numpy(allow_copy=True)
    with np.errstate(invalid="ignore"):
        close = np.flatnonzero(~(np.isnan(v) | np.isnan(t)) & (np.abs(v - t) <= AMBIGUITY * np.maximum(np.abs(t), 1.0)))
    if close.size:
        rows = close.tolist()
        result = result.scatter(rows, [value >= threshold for value, threshold in exact(rows)])
    return result


def at_most(values: pl.Series, thresholds: pl.Series, exact: Exact) -> pl.Series:
    """``values ≤ thresholds``: the mirror of :func:`at_least`."""
    return at_least(thresholds, values, lambda rows: [(t, v) for v, t in exact(rows)]).alias(values.name)


def whole_gaps(needed: np.ndarray, have: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``ceil_whole(needed - have)`` row by row from floats, and which rows the floats cannot call
    (not finite, or within a hair of a whole number): those the exact rational computation decides."""
    with np.errstate(invalid="ignore", over="ignore"):
        gap = needed - have
        scale = np.maximum(1.0, np.maximum(np.abs(needed), np.abs(have)))
        undecided = ~np.isfinite(gap) | (np.abs(gap - np.round(gap)) <= AMBIGUITY * scale)
        whole = np.maximum(0.0, np.ceil(np.where(undecided, 0.0, gap))).astype(np.int64)
    return whole, undecided
