"""The demo county 清溪县: typed data, importer round trip, and the intended mix of results."""

from __future__ import annotations

import json

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from junheng.demo import DEMO_FILE, OUTPUTS, demo_dataset, run_demo
from junheng.evaluate import evaluate
from junheng.io import read_dataset
from junheng.io.cells import DTYPES
from junheng.io.dataset_writer import write_dataset_csv, write_dataset_xlsx
from junheng.schema import TABLES
from junheng.standards import load_standard

TABLE_IDS = ("schools", "rooms", "county", "monitoring")

# What the demo is built to show: (school, item, kind) of every problem the engine must find.
EXPECTED_PROBLEMS = {
    ("清溪县实验小学", "L4", "below_standard"),
    ("清溪县实验小学", "L5", "below_floor"),
    ("清溪县实验小学", "G4", "oversize"),
    ("清溪县实验小学", "G5", "large_class"),
    ("清溪县城关第一小学", "L5", "below_standard"),
    ("清溪县城关第一小学", "G5", "large_class"),
    ("清溪县城关第二小学", "G3", "rooms_missing"),
    ("清溪县第一初级中学", "L5", "below_floor"),
    ("清溪县第一初级中学", "G5", "large_class"),
    ("清溪县第二初级中学", "G3", "rooms_missing"),
    ("清溪县青石镇中学", "L3", "below_standard"),
    ("清溪县青石镇中学", "L4", "below_standard"),
    ("清溪县柳溪镇中心小学", "Q4", "training_funds"),
    ("清溪县白沙镇东山小学", "G3", "rooms_missing"),
    ("清溪县白沙镇西岭小学", "L3", "below_floor"),
    ("清溪县青石镇南坑小学", "L3", "below_standard"),
}
FAILING_UNITS = {("primary", "清溪县实验小学"), ("primary", "清溪县白沙镇西岭小学"),
                 ("junior", "清溪县第一初级中学"), ("junior", "清溪县青石镇中学")}
FAILING_ITEMS = {"G3", "G4", "G5", "G11", "Q4"}


def frames(dataset) -> dict[str, pl.DataFrame]:
    return {t: getattr(dataset, t) for t in TABLE_IDS}


@pytest.fixture(scope="module")
def demo():
    return demo_dataset()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    evaluation = run_demo(folder)
    return folder, evaluation, evaluation.to_dict()


def test_tables_are_typed_as_the_schema_says(demo):
    for table_id, frame in frames(demo).items():
        fields = TABLES[table_id].fields
        assert frame.columns == [f.id for f in fields]
        assert frame.dtypes == [DTYPES[f.type] for f in fields], table_id


def test_same_seed_same_data_other_seed_other_figures(demo):
    again, other = demo_dataset(2024), demo_dataset(7)
    for table_id in TABLE_IDS:
        assert_frame_equal(getattr(again, table_id), getattr(demo, table_id))
    assert other.schools["school_name"].to_list() == demo.schools["school_name"].to_list()
    assert not other.schools.equals(demo.schools)


def test_decimals_have_at_most_two_places(demo):
    for table_id, frame in frames(demo).items():
        for name in frame.select(pl.selectors.float()).columns:
            values = frame[name].drop_nulls()
            assert (values.round(2) == values).all(), f"{table_id}.{name}"


def test_cross_field_rules_hold(demo):
    s = demo.schools
    assert s["school_code"].is_unique().all()
    assert (s["school_code"].str.len_chars() == 10).all()
    assert (s["indoor_sports_area"] <= s["teaching_area"]).all()
    for stage in ("primary", "junior"):
        with_pupils = s.filter(pl.col(f"{stage}_students") > 0)
        assert (with_pupils[f"{stage}_classes"] > 0).all()
        assert (with_pupils[f"{stage}_teachers"] > 0).all()
        assert (with_pupils[f"{stage}_max_class_size"] * with_pupils[f"{stage}_classes"]
                >= with_pupils[f"{stage}_students"]).all()
        for part in ("teachers_above_degree", "key_teachers", "pe_arts_teachers", "senior_title_teachers"):
            assert (with_pupils[f"{stage}_{part}"] <= with_pupils[f"{stage}_teachers"]).all(), part
    assert set(demo.rooms["school_code"]) <= set(s["school_code"])
    assert s.height == 40


def test_school_mix(demo):
    types = demo.schools["school_type"].value_counts().rows()
    counts = dict(types)
    assert counts["九年一贯制学校"] == 2
    assert counts["十二年一贯制学校"] == counts["完全中学"] == counts["特殊教育学校"] == 1
    assert sorted(demo.schools.filter(pl.col("school_type") == "教学点")["primary_students"]) == [30, 60]
    assert demo.schools.filter(pl.col("ownership") == "民办")["school_type"].to_list() == ["小学"]
    assert demo.schools.filter(pl.col("area_type") == "城区")["primary_students"].max() > 2000


@pytest.mark.parametrize("writer, name", [(write_dataset_xlsx, "demo.xlsx"), (write_dataset_csv, "csv")])
def test_importer_reads_the_written_data_back_identically(demo, tmp_path, writer, name):
    path = tmp_path / name
    writer(demo, path)
    back = read_dataset(path)
    for table_id in TABLE_IDS:
        written = getattr(demo, table_id)  # the importer may add provenance columns (row numbers)
        assert_frame_equal(getattr(back, table_id).select(written.columns), written)


@pytest.mark.parametrize("seed", [2024, 1, 99])
def test_every_seed_shows_the_planned_problems(seed):
    result = evaluate(demo_dataset(seed), load_standard("youzhi-2017")).to_dict()
    assert {(p["school_name"], p["item"], p["kind"]) for p in result["problems"]} == EXPECTED_PROBLEMS


def test_demo_writes_its_outputs(demo_run):
    folder, _, result = demo_run
    assert {p.name for p in folder.iterdir()} == {DEMO_FILE, *OUTPUTS}
    written = json.loads((folder / "evaluation.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(result, ensure_ascii=False))


def test_units_mix_compliant_and_failing(demo_run):
    _, _, result = demo_run
    units = result["units"]
    failing = {(u["stage"], u["school_name"]) for u in units if not u["compliant"]}
    assert failing == FAILING_UNITS
    stages = result["counties"][0]["stages"]
    assert (stages["primary"]["units"], stages["junior"]["units"]) == (29, 12)
    assert stages["primary"]["units_compliant"] == 27 and stages["junior"]["units_compliant"] == 10
    assert "清溪县梅林镇岭头教学点" in {u["school_name"] for u in units}
    below_only = [u for u in units if u["school_name"] == "清溪县青石镇南坑小学"][0]
    assert below_only["compliant"] and below_only["met_count"] == 6


def test_excluded_schools_have_reasons(demo_run):
    _, _, result = demo_run
    reasons = {e["school_name"]: e["reason"] for e in result["excluded"]}
    assert set(reasons) == {"清溪县特殊教育学校", "清溪县柳溪镇上坪教学点"}
    assert "50" in reasons["清溪县柳溪镇上坪教学点"]


def test_every_difference_coefficient_passes(demo_run):
    _, _, result = demo_run
    for stage in result["counties"][0]["stages"].values():
        assert all(ind["cv_pass"] for ind in stage["indicators"].values())
        assert all(0.05 < ind["cv"] < 0.45 for ind in stage["indicators"].values())


def test_county_fails_for_the_planned_reasons(demo_run):
    _, _, result = demo_run
    county = result["counties"][0]
    assert (county["county_name"], county["county_code"], county["year"]) == ("清溪县", "330101", 2024)
    items = {**county["areas"]["government"]["items"], **county["areas"]["quality"]["items"]}
    assert {item for item, entry in items.items() if entry["pass"] is not True} == FAILING_ITEMS
    assert county["areas"]["resource"]["pass"] is False
    assert county["areas"]["recognition"]["pass"] is True
    assert not any(county["veto"].values())
    assert county["verdict"]["pass"] is False
    reasons = " ".join(county["verdict"]["reasons"])
    assert all(item in reasons for item in FAILING_ITEMS)


def test_problems_are_the_planned_ones(demo_run):
    _, _, result = demo_run
    assert {(p["school_name"], p["item"], p["kind"]) for p in result["problems"]} == EXPECTED_PROBLEMS
    by_key = {(p["school_name"], p["item"]): p for p in result["problems"]}
    assert by_key["清溪县白沙镇西岭小学", "L3"]["shortfall"] == 1
    assert by_key["清溪县青石镇南坑小学", "L3"]["blocking"] is False
    assert by_key["清溪县实验小学", "G4"]["shortfall"] == 150
