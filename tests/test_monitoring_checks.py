"""Year-on-year and review cross-checks: each flag fires on its case and stays quiet otherwise."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.io.dataset_writer import write_dataset_csv
from junheng.monitoring import check_dataset, load_check_parameters, year_on_year
from junheng.monitoring.checks import _CHANGE_KIND
from junheng.schema import SCHOOLS


def _next_year(schools: pl.DataFrame) -> pl.DataFrame:
    return schools.with_columns(pl.col("year") + 1)


def test_unchanged_data_raises_nothing():
    schools = demo_dataset().schools
    assert year_on_year(_next_year(schools), schools) == []


def test_large_moves_and_falls_are_flagged_with_both_values():
    last = demo_dataset().schools
    first, second = last["school_code"][0], last["school_code"][1]
    this = _next_year(last).with_columns(
        pl.when(pl.col("school_code") == first).then(pl.col("sports_field_area") * 0.6)
        .otherwise(pl.col("sports_field_area")).alias("sports_field_area"),
        pl.when(pl.col("school_code") == second).then(pl.col("primary_key_teachers") * 4 + 3)
        .otherwise(pl.col("primary_key_teachers")).alias("primary_key_teachers"),
    )
    flags = year_on_year(this, last)
    kinds = {(f.kind, f.school_code, f.field) for f in flags}
    assert kinds == {("yoy_fall", first, "sports_field_area"), ("yoy_change", second, "primary_key_teachers")}
    fall = next(f for f in flags if f.kind == "yoy_fall")
    assert fall.last > fall.this and "运动场地面积" in fall.message and "减少" in fall.message


def test_small_counts_do_not_flag_on_percentage_alone():
    last = demo_dataset().schools
    code = last["school_code"][0]
    this = _next_year(last).with_columns(  # +2 key teachers: below the 3-person minimum change
        pl.when(pl.col("school_code") == code).then(pl.col("primary_key_teachers") + 2)
        .otherwise(pl.col("primary_key_teachers")).alias("primary_key_teachers"))
    assert year_on_year(this, last) == []


def test_vanished_new_and_renamed_schools():
    last = demo_dataset().schools
    gone, renamed = last["school_code"][0], last["school_code"][1]
    this = _next_year(last).filter(pl.col("school_code") != gone).with_columns(
        pl.when(pl.col("school_code") == renamed).then(pl.lit("新名字小学")).otherwise(pl.col("school_name"))
        .alias("school_name"))
    this = pl.concat([this, this.head(1).with_columns(pl.lit("3301019999").alias("school_code"))])
    kinds = {(f.kind, f.school_code) for f in year_on_year(this, last)}
    assert kinds == {("school_missing", gone), ("name_changed", renamed), ("school_new", "3301019999")}


def test_one_school_in_two_counties_and_teacher_totals():
    data = demo_dataset()
    schools = data.schools
    twin = schools.head(1).with_columns(pl.lit("320106").alias("county_code"), pl.lit("鼓楼区").alias("county_name"))
    county = data.county.with_columns(pl.lit(1).alias("teachers_total"))
    flags = check_dataset(Dataset(pl.concat([schools, twin]), data.rooms, county, data.monitoring))
    assert {f.kind for f in flags} == {"two_counties", "total_mismatch"}
    assert any("320106" in f.message and "330101" in f.message for f in flags if f.kind == "two_counties")
    one_county = check_dataset(Dataset(pl.concat([schools, twin]), data.rooms, county, data.monitoring), across_counties=False)
    assert {f.kind for f in one_county} == {"total_mismatch"}  # a region runs the check across counties once


def test_cli_check_against_last_year(tmp_path):
    data = demo_dataset()
    write_dataset_csv(data, tmp_path / "last")
    moved = data.schools.with_columns(pl.col("year") + 1, pl.col("teaching_area") * 0.5)
    write_dataset_csv(Dataset(moved, None, None, None), tmp_path / "this")
    run = subprocess.run([sys.executable, "-m", "junheng.cli", "check", str(tmp_path / "this"), "--last",
                          str(tmp_path / "last")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "教学及辅助用房面积" in run.stdout and f"共 {data.schools.height} 项需核实" in run.stdout


def test_changes_of_one_school_are_exact_and_skip_what_is_missing():
    from junheng.monitoring.checks import changes

    found = changes({"teaching_area": 1000.3, "primary_students": 120, "computers": 5, "year": 2025, "built_year": 2001},
                    {"teaching_area": 1000.1, "primary_students": 100, "computers": 0, "year": 2024, "books": 10})
    assert set(found) == {"teaching_area", "primary_students", "computers"}  # not the year, nor a field given once
    assert found["teaching_area"].difference == 0.2  # exact decimals, not 0.19999999999993
    assert found["primary_students"].difference == 20 and found["primary_students"].share == 0.2
    assert found["computers"].share is None  # from 0: no share


# ── the float screen flags exactly what the exact test flags ──────────────────────────────────

_PARAMS = load_check_parameters(2025)
_SHARE = Fraction(_PARAMS["yoy.max_relative_change"])


def _at_thresholds(before: Fraction, minimum: Fraction) -> list[Fraction]:
    """This year's values exactly at, and one step either side of, each threshold of ``before``."""
    step = Fraction(1, 100)
    edges = [before + minimum, before - minimum, before * (1 + _SHARE), before * (1 - _SHARE), before]
    return [e + d for e in edges for d in (-step, 0, step)]


def _typed(value: Fraction, integer: bool) -> int | float:
    return int(value) if integer else float(Decimal(value.numerator) / Decimal(value.denominator))


@st.composite
def _school_years(draw):
    """Two years of a few schools; each field's this-year value at or next to a threshold, or random."""
    fields = [f for f in SCHOOLS.fields if f.type in ("int", "decimal") and f.id not in ("year", "built_year")]
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=6, unique_by=lambda f: f.id))
    rows_last, rows_this = [], []
    for n in range(draw(st.integers(1, 6))):
        last, this = {"school_code": f"330101{n:04d}", "school_name": f"学校{n}", "county_code": "330101"}, {}
        this.update(last)
        for field in chosen:
            integer = field.type == "int"
            kind = _CHANGE_KIND.get(field.unit, "count")
            minimum = Fraction(_PARAMS[f"yoy.min_change.{kind}"])
            cents = draw(st.integers(0, 10**9 if kind == "money" else 10**6))
            before = Fraction(cents) if integer else Fraction(cents, 100)
            candidates = [v for v in _at_thresholds(before, minimum) if v >= 0 and (not integer or v.denominator == 1)]
            now = draw(st.one_of(st.sampled_from(candidates), st.integers(0, 10**7).map(Fraction))) if candidates \
                else Fraction(draw(st.integers(0, 10**7)))
            last[field.id], this[field.id] = _typed(before, integer), _typed(now, integer)
        rows_last.append(last)
        rows_this.append(this)
    return (pl.DataFrame(rows_this).with_columns(pl.lit(2025).alias("year")),
            pl.DataFrame(rows_last).with_columns(pl.lit(2024).alias("year")))


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_school_years())
def test_the_screen_flags_exactly_what_the_exact_test_flags(years):
    this, last = years
    assert year_on_year(this, last, _PARAMS) == year_on_year(this, last, _PARAMS, screened=False)


def test_a_change_exactly_at_a_threshold_is_decided_exactly():
    base = {"school_code": "3301010001", "school_name": "甲小学", "county_code": "330101"}
    last = pl.DataFrame([{**base, "year": 2024, "teaching_area": 0.3, "primary_students": 100, "equipment_value": 20000.0}])
    this = pl.DataFrame([{**base, "year": 2025, "teaching_area": 50.3,  # +50 ㎡: at the minimum, flagged (from 0.3)
                          "primary_students": 150,  # +50%: not more than the share, not flagged
                          "equipment_value": 30000.01}])  # +50.00005%: more than the share, flagged
    flags = year_on_year(this, last, _PARAMS)
    assert [(f.kind, f.field) for f in flags] == [("yoy_change", "teaching_area"), ("yoy_change", "equipment_value")]
    assert flags == year_on_year(this, last, _PARAMS, screened=False)
