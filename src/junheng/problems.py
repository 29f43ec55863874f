"""问题清单: every shortfall of every unit and school, with its size.

For an indicator below its standard the size is the smallest whole addition to the unit's own
resource that reaches the standard — whole teachers, rooms, ㎡, 元 — computed exactly
(4.2 × 1500 / 100 − 62 is exactly 1 teacher). For a facility split between 学段 the school must add
more than its unit needs, since part of any addition goes to the other 学段; ``school_shortfall``
is the smallest whole addition to the whole school that lifts the unit to the standard
(``shared/design.md``, JSON ``problems``).

Kinds: ``below_floor`` (under 85% of the standard), ``below_standard``, ``rooms_missing`` (G3),
``oversize`` (G4), ``large_class`` (G5), ``funds_below_norm`` (G6), ``uncertified`` (G12, when it is
judged per school), ``training_funds`` (Q4), ``cv_driver`` (a unit pulling a failing 差异系数).
``blocking`` says whether the item must be fixed for the unit (and so the county) to pass — below
the 85% floor, or needed to reach 6 of 7 — or for the county item (G3 G4 G5 G6 G12 Q4). The problem
list and the verdict agree: a school check has a problem exactly when the county item counts it
as failing (same statuses, same scope). ``cv_driver`` items are advisory: they show where acting
lowers the CV most.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import polars as pl

from junheng.exact import AMBIGUITY, ceil_whole, frac
from junheng.indicators import exact_resource, exact_share
from junheng.outcome import NOT_MET
from junheng.schema import STAGE_ZH
from junheng.standards import Params, percent_text

if TYPE_CHECKING:
    from junheng.evaluate import Evaluation
    from junheng.indicators import Indicator

KIND_ORDER = ("below_floor", "below_standard", "rooms_missing", "oversize", "large_class", "funds_below_norm",
              "uncertified", "training_funds", "cv_driver")
KIND_ZH = {"below_floor": "低于标准的{floor}", "below_standard": "未达到标准", "rooms_missing": "音乐美术专用教室不足",
           "oversize": "学校规模超标", "large_class": "大班额", "funds_below_norm": "公用经费未按最低人数核定",
           "uncertified": "教师未全部持证", "training_funds": "教师培训经费不足", "cv_driver": "拉大校际差异系数"}


def kind_label(kind: str, params: Params) -> str:
    """The Chinese name of a kind of problem; the floor's percentage comes from the parameters."""
    return KIND_ZH[kind].format(floor=percent_text(params["unit.floor_ratio"]))


# A failing CV's drivers: the units that together carry this share of its variance (at most MAX_DRIVERS).
DRIVER_VARIANCE_SHARE = 0.5
MAX_DRIVERS = 10


def _amount(value: int, unit: str) -> str:
    return f"{value:,} {unit}" if unit == "元" else f"{value} {unit}"


def _problem(row: dict, item: str, kind: str, value, standard, shortfall, school_shortfall, unit: str,
             blocking: bool, message: str, stage: str | None = None, **extra) -> dict:
    return {"school_code": row["school_code"], "school_name": row["school_name"], "county_code": row["county_code"],
            "county_name": row["county_name"],
            "year": row["year"], "stage": stage if stage is not None else row.get("stage"), "item": item, "kind": kind,
            "value": value, "standard": standard, "shortfall": shortfall, "school_shortfall": school_shortfall,
            "unit": unit, "blocking": blocking, "message": message, **extra}


def indicator_shortfall(ind: Indicator, row: dict, target: Fraction, params) -> tuple[int, int]:
    """(unit shortfall, school shortfall) to lift the unit's value to ``target``, exactly.

    value = per × R × share / P, so the unit needs R·share ≥ target·P/per and the school needs
    R ≥ target·P/(per·share).
    """
    resource = exact_resource(ind, row, params)
    share = exact_share(row, params) if ind.split else Fraction(1)
    needed_by_unit = target * row["students"] / ind.per
    unit_gap = ceil_whole(needed_by_unit - resource * share)
    school_gap = ceil_whole(needed_by_unit / share - resource) if ind.split else unit_gap
    return unit_gap, school_gap


def _resource_columns(ind: Indicator, params: Params) -> list[str]:
    """The unit columns an indicator's resource reads."""
    names = []

    def column(name: str, default=None) -> int:
        names.append(name)
        return 0

    ind.resource(column, params)
    return names


def _float_gap(needed: float, have: float) -> int | None:
    """``ceil_whole(needed - have)`` from floats, or None when the float is too close to a whole
    number to call (then the exact rational computation decides)."""
    gap = needed - have
    if not math.isfinite(gap):
        return None
    nearest = round(gap)
    if abs(gap - nearest) <= AMBIGUITY * max(1.0, abs(needed), abs(have)):
        return None
    return max(0, math.ceil(gap))


def _fast_shortfall(ind: Indicator, row: dict, target: Fraction, target_float: float, params) -> tuple[int, int]:
    """:func:`indicator_shortfall`, by floats where they cannot be wrong and exactly where they might."""
    def column(name: str, default=None):
        value = row[name]
        return default if value is None else value

    try:
        resource = ind.resource(column, params)
    except TypeError:  # a missing resource: the exact path decides (as before)
        resource = None
    share = row["share"] if ind.split else 1.0
    if resource is not None and share is not None and share > 0:
        resource = float(resource)
        needed = target_float * row["students"] / ind.per
        unit_gap = _float_gap(needed, resource * share)
        school_gap = (_float_gap(needed / share, resource) if ind.split else unit_gap)
        if unit_gap is not None and school_gap is not None:
            return unit_gap, school_gap
    return indicator_shortfall(ind, row, target, params)


def _indicator_problems(ev: Evaluation) -> list[dict]:
    out = []
    indicators = ev.indicators  # a property that builds the list on each call
    unmet = ev.units.filter(pl.any_horizontal(~pl.col(f"{ind.id}_met") for ind in indicators))
    columns = {"school_code", "school_name", "county_code", "county_name", "year", "stage", "students", "met_count",
               "share", "school_type"}
    columns |= {c for c in unmet.columns if c.startswith("pupils_")}
    for ind in indicators:
        columns |= {f"{ind.id}_met", f"{ind.id}_floor_met", f"{ind.id}_value"}
        for params in ev.params_by_year.values():
            columns.update(_resource_columns(ind, params))
    unmet = unmet.select(c for c in unmet.columns if c in columns)
    targets: dict[tuple, tuple[Fraction, float]] = {}
    for row in unmet.iter_rows(named=True):
        params = ev.params_by_year[row["year"]]
        minimum = int(params["unit.min_indicators_met"])
        for ind in indicators:
            if row[f"{ind.id}_met"]:
                continue
            key = (row["year"], ind.id, row["stage"])
            if key not in targets:
                standard = params[f"{ind.id}.standard.{row['stage']}"]
                floor = standard * params["unit.floor_ratio"]
                targets[key] = (standard, float(standard), floor, float(floor), percent_text(params["unit.floor_ratio"]))
            standard, standard_float, floor, floor_float, floor_text = targets[key]
            unit_gap, school_gap = _fast_shortfall(ind, row, standard, standard_float, params)
            below_floor = not row[f"{ind.id}_floor_met"]
            message = f"缺{ind.resource_name} {_amount(unit_gap, ind.unit)}"
            if ind.split and school_gap != unit_gap:
                message += f"（与其他学段共用，全校需增加 {_amount(school_gap, ind.unit)}）"
            extra = {}
            if below_floor:
                floor_gap, _ = _fast_shortfall(ind, row, floor, floor_float, params)
                extra["floor_shortfall"] = floor_gap
                message += (f"；低于标准的{floor_text}，至少需增加 "
                            f"{_amount(floor_gap, ind.unit)}方达底线")
            elif row["met_count"] < minimum:
                message += f"；本单元仅 {row['met_count']} 项达标，须至少 {minimum} 项"
            out.append(_problem(
                row, ind.id, "below_floor" if below_floor else "below_standard", row[f"{ind.id}_value"],
                standard_float, unit_gap, school_gap, ind.unit, below_floor or row["met_count"] < minimum,
                f"{STAGE_ZH[row['stage']]}{ind.id} {ind.name} {row[f'{ind.id}_value']:.2f}，标准 {standard_float:g}："
                + message, indicator_name=ind.name, **extra))
    return out


# The school-check columns the problems read (iterating fewer columns is faster).
_CHECK_COLUMNS = ("year", "county_code", "county_name", "school_code", "school_name", "primary_max_class_size",
                  "junior_max_class_size", "classes", "rooms_required", "music_rooms_total", "art_rooms_total",
                  "music_rooms", "art_rooms", "music_min_area", "art_min_area", "G3_status", "compulsory_students",
                  "size_limit", "G4_status", "G5_primary_status", "G5_junior_status", "G5_status",
                  "public_funds_allocated", "per_pupil_norm_primary", "G6_required", "G6_status", "training_funds",
                  "public_funds_budget", "Q4_status", "compulsory_teachers", "certified_teachers", "G12_status")


def _school_problems(ev: Evaluation) -> list[dict]:
    if ev.school_checks is None:
        return []
    out = []
    failing = pl.any_horizontal(pl.col("^.+_status$") == NOT_MET).fill_null(False)
    checks = ev.school_checks.filter(failing)
    checks = checks.select(name for name in checks.columns if name in _CHECK_COLUMNS or name == "stage")
    for c in checks.iter_rows(named=True):
        params = ev.params_by_year[c["year"]]
        if c["G3_status"] == NOT_MET:
            kinds = (("音乐", "music"), ("美术", "art"))
            if params["G3.count_combined"]:
                have = c["music_rooms"] + c["art_rooms"]
                gap = c["rooms_required"] - have
                out.append(_problem(c, "G3", "rooms_missing", have, c["rooms_required"], gap, gap, "间", True,
                                    f"缺音乐、美术专用教室 {gap} 间（{c['classes']} 个班需 {c['rooms_required']} 间，"
                                    f"现有达标 {have} 间）", stage=None))
            for zh, key in kinds if not params["G3.count_combined"] else ():
                have, total = c[f"{key}_rooms"], c[f"{key}_rooms_total"]
                gap = c["rooms_required"] - have
                if gap <= 0:
                    continue
                small = total - have
                note = f"，另有 {small} 间面积不足 {c[f'{key}_min_area']:g} ㎡" if small else ""
                out.append(_problem(c, "G3", "rooms_missing", have, c["rooms_required"], gap, gap, "间", True,
                                    f"缺{zh}专用教室 {gap} 间（{c['classes']} 个班需 {c['rooms_required']} 间，"
                                    f"现有达标 {have} 间{note}）", stage=None, room_type=zh))
        if c["G4_status"] == NOT_MET:
            over = c["compulsory_students"] - c["size_limit"]
            out.append(_problem(c, "G4", "oversize", c["compulsory_students"], c["size_limit"], over, over, "人", True,
                                f"学校规模超出 {over} 人（义务教育阶段 {c['compulsory_students']} 人，上限 "
                                f"{c['size_limit']} 人）", stage=None))
        for stage in ("primary", "junior"):
            if c["G5_status"] == NOT_MET and c[f"G5_{stage}_status"] == NOT_MET:
                size, limit = c[f"{stage}_max_class_size"], int(params[f"G5.max_class_size.{stage}"])
                out.append(_problem(c, "G5", "large_class", size, limit, size - limit, size - limit, "人", True,
                                    f"{STAGE_ZH[stage]}最大班额 {size} 人，超过 {limit} 人上限 {size - limit} 人",
                                    stage=stage))
        if c["G6_status"] == NOT_MET:
            norm, allocated = c["per_pupil_norm_primary"], c["public_funds_allocated"]
            gap = None
            if norm is not None and allocated is not None:
                gap = _float_gap(norm * int(params["G6.min_students"]), allocated)
            if gap is None:
                gap = ceil_whole(frac(norm) * int(params["G6.min_students"]) - frac(allocated))
            out.append(_problem(c, "G6", "funds_below_norm", c["public_funds_allocated"], c["G6_required"], gap, gap,
                                "元", True, f"核定公用经费缺 {_amount(gap, '元')}（不足 {int(params['G6.min_students'])} 人"
                                f"按 {int(params['G6.min_students'])} 人核定，应不低于 {c['G6_required']:,.0f} 元）",
                                stage=None))
        if c["G12_status"] == NOT_MET:
            gap = c["compulsory_teachers"] - c["certified_teachers"]
            out.append(_problem(c, "G12", "uncertified", c["certified_teachers"], c["compulsory_teachers"], gap, gap,
                                "人", True, f"义务教育阶段专任教师 {c['compulsory_teachers']} 人中 {gap} 人未持教师资格证",
                                stage=None))
        if c["Q4_status"] == NOT_MET:
            budget, training = c["public_funds_budget"], c["training_funds"]
            gap = None
            if budget is not None and training is not None:
                gap = _float_gap(budget * params.f("Q4.min_training_share") / 100, training)
            if gap is None:
                gap = ceil_whole(frac(budget) * params["Q4.min_training_share"] / 100 - frac(training))
            share = 100 * c["training_funds"] / c["public_funds_budget"] if c["public_funds_budget"] else 0.0
            out.append(_problem(c, "Q4", "training_funds", share, float(params["Q4.min_training_share"]), gap, gap, "元",
                                True, f"教师培训经费缺 {_amount(gap, '元')}（占公用经费预算 {share:.2f}%，应不低于 "
                                f"{float(params['Q4.min_training_share']):g}%）", stage=None))
    return out


def _cv_driver_problems(ev: Evaluation) -> list[dict]:
    """For each failing CV, the units whose weighted squared distance from the mean is largest."""
    per_indicator = ev.standard.judges.cv_test == "per_indicator"
    if per_indicator:
        failing = ev.stage_stats.filter(pl.col("cv_pass") == False)  # noqa: E712 (null is not failing)
    else:
        maxima = pl.DataFrame([{"year": year, "stage": stage, "composite_cv_max": params.f(f"cv.composite_max.{stage}")}
                               for year, params in ev.params_by_year.items() for stage in ev.standard.stages])
        failing_stages = ev.stage_results.filter(pl.col("status") == NOT_MET).select("year", "county_id", "stage")
        failing = (ev.stage_stats.join(failing_stages, on=["year", "county_id", "stage"])
                   .join(maxima, on=["year", "stage"]).filter(pl.col("cv") > pl.col("composite_cv_max")))
    out = []
    by = {ind.id: ind for ind in ev.indicators}
    for stat in failing.iter_rows(named=True):
        ind = by[stat["indicator"]]
        units = ev.units.filter((pl.col("year") == stat["year"]) & (pl.col("county_id") == stat["county_id"])
                                & (pl.col("stage") == stat["stage"]))
        values, students = units[f"{ind.id}_value"], units["students"]
        contribution = (students / students.sum()) * (values - stat["mean"]) ** 2
        order = contribution.arg_sort(descending=True).to_list()
        variance, running = contribution.sum(), 0.0
        maximum = stat["cv_max"] if per_indicator else stat["composite_cv_max"]
        for i in order[:MAX_DRIVERS]:
            row = units.row(i, named=True)
            weight = contribution[i] / variance if variance else 0.0
            value = row[f"{ind.id}_value"]
            below = value < stat["mean"]
            gap = None
            if below:
                share = row["share"] if ind.split else 1.0
                gap = math.ceil((stat["mean"] - value) * row["students"] / ind.per - 1e-9)
                school_gap = math.ceil(gap / share - 1e-9)
            out.append(_problem(
                row, ind.id, "cv_driver", value, stat["mean"], gap, school_gap if below else None, ind.unit, False,
                f"{STAGE_ZH[row['stage']]}{ind.id} 差异系数 {stat['cv']:.3f} 超过 {maximum:.2f}：本单元 {value:.2f}，"
                f"全县均值 {stat['mean']:.2f}，占方差 {weight:.0%}"
                + (f"；补足至均值需增加{ind.resource_name} {_amount(gap, ind.unit)}" if below else "；远高于均值"),
                variance_share=weight, cv=stat["cv"], cv_max=maximum, indicator_name=ind.name))
            running += weight
            if running >= DRIVER_VARIANCE_SHARE:
                break
    return out


def severity_key(problem: dict) -> tuple:
    """Blocking first, then by kind (floor breaches before other shortfalls), then the larger gap."""
    return (not problem["blocking"], KIND_ORDER.index(problem["kind"]), -(problem["school_shortfall"] or 0))


def find_problems(ev: Evaluation) -> list[dict]:
    problems = _cv_driver_problems(ev)
    if ev.standard.judges.unit_rule:
        problems = _indicator_problems(ev) + problems
    problems = _school_problems(ev) + problems
    return sorted(problems, key=lambda p: (p["year"], p["county_name"], p["school_code"], *severity_key(p)))
