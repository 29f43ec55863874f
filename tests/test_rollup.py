"""The roll-up: one row per county, worst first, with what holds each back."""

from __future__ import annotations

import polars as pl

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.rollup import holding_back, worst_cv, worst_first
from junheng.standards import load_standard


def _two_counties() -> dict:
    data = demo_dataset()

    def moved(frame: pl.DataFrame | None, code: str, name: str) -> pl.DataFrame | None:
        if frame is None:
            return None
        if "county_code" in frame.columns:
            frame = frame.with_columns(pl.lit(code).alias("county_code"), pl.lit(name).alias("county_name"))
        if "school_code" in frame.columns:
            frame = frame.with_columns((pl.lit(code) + pl.col("school_code").str.slice(6)).alias("school_code"))
        return frame

    other = Dataset(*(moved(getattr(data, t), "330102", "石门县") for t in ("schools", "rooms", "county", "monitoring")))
    # 石门县 is 清溪县 with G11 met: one reason fewer
    county = other.county.with_columns(pl.col("exchanged").alias("exchanged_key"))
    return evaluate(Dataset(*(pl.concat([a, b]) for a, b in (
        (data.schools, other.schools), (data.rooms, other.rooms), (data.county, county),
        (data.monitoring, other.monitoring)))), load_standard("youzhi-2017")).to_dict()


def test_worst_cv_and_what_holds_a_county_back():
    county = evaluate(demo_dataset(), load_standard("youzhi-2017")).to_dict()["counties"][0]
    ratio, label = worst_cv(county)
    cvs = [(v["cv"] / v["cv_max"]) for s in county["stages"].values() for v in s["indicators"].values()]
    assert ratio == max(cvs)
    assert label.startswith(("小学", "初中")) and label.endswith(("/0.5", "/0.45"))
    assert holding_back(county) == county["verdict"]["reasons"] and holding_back(county)


def test_counties_furthest_from_passing_come_first():
    counties = _two_counties()["counties"]
    assert [counties[i]["county_code"] for i in worst_first(counties)] == ["330101", "330102"]
    reversed_order = counties[::-1]
    assert [reversed_order[i]["county_code"] for i in worst_first(reversed_order)] == ["330101", "330102"]
    assert len(holding_back(counties[0])) == len(holding_back(counties[1])) + 1
