"""Per-school items: G3 G4 G5 G6 G12 Q4 (standard.md §1.4–§1.5), each over its own scope.

The 50-pupil cut and the other exclusions of §1.3 belong to 资源配置 only ("资源配置重点评估县域义务
教育学校(不含特殊教育学校、职业学校及不足50人的教学点)"); the evaluation as a whole covers "所有义务教育
阶段学校，包括小学(含教学点)、初中、特殊教育学校". So each item's scope is its own parameter
(``{item}.scope.types``, ``{item}.scope.include_private``), defaulting to the text: G3 G4 G5
"所有小学、初中" (教学点 of any size, the compulsory parts of 一贯制 and 完全中学), Q4 "所有学校"
(特殊教育学校 included), G6 every public 村小学 (a 乡村 小学) and 教学点 under ``G6.min_students``.

One row per school; for each item ``{item}_status`` is null when the school is outside the item's
scope, else met / not_met / not_assessed / not_applicable (G5 for a 学段 with no pupils).
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from junheng.exact import at_least, dec
from junheng.outcome import (
    MET,
    NOT_APPLICABLE,
    NOT_ASSESSED,
    NOT_MET,
    RANK,
    rank_expr,
    status_expr,
    status_of_rank,
)
from junheng.schema import COMPULSORY_STAGES
from junheng.standards import Params
from junheng.units import has_stage

THROUGH_TYPES = ("九年一贯制学校", "十二年一贯制学校")
SCHOOL_ITEMS = ("G3", "G4", "G5", "G6", "G12", "Q4")
IDENTITY = ("year", "county_id", "county_code", "county_name", "school_code", "school_name", "school_type")


def in_scope(params: Params, item: str) -> pl.Expr:
    """Whether a school is within ``item``'s scope (its own parameters, not 资源配置's)."""
    scope = pl.col("school_type").is_in(list(params[f"{item}.scope.types"]))
    if not params[f"{item}.scope.include_private"]:
        scope = scope & (pl.col("ownership") != "民办")
    return scope.fill_null(False)


def _stage_sum(column: str, fill: bool = True) -> pl.Expr:
    """Σ over the compulsory 学段 the school type has of ``{stage}_{column}`` (blank as 0 when ``fill``)."""
    def part(stage: str) -> pl.Expr:
        value = pl.col(f"{stage}_{column}")
        return pl.when(has_stage(stage)).then(value.fill_null(0) if fill else value).otherwise(0)
    return part("primary") + part("junior")


def _room_minimums(params: Params) -> list[pl.Expr]:
    """Minimum music / art room areas for each school, with the 2019 relaxations when enabled."""
    music, art = pl.lit(params.f("G3.music_min_area")), pl.lit(params.f("G3.art_min_area"))
    if params["G3.transitional.enabled"]:
        old = pl.col("built_year").fill_null(9999) <= int(params["G3.transitional.built_until"])
        music = pl.when(old).then(pl.min_horizontal(music, params.f("G3.transitional.music_min_area"))).otherwise(music)
        art = pl.when(old).then(pl.min_horizontal(art, params.f("G3.transitional.art_min_area"))).otherwise(art)
        largest = pl.max_horizontal(pl.col("primary_max_class_size"), pl.col("junior_max_class_size"))
        small = (pl.col("area_type") == "乡村") & (largest < int(params["G3.transitional.rural_small_max_class"]))
        rural = pl.when(has_stage("junior")).then(params.f("G3.transitional.rural_small_junior_min_area")).otherwise(
            params.f("G3.transitional.rural_small_primary_min_area"))
        music = pl.when(small.fill_null(False)).then(pl.min_horizontal(music, rural)).otherwise(music)
        art = pl.when(small.fill_null(False)).then(pl.min_horizontal(art, rural)).otherwise(art)
    return [music.alias("music_min_area"), art.alias("art_min_area")]


def _g3(schools: pl.DataFrame, rooms: pl.DataFrame | None, params: Params) -> pl.DataFrame:
    """G3: music and art rooms of the minimum area, one of each per ``G3.rooms_per_classes`` classes."""
    per = int(params["G3.rooms_per_classes"])
    classes = _stage_sum("classes")
    frame = schools.select("school_code", in_scope(params, "G3").alias("G3_scope"), *_room_minimums(params),
                           classes.alias("classes"), ((classes + per - 1) // per).alias("rooms_required"))
    room_columns = ("music_rooms", "art_rooms", "music_rooms_total", "art_rooms_total")
    if rooms is None:
        return frame.with_columns(*(pl.lit(None, pl.Int64).alias(c) for c in room_columns),
                                  pl.when("G3_scope").then(pl.lit(NOT_ASSESSED)).alias("G3_status"))
    if params["G3.transitional.enabled"]:  # minimum areas differ by school: look each room's up
        rooms = rooms.join(frame.select("school_code", "music_min_area", "art_min_area"), on="school_code")
        music_min, art_min = pl.col("music_min_area"), pl.col("art_min_area")
    else:  # the same minimum everywhere: no join over every room
        music_min, art_min = pl.lit(params.f("G3.music_min_area")), pl.lit(params.f("G3.art_min_area"))
    counted = (
        rooms.lazy()
        .with_columns(pl.when(pl.col("room_type") == "音乐").then(music_min).otherwise(art_min).alias("min_area"))
        .group_by("school_code")
        .agg(
            *((pl.col("room_type") == kind).sum().alias(f"{name}_rooms_total") for kind, name in (("音乐", "music"), ("美术", "art"))),
            *(((pl.col("room_type") == kind) & (pl.col("area") >= pl.col("min_area"))).sum().alias(f"{name}_rooms")
              for kind, name in (("音乐", "music"), ("美术", "art"))),
        )
        .collect()
    )
    frame = frame.join(counted, on="school_code", how="left", maintain_order="left").with_columns(
        pl.col(c).fill_null(0).cast(pl.Int64) for c in room_columns)
    if params["G3.count_combined"]:
        passed = pl.col("music_rooms") + pl.col("art_rooms") >= pl.col("rooms_required")
    else:
        passed = (pl.col("music_rooms") >= pl.col("rooms_required")) & (pl.col("art_rooms") >= pl.col("rooms_required"))
    return frame.with_columns(pl.when("G3_scope").then(status_expr(passed)).alias("G3_status"))


def _g4_g5(schools: pl.DataFrame, params: Params) -> pl.DataFrame:
    """G4 (compulsory-stage pupils within the size limit) and G5 (largest class per 学段)."""
    pupils = _stage_sum("students")
    through = pl.col("school_type").is_in(THROUGH_TYPES)
    limit = pl.when(through).then(int(params["G4.max_students_through"])).otherwise(int(params["G4.max_students"]))
    if params["G4.transitional.enabled"]:
        old = pl.col("built_year").fill_null(9999) <= int(params["G4.transitional.built_until"])
        migrant = (pl.col("migrant_students").fill_null(0) / pupils) > params.f("G4.transitional.migrant_share")
        relaxed = pl.when(through).then(int(params["G4.transitional.max_students_through"])).otherwise(
            int(params["G4.transitional.max_students"]))
        limit = pl.when(old | migrant).then(relaxed).otherwise(limit)
    g4 = (pl.when(~in_scope(params, "G4")).then(None).when(pupils <= 0).then(RANK[NOT_APPLICABLE])
          .otherwise(rank_expr(pupils <= limit)))
    stage_rank = {}
    for s in COMPULSORY_STAGES:
        size = pl.col(f"{s}_max_class_size")
        stage_rank[s] = (  # a 学段 the school has no pupils in has no class to judge (不适用)
            pl.when(~has_stage(s) | ~in_scope(params, "G5")).then(None)
            .when(pl.col(f"{s}_students").fill_null(0) <= 0).then(RANK[NOT_APPLICABLE])
            .otherwise(rank_expr(size <= int(params[f"G5.max_class_size.{s}"]))))
    ranks = schools.select(
        "school_code", pupils.alias("compulsory_students"), limit.alias("size_limit"), g4.alias("G4_rank"),
        *(rank.alias(f"G5_{s}_rank") for s, rank in stage_rank.items()),
    ).with_columns(pl.max_horizontal("G5_primary_rank", "G5_junior_rank").alias("G5_rank"))
    # ranks are compared as numbers, then worded once
    return ranks.select("school_code", "compulsory_students", "size_limit",
                        *(status_of_rank(pl.col(f"{name}_rank")).alias(f"{name}_status")
                          for name in ("G4", "G5_primary", "G5_junior", "G5")))


def _funds(schools: pl.DataFrame, county: pl.DataFrame | None, params: Params) -> pl.DataFrame:
    """G6 (small village schools funded as ``G6.min_students`` pupils) and Q4 (training ≥ 5% of the budget)."""
    minimum = int(params["G6.min_students"])
    pupils = pl.col("primary_students").fill_null(0) + pl.col("junior_students").fill_null(0)
    rural_only = pl.col("school_type").is_in(list(params["G6.scope.rural_only_types"]))
    village = in_scope(params, "G6") & (~rural_only | (pl.col("area_type") == "乡村"))
    small = village & (pupils < minimum)
    norms = (county.select("year", "county_id", "per_pupil_norm_primary") if county is not None
             else pl.DataFrame(schema={"year": pl.Int64, "county_id": pl.Utf8, "per_pupil_norm_primary": pl.Float64}))
    frame = schools.join(norms, on=["year", "county_id"], how="left", maintain_order="left").select(
        "school_code", small.fill_null(False).alias("G6_applies"), "public_funds_allocated", "per_pupil_norm_primary",
        (pl.col("per_pupil_norm_primary") * minimum).alias("G6_required"), "training_funds", "public_funds_budget",
        (pl.col("public_funds_budget") * params.f("Q4.min_training_share") / 100).alias("Q4_required"),
        in_scope(params, "Q4").alias("Q4_scope"),
    )
    # Exact re-checks by cross-multiplication in Decimal: allocated ≥ min × norm; 100 × training ≥ share × budget.
    def g6_exact(rows: list[int]) -> list[tuple[Decimal, Decimal]]:
        allocated, norms = _picked(frame, rows, "public_funds_allocated", "per_pupil_norm_primary")
        required = {norm: dec(norm) * minimum for norm in set(norms)}  # a county's norm, once per county
        return [(dec(a), required[n]) for a, n in zip(allocated, norms, strict=True)]

    share = params["Q4.min_training_share"]

    def q4_exact(rows: list[int]) -> list[tuple[Decimal, Decimal]]:
        training, budget = _picked(frame, rows, "training_funds", "public_funds_budget")
        return [(dec(t) * 100 * share.denominator, dec(b) * share.numerator)
                for t, b in zip(training, budget, strict=True)]

    g6 = at_least(frame.select(pl.when("G6_applies").then("public_funds_allocated")).to_series(),
                  frame["G6_required"], g6_exact)
    q4 = at_least(frame["training_funds"], frame["Q4_required"], q4_exact)
    return frame.with_columns(g6.alias("G6"), q4.alias("Q4")).with_columns(
        pl.when("G6_applies").then(status_expr(pl.col("G6"))).alias("G6_status"),
        pl.when("Q4_scope").then(status_expr(pl.col("Q4"))).alias("Q4_status"),
    ).drop("G6", "Q4")


def _picked(frame: pl.DataFrame, rows: list[int], *columns: str) -> list[list]:
    """The values of ``columns`` at ``rows`` (the few rows too close to call in floats)."""
    picked = frame.select(columns)[rows]
    return [picked.get_column(c).to_list() for c in columns]


def _g12(schools: pl.DataFrame, params: Params) -> pl.DataFrame:
    """G12 per school, over the compulsory-stage 专任教师 only (not the 高中 teachers of 完全中学 and
    十二年一贯制): a school is fully certified or it fails; a surplus never covers another school."""
    teachers = _stage_sum("teachers")
    certified = pl.col("certified_teachers")
    status = (pl.when(~in_scope(params, "G12")).then(None)
              .when(teachers <= 0).then(pl.lit(NOT_APPLICABLE))
              .when(certified.is_null()).then(pl.lit(NOT_ASSESSED))
              .when(certified >= teachers).then(pl.lit(MET)).otherwise(pl.lit(NOT_MET)))
    return schools.select("school_code", teachers.alias("compulsory_teachers"),
                          pl.min_horizontal(certified, teachers).alias("certified_counted"), status.alias("G12_status"))


def school_checks(schools: pl.DataFrame, rooms: pl.DataFrame | None, county: pl.DataFrame | None,
                  params: Params, items: tuple[str, ...]) -> pl.DataFrame:
    """One row per school (of one year) with each judged school item's status and figures."""
    checks = schools.select(*IDENTITY, "ownership", "primary_max_class_size", "junior_max_class_size",
                            "primary_students", "junior_students", "certified_teachers")
    parts = {"G3": lambda: _g3(schools, rooms, params), "G4": lambda: _g4_g5(schools, params),
             "G6": lambda: _funds(schools, county, params), "G12": lambda: _g12(schools, params)}
    wanted = {"G5": "G4", "Q4": "G6"}  # computed together
    # every part is one row per school in the schools' order: side by side, no join
    computed = [parts[name]().drop("school_code")
                for name in dict.fromkeys(wanted.get(item, item) for item in items if item in SCHOOL_ITEMS)]
    checks = pl.concat([checks, *computed], how="horizontal")
    for item in SCHOOL_ITEMS:
        if item not in items:
            checks = checks.with_columns(pl.lit(None, pl.Utf8).alias(f"{item}_status"))
    return checks
