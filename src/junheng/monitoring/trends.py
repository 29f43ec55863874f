"""Trend and early warning for 年度监测: which unit, school or 差异系数 will cross its threshold next
year if the present trend goes on.

Input is the evaluation JSON of several years (the contract of ``shared/design.md``: ``units``,
``schools``, ``counties``), so it works on any standard's output and on stored results alike. The
trend is the least-squares slope over the years given (two years at least); the projection is one
year ahead. A warning is raised only for what passes now and fails on the projection, and says
what triggers it: the pupils at which a unit's indicator drops below its standard with its
resources unchanged, the size limit of G4, or the CV's maximum.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from junheng.schema import STAGE_ZH


@dataclass(frozen=True)
class EarlyWarning:
    kind: str  # unit_standard | unit_floor | school_size | cv
    county: str
    year: int  # the year projected (the last year given + 1)
    item: str  # indicator id (L1 …), "G4", or the CV's indicator id
    message: str  # Chinese, complete on its own
    school_code: str | None = None
    stage: str | None = None
    now: float | None = None
    projected: float | None = None
    threshold: float | None = None
    trigger_students: int | None = None  # pupils at which the threshold is crossed, resources unchanged


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares change per year of (year, value) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def _county(entry: dict) -> str:
    return entry.get("county_code") or entry["county_name"]


def _series(evaluations: list[dict], rows: str, key: Any) -> dict[tuple, dict[int, dict]]:
    by_key: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for evaluation in evaluations:
        for row in evaluation[rows]:
            by_key[key(row)][int(row["year"])] = row
    return by_key


def _pupils_at_which_value_drops_below(students: int, value: float, threshold: float) -> int:
    """Resources unchanged, value × students is constant: the smallest pupil count whose value is
    below the threshold (exact for the typed decimals, which the JSON carries as shortest floats)."""
    limit = Fraction(repr(value)) * students / Fraction(repr(threshold))
    return math.floor(limit) + 1


def _unit_warnings(evaluations: list[dict], horizon: int) -> list[EarlyWarning]:
    warnings = []
    series = _series(evaluations, "units", lambda u: (_county(u), u["school_code"], u["stage"]))
    for (county, code, stage), years in series.items():
        if len(years) < 2 or max(years) != horizon - 1:
            continue
        last = years[horizon - 1]
        pupils_next = last["students"] + slope([(y, u["students"]) for y, u in years.items()])
        for item, now in last["indicators"].items():
            points = [(y, u["indicators"][item]["value"]) for y, u in years.items()
                      if u["indicators"].get(item, {}).get("value") is not None]
            if len(points) < 2 or now.get("value") is None or now.get("standard") is None:
                continue
            projected = now["value"] + slope(points)
            for kind, threshold_key, word in (("unit_standard", "standard", "标准"), ("unit_floor", "floor", "标准的底线")):
                threshold = now.get(threshold_key)
                if threshold is None or not now["value"] >= threshold > projected:
                    continue
                trigger = _pupils_at_which_value_drops_below(last["students"], now["value"], threshold)
                name = f"{last['school_name']}（{STAGE_ZH[stage]}）"
                cause = (f"在校生达到 {trigger} 人即低于{word}（现 {last['students']} 人，按趋势明年约 {pupils_next:.0f} 人）"
                         if trigger > last["students"] else "")
                warnings.append(EarlyWarning(
                    kind, county, horizon, item,
                    f"{name}{item} 现为 {now['value']:.2f}，按近年趋势 {horizon} 年约 {projected:.2f}，将低于{word} {threshold:g}"
                    + (f"；{cause}" if cause else ""),
                    code, stage, now["value"], projected, threshold, trigger))
                break  # below the standard is the warning that matters; the floor one would repeat it
    return warnings


def _school_size_warnings(evaluations: list[dict], horizon: int) -> list[EarlyWarning]:
    warnings = []
    series = _series(evaluations, "schools", lambda s: (_county(s), s["school_code"]))
    for (county, code), years in series.items():
        sized = {y: s["checks"]["G4"] for y, s in years.items()
                 if (s.get("checks", {}).get("G4") or {}).get("students") is not None}
        if len(sized) < 2 or max(sized) != horizon - 1:
            continue
        now = sized[horizon - 1]
        projected = now["students"] + slope([(y, g["students"]) for y, g in sized.items()])
        if now["students"] <= now["limit"] < projected:
            warnings.append(EarlyWarning(
                "school_size", county, horizon, "G4",
                f"{years[horizon - 1]['school_name']}义务教育阶段在校生 {now['students']} 人，按近年趋势 {horizon} 年约 "
                f"{projected:.0f} 人，将超过 {now['limit']} 人的规模上限（G4）；达到 {now['limit'] + 1} 人即超标",
                code, None, now["students"], projected, now["limit"], now["limit"] + 1))
    return warnings


def _cv_warnings(evaluations: list[dict], horizon: int) -> list[EarlyWarning]:
    warnings = []
    series = _series(evaluations, "counties", lambda c: (_county(c),))
    for (county,), years in series.items():
        if len(years) < 2 or max(years) != horizon - 1:
            continue
        last = years[horizon - 1]
        for stage, stats in last["stages"].items():
            for item, now in (stats.get("indicators") or {}).items():
                if now.get("cv") is None or now.get("cv_max") is None:
                    continue
                points = [(y, c["stages"][stage]["indicators"][item]["cv"]) for y, c in years.items()
                          if (c["stages"].get(stage, {}).get("indicators", {}).get(item) or {}).get("cv") is not None]
                if len(points) < 2:
                    continue
                projected = now["cv"] + slope(points)
                if now["cv"] <= now["cv_max"] < projected:
                    warnings.append(EarlyWarning(
                        "cv", county, horizon, item,
                        f"{last['county_name']}{STAGE_ZH[stage]} {item} 差异系数现为 {now['cv']:.3f}，按近年趋势 {horizon} 年约 "
                        f"{projected:.3f}，将超过上限 {now['cv_max']:g}", None, stage, now["cv"], projected, now["cv_max"]))
    return warnings


def early_warnings(evaluations: list[dict]) -> list[EarlyWarning]:
    """Warnings for the year after the last one given, from two or more years' evaluation JSON."""
    years = {int(c["year"]) for e in evaluations for c in e["counties"]}
    if len(years) < 2:
        return []
    horizon = max(years) + 1
    return _unit_warnings(evaluations, horizon) + _school_size_warnings(evaluations, horizon) + _cv_warnings(
        evaluations, horizon)
