"""Year-on-year and review cross-checks: each flag fires on its case and stays quiet otherwise."""

from __future__ import annotations

import subprocess
import sys

import polars as pl

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.io.dataset_writer import write_dataset_csv
from junheng.monitoring import check_dataset, year_on_year


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
