"""The problem list's per-school items (G3 G4 G5 G6 G12 Q4), column-wise over every failing school.

Each item is one frame of the schools whose check is not met, its message built from columns
(the words of :mod:`junheng.problems`' docstring); money gaps by floats, re-decided exactly only
where a float lies within a hair of a whole number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from junheng.column_text import amount_text, number_text
from junheng.exact import ceil_whole, frac, whole_gaps
from junheng.outcome import NOT_MET
from junheng.problems import problem_rows
from junheng.schema import STAGE_ZH
from junheng.standards import Params

if TYPE_CHECKING:
    from junheng.evaluate import Evaluation

# The school-check columns the problems read.
_CHECK_COLUMNS = ("year", "county_code", "county_name", "school_code", "school_name", "primary_max_class_size",
                  "junior_max_class_size", "classes", "rooms_required", "music_rooms_total", "art_rooms_total",
                  "music_rooms", "art_rooms", "music_min_area", "art_min_area", "G3_status", "compulsory_students",
                  "size_limit", "G4_status", "G5_primary_status", "G5_junior_status", "G5_status",
                  "public_funds_allocated", "per_pupil_norm_primary", "G6_required", "G6_status", "training_funds",
                  "public_funds_budget", "Q4_status", "compulsory_teachers", "certified_teachers", "G12_status")


def _text(*parts) -> pl.Expr:
    """A message from literal words and number texts (series)."""
    return pl.concat_str(*(pl.lit(part) for part in parts))


def _money_gaps(schools: pl.DataFrame, needed: np.ndarray, have: str,
                exact: Callable[[dict], object]) -> pl.Series:
    """Whole 元 from ``have`` up to ``needed``; rows the floats cannot call are computed by ``exact``."""
    gaps, undecided = whole_gaps(needed, schools[have].cast(pl.Float64).to_numpy())
    for i in np.flatnonzero(undecided).tolist():
        gaps[i] = ceil_whole(exact(schools.row(i, named=True)))
    return pl.Series(gaps)


def _g3(c: pl.DataFrame, params: Params) -> list[pl.DataFrame]:
    if params["G3.count_combined"]:
        have = c["music_rooms"] + c["art_rooms"]
        gap = c["rooms_required"] - have
        return [problem_rows(c, (0, 0), {
            "item": "G3", "kind": "rooms_missing", "value": pl.lit(have), "standard": pl.col("rooms_required"),
            "shortfall": pl.lit(gap), "school_shortfall": pl.lit(gap), "unit": "间", "blocking": True,
            "message": _text("缺音乐、美术专用教室 ", number_text(gap), " 间（", number_text(c["classes"]), " 个班需 ",
                             number_text(c["rooms_required"]), " 间，现有达标 ", number_text(have), " 间）")})]
    out = []
    for sub, (zh, key) in enumerate((("音乐", "music"), ("美术", "art"))):
        rooms = c.filter(pl.col("rooms_required") - pl.col(f"{key}_rooms") > 0)
        have, gap = rooms[f"{key}_rooms"], rooms["rooms_required"] - rooms[f"{key}_rooms"]
        small = rooms[f"{key}_rooms_total"] - have
        note = (pl.when(pl.lit(small) != 0)
                .then(_text("，另有 ", number_text(small), " 间面积不足 ", number_text(rooms[f"{key}_min_area"], "g"), " ㎡"))
                .otherwise(pl.lit("")))
        out.append(problem_rows(rooms, (0, sub), {
            "item": "G3", "kind": "rooms_missing", "value": pl.lit(have), "standard": pl.col("rooms_required"),
            "shortfall": pl.lit(gap), "school_shortfall": pl.lit(gap), "unit": "间", "blocking": True,
            "message": pl.concat_str(_text(f"缺{zh}专用教室 ", number_text(gap), " 间（", number_text(rooms["classes"]),
                                           " 个班需 ", number_text(rooms["rooms_required"]), " 间，现有达标 ",
                                           number_text(have), " 间"), note, pl.lit("）")),
            "room_type": zh}))
    return out


def _g4(c: pl.DataFrame, params: Params) -> list[pl.DataFrame]:
    over = c["compulsory_students"] - c["size_limit"]
    return [problem_rows(c, (0, 2), {
        "item": "G4", "kind": "oversize", "value": pl.col("compulsory_students"), "standard": pl.col("size_limit"),
        "shortfall": pl.lit(over), "school_shortfall": pl.lit(over), "unit": "人", "blocking": True,
        "message": _text("学校规模超出 ", number_text(over), " 人（义务教育阶段 ", number_text(c["compulsory_students"]),
                         " 人，上限 ", number_text(c["size_limit"]), " 人）")})]


def _g5(c: pl.DataFrame, params: Params) -> list[pl.DataFrame]:
    out = []
    for sub, stage in enumerate(("primary", "junior"), start=3):
        large = c.filter(pl.col(f"G5_{stage}_status") == NOT_MET)
        size, limit = large[f"{stage}_max_class_size"], int(params[f"G5.max_class_size.{stage}"])
        out.append(problem_rows(large, (0, sub), {
            "stage": stage, "item": "G5", "kind": "large_class", "value": pl.lit(size), "standard": limit,
            "shortfall": pl.lit(size - limit), "school_shortfall": pl.lit(size - limit), "unit": "人", "blocking": True,
            "message": _text(f"{STAGE_ZH[stage]}最大班额 ", number_text(size), f" 人，超过 {limit} 人上限 ",
                             number_text(size - limit), " 人")}))
    return out


def _g6(c: pl.DataFrame, params: Params) -> list[pl.DataFrame]:
    minimum = int(params["G6.min_students"])
    needed = c["per_pupil_norm_primary"].cast(pl.Float64).to_numpy() * minimum
    gap = _money_gaps(c, needed, "public_funds_allocated",
                      lambda r: frac(r["per_pupil_norm_primary"]) * minimum - frac(r["public_funds_allocated"]))
    return [problem_rows(c, (0, 5), {
        "item": "G6", "kind": "funds_below_norm", "value": pl.col("public_funds_allocated"),
        "standard": pl.col("G6_required"), "shortfall": pl.lit(gap), "school_shortfall": pl.lit(gap), "unit": "元",
        "blocking": True,
        "message": _text("核定公用经费缺 ", amount_text(gap, "元"), f"（不足 {minimum} 人按 {minimum} 人核定，应不低于 ",
                         number_text(c["G6_required"], ",.0f"), " 元）")})]


def _g12(c: pl.DataFrame, params: Params) -> list[pl.DataFrame]:
    gap = c["compulsory_teachers"] - c["certified_teachers"]
    return [problem_rows(c, (0, 6), {
        "item": "G12", "kind": "uncertified", "value": pl.col("certified_teachers"),
        "standard": pl.col("compulsory_teachers"), "shortfall": pl.lit(gap), "school_shortfall": pl.lit(gap),
        "unit": "人", "blocking": True,
        "message": _text("义务教育阶段专任教师 ", number_text(c["compulsory_teachers"]), " 人中 ", number_text(gap),
                         " 人未持教师资格证")})]


def _q4(c: pl.DataFrame, params: Params) -> list[pl.DataFrame]:
    minimum = params["Q4.min_training_share"]
    budget = c["public_funds_budget"].cast(pl.Float64)
    gap = _money_gaps(c, budget.to_numpy() * float(minimum) / 100, "training_funds",
                      lambda r: frac(r["public_funds_budget"]) * minimum / 100 - frac(r["training_funds"]))
    share = c.select(pl.when(pl.col("public_funds_budget").fill_null(0) != 0)
                     .then(100 * pl.col("training_funds") / pl.col("public_funds_budget"))
                     .otherwise(0.0)).to_series()
    return [problem_rows(c, (0, 7), {
        "item": "Q4", "kind": "training_funds", "value": pl.lit(share), "standard": float(minimum),
        "shortfall": pl.lit(gap), "school_shortfall": pl.lit(gap), "unit": "元", "blocking": True,
        "message": _text("教师培训经费缺 ", amount_text(gap, "元"), "（占公用经费预算 ", number_text(share, ".2f"),
                         f"%，应不低于 {float(minimum):g}%）")})]


_ITEMS = {"G3": _g3, "G4": _g4, "G5": _g5, "G6": _g6, "G12": _g12, "Q4": _q4}


def school_problems(ev: Evaluation) -> list[pl.DataFrame]:
    if ev.school_checks is None:
        return []
    failing = pl.any_horizontal(pl.col("^.+_status$") == NOT_MET).fill_null(False)
    checks = ev.school_checks.with_row_index("_row").filter(failing)
    checks = checks.select(n for n in checks.columns if n in _CHECK_COLUMNS or n in ("stage", "_row"))
    parts = []
    for (year,), schools in checks.partition_by("year", as_dict=True, maintain_order=True).items():
        params = ev.params_by_year[year]
        for item, problems in _ITEMS.items():
            failed = schools.filter(pl.col(f"{item}_status") == NOT_MET)
            if failed.height:
                parts += [part for part in problems(failed, params) if part.height]
    return parts
