"""实地督导抽样: reproducible from the seed, stratified as stated, sized 8–12 per county."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junheng.demo import demo_dataset
from junheng.inspection import SamplingError, draw_sample, load_sampling_parameters
from junheng.inspection.sampling import allocate, sample_size


def _county(types_areas: list[tuple[str, str]], code: str = "330101") -> pl.DataFrame:
    return pl.DataFrame({
        "year": [2025] * len(types_areas), "county_code": [code] * len(types_areas),
        "county_name": ["清溪县"] * len(types_areas),
        "school_code": [f"{code}{i:04d}" for i in range(len(types_areas))],
        "school_name": [f"第{i}校" for i in range(len(types_areas))],
        "school_type": [t for t, _ in types_areas], "area_type": [a for _, a in types_areas],
    })


def test_parameters_come_from_the_dated_file():
    params = load_sampling_parameters(2025)
    assert (params.min_schools, params.max_schools, params.rate) == (8, 12, Fraction(1, 10))
    assert "教学点" in params.school_types and "职业学校" not in params.school_types
    assert "8–12" in params.references["sample.min_schools"]


@pytest.mark.parametrize(("population", "size"), [(3, 3), (8, 8), (40, 8), (81, 9), (100, 10), (300, 12)])
def test_sample_size_is_a_tenth_kept_within_eight_to_twelve(population, size):
    assert sample_size(population, load_sampling_parameters(2025)) == size


def test_same_seed_same_schools_whatever_the_row_order():
    schools = demo_dataset().schools
    first = draw_sample(schools, seed=42)
    again = draw_sample(schools.reverse(), seed=42)
    assert first.schools.equals(again.schools)
    assert first.seed == 42
    other = draw_sample(schools, seed=43)
    assert not first.schools.equals(other.schools)


def test_every_stratum_is_visited_when_the_sample_allows():
    plan = ([("小学", "城区")] * 30 + [("小学", "乡村")] * 40 + [("初中", "镇区")] * 10 + [("教学点", "乡村")] * 5
            + [("九年一贯制学校", "镇区")] * 3 + [("职业学校", "城区")] * 4)
    sample = draw_sample(_county(plan), seed=7)
    assert sample.population == 88  # 职业学校 are not drawn
    assert sample.schools.height == 9  # ceil(0.1 × 88)
    drawn = dict(sample.schools.group_by("stratum").len().iter_rows())
    assert set(drawn) == {"城区·小学", "乡村·小学", "镇区·初中", "乡村·教学点", "镇区·一贯制"}
    # one each, then the 4 left in proportion to what is left (29, 39, 9, 4, 2 → 1.4, 1.9, 0.4, 0.2, 0.1)
    assert drawn == {"城区·小学": 2, "乡村·小学": 3, "镇区·初中": 2, "乡村·教学点": 1, "镇区·一贯制": 1}
    assert sample.strata["乡村·小学"] == (40, 3)
    assert "职业学校" not in sample.schools["school_type"].to_list()


@settings(max_examples=200, deadline=None)
@given(sizes=st.dictionaries(st.sampled_from(list("ABCDEFG")), st.integers(1, 60), min_size=1),
       n=st.integers(0, 400))
def test_allocation_uses_exactly_n_and_respects_strata_sizes(sizes, n):
    n = min(n, sum(sizes.values()))
    taken = allocate(sizes, n)
    assert sum(taken.values()) == n
    assert all(0 <= taken[s] <= sizes[s] for s in sizes)
    if n >= len(sizes):
        assert all(taken[s] >= 1 for s in sizes)


def test_notice_date_from_the_notice_period():
    sample = draw_sample(_county([("小学", "城区")] * 20), seed=1, visit_date=dt.date(2025, 11, 20))
    assert sample.notice_date == dt.date(2025, 11, 19)


def test_one_county_at_a_time():
    two = pl.concat([_county([("小学", "城区")] * 3), _county([("小学", "城区")] * 3, code="320106")])
    with pytest.raises(SamplingError, match="一个县"):
        draw_sample(two, seed=1)


def test_cli_prints_the_seed_and_the_schools(tmp_path):
    from junheng.io.dataset_writer import write_dataset_csv

    write_dataset_csv(demo_dataset(), tmp_path / "data")
    run = subprocess.run([sys.executable, "-m", "junheng.cli", "sample", str(tmp_path / "data"), "--seed", "2025",
                          "--visit-date", "2025-11-20"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "随机种子 2025" in run.stdout and "通知学校日期 2025-11-19" in run.stdout
    again = subprocess.run([sys.executable, "-m", "junheng.cli", "sample", str(tmp_path / "data"), "--seed", "2025",
                            "--visit-date", "2025-11-20"], capture_output=True, text=True)
    assert again.stdout == run.stdout
    wrong = subprocess.run([sys.executable, "-m", "junheng.cli", "sample", str(tmp_path / "data"), "--county", "999999"],
                           capture_output=True, text=True)
    assert wrong.returncode == 2 and "999999" in wrong.stderr and "Traceback" not in wrong.stderr
