"""Exact comparisons at the boundary, fast everywhere else.

The standard's thresholds are decimals and its comparisons must not be flipped by binary
floating point (4.2 × 1500 / 100 is 63 teachers, not 64). Values are first compared as floats,
vectorised; only the rows whose float lies within a hair of the threshold are decided again with
exact rational arithmetic (a "filtered" predicate). Inputs are decimals the importer stored so
that ``repr(float)`` gives back the typed text, hence :func:`frac` recovers them exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import polars as pl

# Far wider than the float error of a few operations (~1e-15 relative), far narrower than any
# real difference between a value and its threshold.
AMBIGUITY = 1e-9


def frac(value: float | int | Fraction | None) -> Fraction | None:
    """The exact decimal a stored number stands for."""
    if value is None:
        return None
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if math.isnan(value):
        return None
    return Fraction(repr(float(value)))


def ceil_whole(value: Fraction) -> int:
    """The smallest whole number ≥ value, and never below 0 (a shortfall, not a surplus)."""
    return max(0, math.ceil(value))


def at_least(values: pl.Series, thresholds: pl.Series, exact: Callable[[int], tuple[Fraction, Fraction]]) -> pl.Series:
    """``values ≥ thresholds`` row by row; null where either is null.

    ``exact(i)`` returns the exact (value, threshold) of row i; it is called only for rows whose
    floats are too close to call.
    """
    v = values.cast(pl.Float64).to_numpy(allow_copy=True)
    t = thresholds.cast(pl.Float64).to_numpy(allow_copy=True)
    missing = np.isnan(v) | np.isnan(t)
    with np.errstate(invalid="ignore"):
        result = v >= t
        close = ~missing & (np.abs(v - t) <= AMBIGUITY * np.maximum(np.abs(t), 1.0))
    for i in np.flatnonzero(close):
        value, threshold = exact(int(i))
        result[i] = value >= threshold
    return pl.Series(values.name, result).scatter(np.flatnonzero(missing), None) if missing.any() else pl.Series(
        values.name, result)


def at_most(values: pl.Series, thresholds: pl.Series, exact: Callable[[int], tuple[Fraction, Fraction]]) -> pl.Series:
    """``values ≤ thresholds``: the mirror of :func:`at_least`."""
    return at_least(thresholds, values, lambda i: tuple(reversed(exact(i)))).alias(values.name)
