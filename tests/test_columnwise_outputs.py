"""The problem list and the school checks are built column-wise (frames over every unit and school);
they must be exactly the record-by-record lists — same records, same order, same words, a field
absent where it does not apply — and the streamed JSON and the tables must carry those records.
The oracle (``problems_reference``) computes every shortfall exactly, row by row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from fractions import Fraction

import polars as pl
import pytest

from generated import generated_dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.io.evaluation_json import write_evaluation_json
from junheng.io.evaluation_tables import write_evaluation_tables
from junheng.problems import OPTIONAL_FIELDS
from junheng.standards import Params, load_standard
from problems_reference import reference_problems, reference_school_records


def _generated():
    return generated_dataset(4000, 30)


def _rooms_counted_together(evaluation):
    """The same evaluation with music and art rooms counted together (G3.count_combined)."""
    params = {year: Params(p.standard, {**p.values, "G3.count_combined": True})
              for year, p in evaluation.params_by_year.items()}
    return dataclasses.replace(evaluation, params_by_year=params, _problem_frame=None, _problems=None, _dict=None)


def _strict_jiben():
    """基本均衡 with a 综合差异系数 ceiling low enough that counties fail it (so CV drivers are listed)."""
    standard = load_standard("jiben-2012")
    strict = {pid: dataclasses.replace(standard.parameters[pid], values=((dt.date(2000, 1, 1), Fraction("0.1")),))
              for pid in ("cv.composite_max.primary", "cv.composite_max.junior")}
    return dataclasses.replace(standard, parameters={**standard.parameters, **strict})


def _two_years(dataset):
    """The same schools in two school years (2023 and 2024): one run, two years' parameters."""
    def both(frame):
        return None if frame is None else pl.concat([frame.with_columns(pl.col("year") - 1), frame])

    return dataclasses.replace(dataset, **{name: both(getattr(dataset, name))
                                           for name in ("schools", "rooms", "county", "monitoring")})


CASES = ["demo-youzhi", "demo-jiben", "generated-youzhi", "generated-jiben", "generated-rooms-together",
         "generated-two-years"]


@pytest.fixture(scope="module", params=CASES)
def evaluation(request):
    data, standard = request.param.split("-", 1)
    dataset = demo_dataset() if data == "demo" else _generated()
    if standard == "rooms-together":
        return _rooms_counted_together(evaluate(dataset, load_standard("youzhi-2017")))
    if standard == "two-years":
        return evaluate(_two_years(dataset), load_standard("youzhi-2017"))
    return evaluate(dataset, load_standard("youzhi-2017") if standard == "youzhi" else _strict_jiben())


@pytest.fixture(scope="module")
def reference(evaluation):
    return reference_problems(evaluation), reference_school_records(evaluation)


def test_the_column_wise_problem_list_is_the_record_wise_one(evaluation, reference):
    problems, _ = reference
    assert problems, "each case has problems to compare"
    assert evaluation.problems == problems
    assert [set(p) for p in evaluation.problems] == [set(p) for p in problems]  # absent, not null


def test_the_cases_cover_the_kinds_and_the_optional_fields(evaluation, reference):
    problems, _ = reference
    kinds = {p["kind"] for p in problems}
    if not evaluation.standard.judges.unit_rule:
        assert kinds == {"cv_driver"}
    elif evaluation.params_by_year[2024]["G3.count_combined"]:
        assert "rooms_missing" in kinds and not any("room_type" in p for p in problems)
    else:
        assert {"below_floor", "below_standard", "rooms_missing", "training_funds"} <= kinds
        assert any("floor_shortfall" in p for p in problems) and any("room_type" in p for p in problems)
    if len(evaluation.params_by_year) > 1:
        assert {p["year"] for p in problems} == set(evaluation.params_by_year)


def test_the_column_wise_school_checks_are_the_record_wise_ones(evaluation, reference):
    _, schools = reference
    records = list(evaluation.school_records())
    assert records == schools
    assert [{item: list(check) for item, check in r["checks"].items()} for r in records] == \
        [{item: list(check) for item, check in r["checks"].items()} for r in schools]  # same keys, same order


def test_the_streamed_json_carries_the_same_records(evaluation, reference, tmp_path):
    problems, schools = reference
    written = json.loads(write_evaluation_json(evaluation, tmp_path / "e.json").read_text(encoding="utf-8"))
    assert written["problems"] == json.loads(json.dumps(problems))
    assert written["schools"] == json.loads(json.dumps(schools))


def test_the_tables_carry_the_same_records(evaluation, reference, tmp_path):
    problems, _ = reference
    write_evaluation_tables(evaluation, tmp_path / "pq", "parquet")
    rows = pl.read_parquet(tmp_path / "pq" / "problems.parquet").to_dicts()
    assert [{k: v for k, v in row.items() if v is not None or k not in OPTIONAL_FIELDS} for row in rows] == problems
    write_evaluation_tables(evaluation, tmp_path / "csv")
    table = pl.read_csv(tmp_path / "csv" / "problems.csv", infer_schema_length=0)
    assert table["message"].to_list() == [p["message"] for p in problems]
    assert table["school_code"].to_list() == [p["school_code"] for p in problems]


def test_json_and_tables_are_written_from_the_frames_without_problem_or_school_dicts(youzhi, tmp_path, monkeypatch):
    def refused(self):
        raise AssertionError("a record-by-record list was built")

    fresh = dataclasses.replace(youzhi, _problem_frame=None, _problems=None, _dict=None)
    for name in ("problems", "school_records", "schools_list", "to_dict"):
        monkeypatch.setattr(type(youzhi), name, property(refused) if name == "problems" else refused)
    written = json.loads(write_evaluation_json(fresh, tmp_path / "e.json").read_text(encoding="utf-8"))
    write_evaluation_tables(fresh, tmp_path / "t", "parquet")
    assert len(written["problems"]) == pl.read_parquet(tmp_path / "t" / "problems.parquet").height > 0
    assert len(written["schools"]) == fresh.school_check_frame().height > 0
