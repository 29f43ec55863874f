"""Each school's checks as the JSON writes them (``schools``): status, the item's wording, its
figures and a Chinese note, built column-wise for every school of the run at once.

:func:`school_check_frame` gives the schools with at least one per-school item in scope and, for
each item, ``{item}_note``; :data:`FIGURES` says which columns are the check's
figures under which JSON keys. The streamed JSON encodes these columns with polars; the dicts of
``Evaluation.school_records`` read the same columns, so the two cannot disagree.
"""

from __future__ import annotations

import polars as pl

from junheng.column_text import number_text
from junheng.outcome import NOT_APPLICABLE, NOT_ASSESSED
from junheng.schema import STAGE_ZH
from junheng.standards import Params

from .schools import SCHOOL_ITEMS

# item → ((JSON key, school-check column), …); G5's 学段 statuses only where the 学段 is judged.
FIGURES = {
    "G3": tuple((key, key) for key in ("classes", "rooms_required", "music_rooms", "art_rooms", "music_rooms_total",
                                       "art_rooms_total", "music_min_area", "art_min_area")),
    "G4": (("students", "compulsory_students"), ("limit", "size_limit")),
    "G5": (("primary_max_class_size", "primary_max_class_size"), ("junior_max_class_size", "junior_max_class_size")),
    "G6": (("allocated", "public_funds_allocated"), ("required", "G6_required")),
    "G12": (("teachers", "compulsory_teachers"), ("certified", "certified_teachers")),
    "Q4": (("training_funds", "training_funds"), ("budget", "public_funds_budget")),
}
OPTIONAL_FIGURES = {"G5": (("primary_status", "G5_primary_status"), ("junior_status", "G5_junior_status"))}
PLACE = ("school_code", "school_name", "county_code", "county_name", "year")


def _text(*parts) -> pl.Expr:
    return pl.concat_str(*(part if isinstance(part, pl.Expr) else pl.lit(part) for part in parts))


def _status(item: str) -> pl.Expr:
    return pl.col(f"{item}_status")


def _g3(c: pl.DataFrame, params: Params) -> pl.Expr:
    return (pl.when(pl.col("music_rooms").is_null()).then(pl.lit("未填报专用教室"))
            .otherwise(_text(number_text(c["classes"]), " 个班需音乐、美术专用教室各 ", number_text(c["rooms_required"]),
                             " 间，现有达标音乐教室 ", number_text(c["music_rooms"]), " 间、美术教室 ",
                             number_text(c["art_rooms"]), " 间")))


def _g4(c: pl.DataFrame, params: Params) -> pl.Expr:
    return (pl.when(_status("G4") == NOT_APPLICABLE).then(pl.lit("无义务教育阶段在校生，不适用"))
            .otherwise(_text("义务教育阶段 ", number_text(c["compulsory_students"]), " 人（上限 ",
                             number_text(c["size_limit"]), " 人）")))


def _g5(c: pl.DataFrame, params: Params) -> pl.Expr:
    notes = []
    for stage in ("primary", "junior"):
        status, zh = pl.col(f"G5_{stage}_status"), STAGE_ZH[stage]
        notes.append(pl.when(status == NOT_APPLICABLE).then(pl.lit(f"{zh}无在校生，不适用"))
                     .when(status == NOT_ASSESSED).then(pl.lit(f"{zh}最大班额未填报"))
                     .when(status.is_not_null())
                     .then(_text(f"{zh}最大班额 ", number_text(c[f"{stage}_max_class_size"]),
                                 f" 人（上限 {int(params[f'G5.max_class_size.{stage}'])} 人）")))
    return pl.concat_str(*notes, separator="；", ignore_nulls=True)


def _g6(c: pl.DataFrame, params: Params) -> pl.Expr:
    return (pl.when(_status("G6") == NOT_ASSESSED).then(pl.lit("缺少数据：核定公用经费或小学生均公用经费基准定额"))
            .otherwise(_text("核定公用经费 ", number_text(c["public_funds_allocated"], ",.0f"), " 元（应不低于 ",
                             number_text(c["G6_required"], ",.0f"), " 元）")))


def _q4(c: pl.DataFrame, params: Params) -> pl.Expr:
    share = c.select(pl.when(pl.col("public_funds_budget").fill_null(0) != 0)
                     .then(100 * pl.col("training_funds") / pl.col("public_funds_budget"))
                     .otherwise(0.0)).to_series()
    return (pl.when(_status("Q4") == NOT_ASSESSED).then(pl.lit("缺少数据：年度公用经费预算或教师培训经费"))
            .otherwise(_text("教师培训经费 ", number_text(c["training_funds"], ",.0f"), " 元，占公用经费预算 ",
                             number_text(share, ".2f"), f"%（应不低于 {float(params['Q4.min_training_share']):g}%）")))


def _g12(c: pl.DataFrame, params: Params) -> pl.Expr:
    return (pl.when(_status("G12") == NOT_APPLICABLE).then(pl.lit("无义务教育阶段专任教师，不适用"))
            .when(_status("G12") == NOT_ASSESSED).then(pl.lit("缺少数据：持教师资格证专任教师数"))
            .otherwise(_text("义务教育阶段专任教师 ", number_text(c["compulsory_teachers"]), " 人，持证 ",
                             number_text(c["certified_teachers"]), " 人")))


_NOTES = {"G3": _g3, "G4": _g4, "G5": _g5, "G6": _g6, "G12": _g12, "Q4": _q4}


def school_check_frame(checks: pl.DataFrame, params_by_year: dict[int, Params]) -> pl.DataFrame:
    """The schools with an item in scope, in ``checks``' order, with each item's note (null where
    the item does not apply to the school). The items' wordings depend only on the year
    (``Params.item_name``), so they are not repeated on every row."""
    statuses = [f"{item}_status" for item in SCHOOL_ITEMS]
    listed = checks.with_row_index("_row").filter(pl.any_horizontal(pl.col(c).is_not_null() for c in statuses))
    parts = []
    for (year,), schools in listed.partition_by("year", as_dict=True, maintain_order=True).items():
        params = params_by_year[year]
        parts.append(schools.with_columns(pl.when(_status(item).is_not_null()).then(note(schools, params))
                                          .alias(f"{item}_note") for item, note in _NOTES.items()))
    if not parts:
        return listed.with_columns(pl.lit(None, pl.String).alias(f"{item}_note") for item in SCHOOL_ITEMS)
    return pl.concat(parts).sort("_row").drop("_row")
