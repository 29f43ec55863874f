"""The engine's mathematics: the official CV example, exactness, and invariants (hypothesis)."""

from __future__ import annotations

import csv
import math
from fractions import Fraction
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.evaluate import all_of, evaluate, weighted_cv
from junheng.exact import at_least, frac
from junheng.frames import dataset
from junheng.standards import load_standard

# The official worked example (5 小学, 生均图书册数), copied from shared/examples/.
EXAMPLE = Path(__file__).parent / "data" / "cv-worked-example.csv"


def _example():
    with EXAMPLE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [int(r["students"]) for r in rows], [int(r["books"]) for r in rows]


def test_official_worked_example_is_enrolment_weighted():
    students, books = _example()
    values = [Fraction(b, s) for b, s in zip(books, students, strict=True)]
    mean, cv2 = weighted_cv(values, students)
    cv = math.sqrt(cv2)
    assert round(float(mean), 2) == 6.33
    assert round(cv, 5) == 0.51526
    assert round(cv, 2) == 0.52  # as published
    # The wrong methods give other answers; an unweighted CV would wrongly pass a 0.50 threshold.
    plain = [float(v) for v in values]
    plain_mean = sum(plain) / len(plain)
    unweighted = math.sqrt(sum((x - plain_mean) ** 2 for x in plain) / len(plain)) / plain_mean
    assert round(unweighted, 3) == 0.489
    assert round(math.sqrt(sum((x - plain_mean) ** 2 for x in plain) / (len(plain) - 1)) / plain_mean, 3) == 0.546


def test_float_would_flip_the_boundary_but_the_engine_does_not():
    # 九年一贯制: 55 小学生, 350 初中生, 2320 ㎡ → 初中 2320 × 385/440 / 350 = 5.8 exactly.
    naive = 2320 * 1.1 / (55 + 1.1 * 350)
    assert naive < 5.8  # binary floating point says "not met"
    exact = Fraction(2320) * Fraction(11, 10) / (55 + Fraction(11, 10) * 350)
    met = at_least(pl.Series("v", [naive]), pl.Series("t", [5.8]), lambda rows: [(exact, Fraction("5.8"))] * len(rows))
    assert met.to_list() == [True]


def test_exact_checks_only_run_near_the_threshold():
    calls = []

    def exact(rows):
        calls.append(rows)
        return [(Fraction(1), Fraction(1))] * len(rows)

    result = at_least(pl.Series([0.5, 1.0, 2.0, None]), pl.Series([1.0, 1.0, 1.0, 1.0]), exact)
    assert result.to_list() == [False, True, True, None]
    assert calls == [[1]]


def test_at_least_counts_nan_as_missing_and_keeps_the_values_name():
    # A ratio over no pupils is NaN: neither met nor not met, like an empty cell (polars alone
    # would order NaN above every number).
    values = pl.Series("ratio", [float("nan"), 3.0, float("inf"), 2.0, None, 1.0], dtype=pl.Float64)
    thresholds = pl.Series("t", [1.0, float("nan"), 5.0, float("-inf"), 1.0, 2.0])
    result = at_least(values, thresholds, lambda rows: [(Fraction(0), Fraction(0))] * len(rows))
    assert result.name == "ratio" and result.dtype == pl.Boolean
    assert result.to_list() == [None, None, True, True, None, False]
    assert at_least(pl.Series("v", [], dtype=pl.Float64), pl.Series("t", [], dtype=pl.Float64),
                    lambda rows: []).to_list() == []


def test_frac_recovers_the_typed_decimal():
    assert frac(4.2) == Fraction(21, 5)
    assert frac(123456.78) == Fraction(12345678, 100)
    assert frac(None) is None


def test_kleene_and():
    assert all_of([True, None, False]) is False
    assert all_of([True, None]) is None
    assert all_of([True, True]) is True


def _schools(rows):
    base = dict(year=2024, county_name="性质县", school_type="小学", ownership="公办", primary_classes=10,
                primary_teachers=50, primary_teachers_above_degree=40, primary_key_teachers=10, primary_pe_arts_teachers=5,
                sports_field_area=5000.0, multimedia_rooms=20, teaching_area=3000.0)
    return [{**base, "school_code": str(i), "school_name": f"学校{i}", "primary_students": s, "equipment_value": e}
            for i, (s, e) in enumerate(rows)]


school_rows = st.lists(st.tuples(st.integers(50, 3000), st.integers(10_000, 9_000_000)), min_size=2, max_size=12)


def _l6_cv(rows) -> float:
    ev = evaluate(dataset(_schools(rows)), load_standard("youzhi-2017"))
    return ev.counties[0]["stages"]["primary"]["indicators"]["L6"]["cv"]


@settings(max_examples=25, deadline=None)
@given(school_rows, st.sampled_from([2, 3, 10, 10_000]))
def test_cv_is_invariant_to_scaling_a_resource(rows, factor):
    scaled = [(s, e * factor) for s, e in rows]
    assert math.isclose(_l6_cv(rows), _l6_cv(scaled), rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=25, deadline=None)
@given(school_rows)
def test_merging_identical_schools_leaves_the_cv_unchanged(rows):
    assert math.isclose(_l6_cv(rows), _l6_cv(rows + rows), rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=25, deadline=None)
@given(school_rows)
def test_engine_cv_equals_exact_rational_cv(rows):
    values = [Fraction(e, s) for s, e in rows]
    _, cv2 = weighted_cv(values, [s for s, _ in rows])
    assert math.isclose(_l6_cv(rows), math.sqrt(cv2), rel_tol=1e-9, abs_tol=1e-12)


def test_cv_above_one_is_never_capped():
    cv = _l6_cv([(100, 10_000), (100, 10_000), (100, 10_000), (100, 9_000_000)])
    assert cv > 1.5
