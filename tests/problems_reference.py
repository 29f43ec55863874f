"""The record-by-record reference the column-wise outputs are checked against.

This is the problem list and the school checks as they were computed before they were built
column-wise: one dict per problem and per school, every shortfall exact (rational arithmetic on each
row, no float screening). It is kept only as the tests' oracle: the engine's frames must give the
same records, in the same order, with the same words.
"""

from __future__ import annotations

import math

import polars as pl

from junheng.evaluate.schools import SCHOOL_ITEMS
from junheng.exact import ceil_whole, frac
from junheng.outcome import NOT_APPLICABLE, NOT_ASSESSED, NOT_MET, PASS_OF
from junheng.problems import DRIVER_VARIANCE_SHARE, MAX_DRIVERS, indicator_shortfall, severity_key
from junheng.schema import STAGE_ZH
from junheng.standards import Params, percent_text


def reference_school_records(ev) -> list[dict]:
    if ev.school_checks is None:
        return []
    statuses = [f"{item}_status" for item in SCHOOL_ITEMS]
    listed = ev.school_checks.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in statuses))
    out = []
    for c in listed.iter_rows(named=True):
        params = ev.params_by_year[c["year"]]
        checks = {item: check(item, c, params) for item in SCHOOL_ITEMS if c[f"{item}_status"] is not None}
        out.append({"school_code": c["school_code"], "school_name": c["school_name"], "county_code": c["county_code"],
                    "county_name": c["county_name"], "year": c["year"], "checks": checks})
    return out


def _amount(value: int, unit: str) -> str:
    return f"{value:,} {unit}" if unit == "元" else f"{value} {unit}"


def _problem(row: dict, item: str, kind: str, value, standard, shortfall, school_shortfall, unit: str,
             blocking: bool, message: str, stage: str | None = None, **extra) -> dict:
    return {"school_code": row["school_code"], "school_name": row["school_name"], "county_code": row["county_code"],
            "county_name": row["county_name"],
            "year": row["year"], "stage": stage if stage is not None else row.get("stage"), "item": item, "kind": kind,
            "value": value, "standard": standard, "shortfall": shortfall, "school_shortfall": school_shortfall,
            "unit": unit, "blocking": blocking, "message": message, **extra}


def _indicator_problems(ev) -> list[dict]:
    out = []
    indicators = ev.indicators  # a property that builds the list on each call
    unmet = ev.units.filter(pl.any_horizontal(~pl.col(f"{ind.id}_met") for ind in indicators))
    targets: dict[tuple, tuple] = {}
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
            unit_gap, school_gap = indicator_shortfall(ind, row, standard, params)
            below_floor = not row[f"{ind.id}_floor_met"]
            message = f"缺{ind.resource_name} {_amount(unit_gap, ind.unit)}"
            if ind.split and school_gap != unit_gap:
                message += f"（与其他学段共用，全校需增加 {_amount(school_gap, ind.unit)}）"
            extra = {}
            if below_floor:
                floor_gap, _ = indicator_shortfall(ind, row, floor, params)
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


def _school_problems(ev) -> list[dict]:
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
            gap = ceil_whole(frac(budget) * params["Q4.min_training_share"] / 100 - frac(training))
            share = 100 * c["training_funds"] / c["public_funds_budget"] if c["public_funds_budget"] else 0.0
            out.append(_problem(c, "Q4", "training_funds", share, float(params["Q4.min_training_share"]), gap, gap, "元",
                                True, f"教师培训经费缺 {_amount(gap, '元')}（占公用经费预算 {share:.2f}%，应不低于 "
                                f"{float(params['Q4.min_training_share']):g}%）", stage=None))
    return out


def _cv_driver_problems(ev) -> list[dict]:
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


def reference_problems(ev) -> list[dict]:
    problems = _cv_driver_problems(ev)
    if ev.standard.judges.unit_rule:
        problems = _indicator_problems(ev) + problems
    problems = _school_problems(ev) + problems
    return sorted(problems, key=lambda p: (p["year"], p["county_name"], p["school_code"], *severity_key(p)))


def check(item: str, c: dict, params: Params) -> dict:
    """One school's check of ``item`` (a row of ``Evaluation.school_checks``) as the JSON writes it."""
    status = c[f"{item}_status"]
    figures, note = _FIGURES[item](c, params, status)
    return {"pass": PASS_OF[status], "status": status, "name": params.item_name(item), **figures, "note": note}


def _g3(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {k: c[k] for k in ("classes", "rooms_required", "music_rooms", "art_rooms", "music_rooms_total",
                                 "art_rooms_total", "music_min_area", "art_min_area")}
    if c["music_rooms"] is None:
        return figures, "未填报专用教室"
    return figures, (f"{c['classes']} 个班需音乐、美术专用教室各 {c['rooms_required']} 间，现有达标音乐教室 "
                     f"{c['music_rooms']} 间、美术教室 {c['art_rooms']} 间")


def _g4(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"students": c["compulsory_students"], "limit": c["size_limit"]}
    if status == NOT_APPLICABLE:
        return figures, "无义务教育阶段在校生，不适用"
    return figures, f"义务教育阶段 {c['compulsory_students']} 人（上限 {c['size_limit']} 人）"


def _g5(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"primary_max_class_size": c["primary_max_class_size"], "junior_max_class_size": c["junior_max_class_size"]}
    notes = []
    for stage in ("primary", "junior"):
        stage_status = c[f"G5_{stage}_status"]
        if stage_status is None:
            continue
        figures[f"{stage}_status"] = stage_status
        zh = STAGE_ZH[stage]
        if stage_status == NOT_APPLICABLE:
            notes.append(f"{zh}无在校生，不适用")
        elif stage_status == NOT_ASSESSED:
            notes.append(f"{zh}最大班额未填报")
        else:
            notes.append(f"{zh}最大班额 {c[f'{stage}_max_class_size']} 人（上限 "
                         f"{int(params[f'G5.max_class_size.{stage}'])} 人）")
    return figures, "；".join(notes)


def _g6(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"allocated": c["public_funds_allocated"], "required": c["G6_required"]}
    if status == NOT_ASSESSED:
        return figures, "缺少数据：核定公用经费或小学生均公用经费基准定额"
    return figures, f"核定公用经费 {c['public_funds_allocated']:,.0f} 元（应不低于 {c['G6_required']:,.0f} 元）"


def _q4(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"training_funds": c["training_funds"], "budget": c["public_funds_budget"]}
    if status == NOT_ASSESSED:
        return figures, "缺少数据：年度公用经费预算或教师培训经费"
    share = 100 * c["training_funds"] / c["public_funds_budget"] if c["public_funds_budget"] else 0.0
    return figures, (f"教师培训经费 {c['training_funds']:,.0f} 元，占公用经费预算 {share:.2f}%（应不低于 "
                     f"{float(params['Q4.min_training_share']):g}%）")


def _g12(c: dict, params: Params, status: str) -> tuple[dict, str]:
    figures = {"teachers": c["compulsory_teachers"], "certified": c["certified_teachers"]}
    if status == NOT_APPLICABLE:
        return figures, "无义务教育阶段专任教师，不适用"
    if status == NOT_ASSESSED:
        return figures, "缺少数据：持教师资格证专任教师数"
    return figures, f"义务教育阶段专任教师 {c['compulsory_teachers']} 人，持证 {c['certified_teachers']} 人"


_FIGURES = {"G3": _g3, "G4": _g4, "G5": _g5, "G6": _g6, "G12": _g12, "Q4": _q4}
