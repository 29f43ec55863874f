"""The roll-up: one row per county, worst first, with what holds each back."""

from __future__ import annotations

import polars as pl

from junheng.dataset import Dataset
from junheng.demo import demo_dataset
from junheng.evaluate import evaluate
from junheng.rollup import county_rows, render_lines
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


def test_one_row_per_county_with_units_and_worst_cv():
    evaluation = evaluate(demo_dataset(), load_standard("youzhi-2017")).to_dict()
    [row] = county_rows(evaluation)
    assert row["county_name"] == "清溪县" and row["verdict"] == "未达标"
    assert row["units"] == len(evaluation["units"])
    assert row["units_compliant"] == sum(u["compliant"] for u in evaluation["units"])
    assert row["holding_back"] == len(evaluation["counties"][0]["verdict"]["reasons"])
    assert row["资源配置"] == "未达标" and row["worst_cv"].startswith(("小学", "初中"))


def test_rows_sort_worst_first_and_lines_end_with_totals():
    evaluation = _two_counties()
    rows = county_rows(evaluation)
    assert [r["county_code"] for r in rows] == ["330101", "330102"]
    assert rows[0]["holding_back"] == rows[1]["holding_back"] + 1
    lines = render_lines(rows)
    assert len(lines) == 3 and lines[-1] == "共 2 个县（区）：达标 0 个，未达标 2 个，未评估 0 个。"
    assert "清溪县（330101）" in "".join(lines) and "石门县（330102）" in "".join(lines)
