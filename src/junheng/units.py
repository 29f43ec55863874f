"""Schools → 学段 evaluation units, with the split shares and the exclusions of each standard.

``shared/spec/standard.md`` §1.3 (优质均衡) and §2 (基本均衡): every 小学 and 初中, the 小学部 and
初中部 of 九年一贯制 and 十二年一贯制 schools, the 初中部 of 完全中学, and 教学点 with enough pupils are
units. Facility resources are split by weighted enrolment with the weights ``split.weight.*``
(1 : 1.1 : 1.32); teachers are counted in their own 学段. Every school or part that yields no unit
is recorded with its reason.
"""

from __future__ import annotations

import polars as pl

from junheng.schema import COMPULSORY_STAGES, SCHOOL_TYPES, STAGE_ZH, STAGES
from junheng.standards import Params

# Stage-specific teacher columns, renamed to the unit's own resource names.
TEACHER_FIELDS = ("teachers", "teachers_above_degree", "key_teachers", "pe_arts_teachers", "senior_title_teachers")
FACILITY_FIELDS = ("teaching_area", "indoor_sports_area", "sports_field_area", "equipment_value",
                   "multimedia_rooms", "computers", "books")
IDENTITY_FIELDS = ("year", "county_id", "county_code", "county_name", "school_code", "school_name", "school_type",
                   "ownership", "area_type")
UNIT_KEY = ("year", "county_id", "school_code", "stage")


def has_stage(stage: str) -> pl.Expr:
    """True for the rows whose school type has pupils of ``stage``."""
    types = [t.label for t in SCHOOL_TYPES if stage in t.stages]
    return pl.col("school_type").is_in(types)


def weighted_pupils(params: Params) -> pl.Expr:
    """Σ_k w_k·P_k over the stages the school type has (高中 included: it takes its share too)."""
    total = pl.lit(0.0)
    for stage in STAGES:
        pupils = pl.when(has_stage(stage)).then(pl.col(f"{stage}_students").fill_null(0)).otherwise(0)
        total = total + params.f(f"split.weight.{stage}") * pupils
    return total


def _school_exclusion(params: Params) -> pl.Expr:
    """The reason a whole school is out of scope, or null."""
    excluded_types = list(params["scope.excluded_types"])
    minimum = int(params["scope.teaching_point_min_students"])
    reason = pl.when(pl.col("school_type").is_in(excluded_types)).then(
        pl.format("{}不纳入资源配置评估", pl.col("school_type")))
    if not params["scope.include_private"]:
        reason = reason.when(pl.col("ownership") == "民办").then(pl.lit("民办学校不纳入评估"))
    if params["scope.include_teaching_points"]:
        reason = reason.when(
            (pl.col("school_type") == "教学点") & (pl.col("primary_students").fill_null(0) < minimum)
        ).then(pl.lit(f"不足{minimum}人的教学点"))
    else:
        reason = reason.when(pl.col("school_type") == "教学点").then(pl.lit("教学点不纳入评估"))
    return reason.otherwise(None)


def build_units(schools: pl.DataFrame, params: Params) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Units (one row per school × compulsory 学段) and the excluded list, for one year's schools.

    Unit columns: identity, ``stage``, ``students``, ``weight`` (w_s), ``weighted_pupils``
    (Σ w_k·P_k), ``share`` (w_s·P_s / Σ w_k·P_k; 1 for a single-stage school), the teacher counts
    of the stage, the whole-school facility columns, and the school's pupils per stage (for exact
    re-computation).
    """
    base = schools.with_columns(
        _school_exclusion(params).alias("exclusion"),
        weighted_pupils(params).alias("weighted_pupils"),
    )
    excluded = [
        base.filter(pl.col("exclusion").is_not_null()).select(
            *IDENTITY_FIELDS, pl.lit(None, pl.Utf8).alias("stage"), pl.col("exclusion").alias("reason"))
    ]
    in_scope = base.filter(pl.col("exclusion").is_null())
    parts = []
    for stage in COMPULSORY_STAGES:
        rows = in_scope.filter(has_stage(stage))
        students = pl.col(f"{stage}_students").fill_null(0)
        # A school spanning 学段 with no pupils in one of them yields only the other unit.
        excluded.append(rows.filter(students <= 0).select(
            *IDENTITY_FIELDS, pl.lit(stage).alias("stage"),
            pl.lit(f"{STAGE_ZH[stage]}部无在校生，不构成{STAGE_ZH[stage]}评估单元").alias("reason")))
        rows = rows.filter(students > 0)
        weight = params.f(f"split.weight.{stage}")
        parts.append(rows.select(
            *IDENTITY_FIELDS,
            pl.lit(stage).alias("stage"),
            students.cast(pl.Int64).alias("students"),
            pl.lit(weight).alias("weight"),
            pl.col("weighted_pupils"),
            (weight * students / pl.col("weighted_pupils")).alias("share"),
            *(pl.col(f"{stage}_{name}").alias(name) for name in TEACHER_FIELDS),
            *(pl.col(name) for name in FACILITY_FIELDS),
            *(pl.col(f"{s}_students").alias(f"pupils_{s}") for s in STAGES),
            pl.col("source_row") if "source_row" in rows.columns else pl.lit(None, pl.Int64).alias("source_row"),
        ))
    units = pl.concat(parts, how="vertical_relaxed").sort("year", "county_name", "county_id", "stage", "school_code")
    return units, pl.concat(excluded, how="vertical_relaxed")
