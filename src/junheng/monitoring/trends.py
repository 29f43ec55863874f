"""Trend and early warning for 年度监测: which unit, school or 差异系数 will cross its threshold next
year if the present trend goes on.

Input is the evaluation JSON of several years (the contract of ``shared/design.md``: ``units``,
``schools``, ``counties``), so it works on any standard's output and on stored results alike. The
trend is the least-squares slope over the years given (two years at least); the projection is one
year ahead. A warning is raised only for what passes now and fails on the projection, and says
what triggers it and by how much:

* a unit's indicator: the pupils at which it drops below its threshold with its resources
  unchanged, and the resource (teachers, rooms, ㎡, 元) the unit needs at next year's projected
  pupils to stay at the threshold — the amount it has, and the whole amount it will be short;
* G4: the pupil count over the size limit, and next year's projected pupils;
* a CV: its distance from the maximum, its rise per year and the year the trend crosses it.

The threshold (a decimal of the standard) and pupil counts are exact; the resource a unit has is
recovered from the JSON's value × pupils, a float within a hair of the exact amount, so whole
amounts within that hair are taken as whole (:data:`junheng.exact.AMBIGUITY`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from junheng.exact import AMBIGUITY
from junheng.indicators import INDICATORS
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
    projected_students: int | None = None  # next year's pupils on the trend (whole, rounded half up)
    resource: str | None = None  # what the unit must have, e.g. 教学及辅助用房
    resource_unit: str | None = None  # 人, 间, ㎡, 元 …
    resource_now: float | None = None  # what the unit has now (its share, for a facility split between 学段)
    resource_needed: int | None = None  # the whole amount that keeps it at the threshold at projected_students
    resource_shortfall: int | None = None  # resource_needed − resource_now, whole, never below 0
    cv_margin: float | None = None  # how far the CV is below its maximum now
    cv_rise: float | None = None  # the CV's rise per year on the trend
    crossing_year: int | None = None  # the first year the trend crosses the maximum


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares change per year of (year, value) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def projected_pupils(points: list[tuple[int, int]]) -> int:
    """Next year's pupils on the least-squares trend of whole counts: exact, rounded half up."""
    exact = [(x, Fraction(y)) for x, y in points]
    n = len(exact)
    mean_x, mean_y = sum(x for x, _ in exact) / Fraction(n), sum(y for _, y in exact) / n
    spread = sum((x - mean_x) ** 2 for x, _ in exact)
    change = sum((x - mean_x) * (y - mean_y) for x, y in exact) / spread if spread else 0
    return math.floor(max(exact)[1] + change + Fraction(1, 2))


def _county(entry: dict) -> str:
    return entry.get("county_code") or entry["county_name"]


def _series(evaluations: list[dict], rows: str, key: Any) -> dict[tuple, dict[int, dict]]:
    by_key: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for evaluation in evaluations:
        for row in evaluation[rows]:
            by_key[key(row)][int(row["year"])] = row
    return by_key


def _near_whole(amount: Fraction) -> int | None:
    nearest = round(amount)
    return nearest if abs(amount - nearest) <= AMBIGUITY * max(1, abs(amount)) else None


def _whole_at_least(amount: Fraction) -> int:
    """The smallest whole number ≥ amount; an amount within a float's hair of a whole is that whole."""
    whole = _near_whole(amount)
    return whole if whole is not None else math.ceil(amount)


def _pupils_at_which_value_drops_below(students: int, value: float, threshold: float) -> int:
    """Resources unchanged, value × students is constant: the smallest pupil count whose value is
    below the threshold, i.e. the first whole count above value × students / threshold."""
    limit = Fraction(repr(value)) * students / _decimal(threshold)
    whole = _near_whole(limit)
    return whole + 1 if whole is not None else math.floor(limit) + 1


def _decimal(threshold: float) -> Fraction:
    """The standard's decimal a JSON threshold stands for: the floor is 85% of the standard computed
    in floats (3.8249999999999997 for 3.825), and no standard has more than a few decimals."""
    return Fraction(repr(threshold)).limit_denominator(10**6)


def _amount(amount: Fraction | int, unit: str) -> str:
    whole = Fraction(amount).denominator == 1
    text = f"{int(amount):,}" if whole else f"{float(amount):,.2f}"
    return f"{text} {unit}"


def _resource(item: str, unit: dict, value: float, threshold: float, pupils: int, word: str,
              year: int) -> tuple[dict[str, Any], str]:
    """What the unit has of the indicator's resource and what it needs at ``pupils`` to stay at
    ``threshold`` (value = per × resource / students: it has value × students / per and needs
    threshold × pupils / per, exact, the threshold being the standard's decimal); and the sentence."""
    ind = INDICATORS.get(item)
    if ind is None or pupils <= 0:
        return {}, ""
    has = Fraction(repr(value)) * unit["students"] / ind.per
    has = Fraction(_near_whole(has)) if _near_whole(has) is not None else has
    needed = math.ceil(_decimal(threshold) * pupils / ind.per)
    shortfall = max(0, _whole_at_least(needed - has))
    own = "本学段分摊" if ind.split and unit.get("share", 1) != 1 else "现有"
    text = (f"；按趋势 {year} 年约 {pupils} 人，须有{ind.resource_name} {_amount(needed, ind.unit)}方能保持{word}"
            f"（{own} {_amount(has, ind.unit)}），" + (f"需增加 {_amount(shortfall, ind.unit)}" if shortfall else "不可再减少"))
    return ({"resource": ind.resource_name, "resource_unit": ind.unit, "resource_now": float(has),
             "resource_needed": needed, "resource_shortfall": shortfall}, text)


def _unit_warnings(evaluations: list[dict], horizon: int) -> list[EarlyWarning]:
    warnings = []
    series = _series(evaluations, "units", lambda u: (_county(u), u["school_code"], u["stage"]))
    for (county, code, stage), years in series.items():
        if len(years) < 2 or max(years) != horizon - 1:
            continue
        last = years[horizon - 1]
        pupils_next = projected_pupils([(y, u["students"]) for y, u in years.items()])
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
                resource, resource_text = _resource(item, last, now["value"], threshold, pupils_next, word, horizon)
                name = f"{last['school_name']}（{STAGE_ZH[stage]}）"
                cause = (f"在校生达到 {trigger} 人即低于{word}（现 {last['students']} 人）"
                         if trigger > last["students"] else "")
                warnings.append(EarlyWarning(
                    kind, county, horizon, item,
                    f"{name}{item} 现为 {now['value']:.2f}，按近年趋势 {horizon} 年约 {projected:.2f}，将低于{word} {threshold:g}"
                    + (f"；{cause}" if cause else "") + resource_text,
                    code, stage, now["value"], projected, threshold, trigger, pupils_next, **resource))
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
            pupils = projected_pupils([(y, g["students"]) for y, g in sized.items()])
            warnings.append(EarlyWarning(
                "school_size", county, horizon, "G4",
                f"{years[horizon - 1]['school_name']}义务教育阶段在校生 {now['students']} 人，按近年趋势 {horizon} 年约 "
                f"{pupils} 人，将超过 {now['limit']} 人的规模上限（G4）；达到 {now['limit'] + 1} 人即超标"
                + (f"，按趋势将超出 {pupils - now['limit']} 人" if pupils > now["limit"] else ""),
                code, None, now["students"], projected, now["limit"], now["limit"] + 1, pupils))
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
                rise = slope(points)
                projected = now["cv"] + rise
                if now["cv"] <= now["cv_max"] < projected:
                    margin = now["cv_max"] - now["cv"]
                    crossing = horizon - 1 + math.floor(margin / rise) + 1  # the first whole year past the maximum
                    warnings.append(EarlyWarning(
                        "cv", county, horizon, item,
                        f"{last['county_name']}{STAGE_ZH[stage]} {item} 差异系数现为 {now['cv']:.3f}，按近年趋势 {horizon} 年约 "
                        f"{projected:.3f}，将超过上限 {now['cv_max']:g}；距上限还差 {margin:.3f}，近年每年上升约 {rise:.3f}，"
                        f"按此趋势 {crossing} 年超过上限", None, stage, now["cv"], projected, now["cv_max"],
                        cv_margin=margin, cv_rise=rise, crossing_year=crossing))
    return warnings


def early_warnings(evaluations: list[dict]) -> list[EarlyWarning]:
    """Warnings for the year after the last one given, from two or more years' evaluation JSON."""
    years = {int(c["year"]) for e in evaluations for c in e["counties"]}
    if len(years) < 2:
        return []
    horizon = max(years) + 1
    return _unit_warnings(evaluations, horizon) + _school_size_warnings(evaluations, horizon) + _cv_warnings(
        evaluations, horizon)
