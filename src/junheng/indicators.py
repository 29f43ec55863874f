"""The indicators, one small named function each, with the official wording.

Every indicator of both standards has the same shape (``shared/spec/standard.md`` §1.1, §2)::

    value = per × resource_of_the_unit / students_of_the_unit

where ``per`` is 100 for 每百名学生 indicators and 1 for 生均 ones. Teachers are counted in the
学段 they teach, so their resource is the stage's own column. The facility resources (areas,
equipment, rooms, computers, books) belong to the whole school and are split between 学段 by
weighted enrolment (§1.3): the unit's share is ``w_s·P_s / Σ_k w_k·P_k``, so its per-pupil value
is ``per × R × w_s / Σ_k w_k·P_k``.

Each function below returns the *resource* from a column accessor ``col(name, default=None)``.
The same function serves the vectorised pass (``col`` yields polars expressions) and the exact
re-check at a boundary (``col`` yields :class:`~fractions.Fraction` values), so the formula is
written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import polars as pl

from junheng.exact import frac
from junheng.schema import SCHOOL_TYPE_BY_LABEL
from junheng.standards import Params, Standard

Column = Callable[..., Any]


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str  # the official wording
    per: int  # 100: 每百名学生; 1: 生均
    split: bool  # a whole-school facility resource shared between 学段
    unit: str  # the unit a shortfall is counted in (whole teachers, rooms, ㎡, 元 …)
    resource_name: str  # what is short, for the problem list: 缺{resource_name} 2 人
    resource: Callable[[Column, Params], Any]


INDICATORS: dict[str, Indicator] = {}


def indicator(id_: str, name: str, *, per: int, split: bool, unit: str, resource_name: str):
    def register(fn: Callable[[Column, Params], Any]) -> Callable[[Column, Params], Any]:
        INDICATORS[id_] = Indicator(id_, name, per, split, unit, resource_name, fn)
        return fn

    return register


# ── 优质均衡 (教督〔2017〕6号 第八条) ─────────────────────────────────────────────


@indicator("L1", "每百名学生拥有高于规定学历教师数", per=100, split=False, unit="人",
           resource_name="高于规定学历专任教师")
def teachers_above_degree(col: Column, params: Params) -> Any:
    """高于规定学历: 小学专科及以上, 初中本科及以上, among the stage's 专任教师 (§1.1)."""
    return col("teachers_above_degree")


@indicator("L2", "每百名学生拥有县级及以上骨干教师数", per=100, split=False, unit="人",
           resource_name="县级及以上骨干教师")
def key_teachers(col: Column, params: Params) -> Any:
    """骨干教师 recognised by the county or a higher authority (§1.1)."""
    return col("key_teachers")


@indicator("L3", "每百名学生拥有体育、艺术（美术、音乐）专任教师数", per=100, split=False, unit="人",
           resource_name="体育艺术专任教师")
def pe_arts_teachers(col: Column, params: Params) -> Any:
    """专任教师 whose subject is 体育, 音乐, 美术 or 艺术 (§1.1)."""
    return col("pe_arts_teachers")


@indicator("L4", "生均教学及辅助用房面积", per=1, split=True, unit="㎡", resource_name="教学及辅助用房")
def teaching_area(col: Column, params: Params) -> Any:
    """教学及辅助用房面积 as in the national statistics, which include 室内体育用房; a profile may
    subtract it (parameter ``L4.excludes_indoor_sports``, §3 open question, default no)."""
    if params["L4.excludes_indoor_sports"]:
        return col("teaching_area") - col("indoor_sports_area", 0)
    return col("teaching_area")


@indicator("L5", "生均体育运动场馆面积", per=1, split=True, unit="㎡", resource_name="体育运动场馆")
def sports_area(col: Column, params: Params) -> Any:
    """体育运动场馆面积 = 室内体育用房(体育馆)面积 + 运动场地面积 (§1.1)."""
    return col("indoor_sports_area", 0) + col("sports_field_area")


@indicator("L6", "生均教学仪器设备值", per=1, split=True, unit="元", resource_name="教学仪器设备值")
def equipment_value(col: Column, params: Params) -> Any:
    """教学仪器设备值 in 元 (statistics report 万元; the importer converts)."""
    return col("equipment_value")


@indicator("L7", "每百名学生拥有网络多媒体教室数", per=100, split=True, unit="间", resource_name="网络多媒体教室")
def multimedia_rooms(col: Column, params: Params) -> Any:
    """网络多媒体教室数 of the whole school, split by weighted enrolment (§1.3)."""
    return col("multimedia_rooms")


# ── 基本均衡 (教督〔2012〕3号) ─────────────────────────────────────────────────


indicator("B1", "生均教学及辅助用房面积", per=1, split=True, unit="㎡", resource_name="教学及辅助用房")(teaching_area)
indicator("B2", "生均体育运动场馆面积", per=1, split=True, unit="㎡", resource_name="体育运动场馆")(sports_area)
indicator("B3", "生均教学仪器设备值", per=1, split=True, unit="元", resource_name="教学仪器设备值")(equipment_value)


@indicator("B4", "每百名学生拥有计算机台数", per=100, split=True, unit="台", resource_name="计算机")
def computers(col: Column, params: Params) -> Any:
    """计算机台数 of the whole school (§2)."""
    return col("computers")


@indicator("B5", "生均图书册数", per=1, split=True, unit="册", resource_name="图书")
def books(col: Column, params: Params) -> Any:
    """图书册数 of the whole school (§2)."""
    return col("books")


@indicator("B6", "师生比", per=1, split=False, unit="人", resource_name="专任教师")
def teachers(col: Column, params: Params) -> Any:
    """专任教师 per pupil of the stage (§2; published as e.g. 0.054)."""
    return col("teachers")


indicator("B7", "生均高于规定学历教师数", per=1, split=False, unit="人",
          resource_name="高于规定学历专任教师")(teachers_above_degree)


@indicator("B8", "生均中级及以上专业技术职务教师数", per=1, split=False, unit="人",
           resource_name="中级及以上职称专任教师")
def senior_title_teachers(col: Column, params: Params) -> Any:
    """中级及以上专业技术职务专任教师 of the stage (§2)."""
    return col("senior_title_teachers")


def indicators_of(standard: Standard) -> list[Indicator]:
    """The indicators a standard's YAML names, in its order."""
    return [INDICATORS[key] for key in standard.indicators]


# ── column-wise computation ─────────────────────────────────────────────────────────────────


def _polars_column(name: str, default: Any = None) -> pl.Expr:
    column = pl.col(name).cast(pl.Float64)
    return column if default is None else column.fill_null(default)


def resource_expr(ind: Indicator, params: Params) -> pl.Expr:
    """The unit's resource as a float column (a school's whole facility for a split indicator)."""
    return ind.resource(_polars_column, params)


# ── exact re-computation (boundaries, shortfalls) ───────────────────────────────────────────


def exact_resource(ind: Indicator, row: dict, params: Params) -> Fraction | None:
    def column(name: str, default: Any = None) -> Fraction | None:
        value = frac(row[name])
        return Fraction(default) if value is None and default is not None else value

    try:
        return ind.resource(column, params)
    except TypeError:  # a missing (null) resource
        return None


def exact_value(ind: Indicator, row: dict, params: Params) -> Fraction | None:
    """The same value as :func:`value_expr`, in exact rational arithmetic."""
    resource = exact_resource(ind, row, params)
    if resource is None:
        return None
    if ind.split:
        return ind.per * resource * exact_share(row, params) / row["students"]
    return ind.per * resource / row["students"]


def exact_share(row: dict, params: Params) -> Fraction:
    """The unit's share of the school's facilities, w_s·P_s / Σ_k w_k·P_k, exactly."""
    stages = SCHOOL_TYPE_BY_LABEL[row["school_type"]].stages
    weighted = sum(params[f"split.weight.{s}"] * (row[f"pupils_{s}"] or 0) for s in stages)
    return params[f"split.weight.{row['stage']}"] * row["students"] / weighted
