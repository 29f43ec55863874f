"""Check a province or city profile before any of it is used, whatever the data.

A profile may only set parameters its standard declares, each to a value of the parameter's own
kind (a number without its unit, 是/否 as ``true``/``false``, a list of school types) inside the
range its unit allows, from dates that exist. Every problem is collected and reported in one
Chinese message naming the file and the parameter, so a typo can never silently leave the
national value in force or crash the evaluation later (``G7.min_per_pupil_funds: 8000元``).
"""

from __future__ import annotations

import datetime as dt
import difflib
from fractions import Fraction
from typing import Any

# Profile file keys, and the keys a dated parameter override may have.
PROFILE_KEYS = ("name", "base", "reference", "description", "parameters")
OVERRIDE_KEYS = ("values", "description", "unit", "reference")
# Effective dates a profile may use: the 义务教育法 (1986) to the end of the century.
FIRST_DATE, LAST_DATE = dt.date(1986, 1, 1), dt.date(2100, 12, 31)


class _Range:
    def __init__(self, low: Fraction | int | None, high: Fraction | int | None = None, *,
                 above_low: bool = False, whole: bool = False) -> None:
        self.low, self.high, self.above_low, self.whole = low, high, above_low, whole

    def problem(self, value: Fraction) -> str | None:
        if self.whole and value.denominator != 1:
            return "应为整数"
        if self.low is not None and (value <= self.low if self.above_low else value < self.low) or \
                self.high is not None and value > self.high:
            return f"超出允许范围（{self.text}）"
        return None

    @property
    def text(self) -> str:
        low = "" if self.low is None else f"{'大于' if self.above_low else '不小于'} {self.low}"
        high = "" if self.high is None else f"不大于 {self.high}"
        return "且".join(t for t in (low, high) if t)


_POSITIVE = _Range(0, above_low=True)
_COUNT = _Range(0, whole=True)
# The range of a numeric parameter, by its unit; any other unit: not negative.
RANGES: dict[str, _Range] = {
    "%": _Range(0, 100), "比例": _Range(0, 1), "差异系数": _Range(0, 1, above_low=True),
    "差异率": _Range(0, 1, above_low=True), "系数": _POSITIVE, "倍": _POSITIVE,
    "人/百生": _POSITIVE, "间/百生": _POSITIVE, "㎡/生": _POSITIVE, "元/生": _POSITIVE, "㎡": _POSITIVE,
    "级": _Range(1, 4, whole=True), "项": _Range(1, 7, whole=True), "年": _Range(0, 2100, whole=True),
    "班": _Range(1, whole=True), "人": _COUNT, "间": _COUNT, "台": _COUNT, "册": _COUNT,
}
_NOT_NEGATIVE = _Range(0)


def profile_problems(data: dict, standard: Any, file_name: str) -> list[str]:
    """Every problem of a profile file's content (already parsed YAML) against ``standard``."""
    problems = [f"未知的项目“{key}”（可用：{'、'.join(PROFILE_KEYS)}）" for key in data if key not in PROFILE_KEYS]
    for key in ("name", "reference", "base", "description"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            problems.append(f"{key} 应为文字")
    overrides = data.get("parameters") or {}
    if not isinstance(overrides, dict):
        return [f"{file_name}：parameters 须为“参数: 值”的映射"]
    known = standard.parameters
    for pid, spec in overrides.items():
        pid = str(pid)
        if pid not in known:
            close = difflib.get_close_matches(pid, list(known), n=1)
            hint = f"，是否应为“{close[0]}”" if close else ""
            problems.append(f"未知参数“{pid}”（{standard.id} 中没有此参数{hint}）")
            continue
        problems.extend(f"参数 {pid}：{p}" for p in _override_problems(known[pid], spec))
    return [f"{file_name}：{p}" for p in problems]


def _override_problems(parameter: Any, spec: Any) -> list[str]:
    if not isinstance(spec, dict):
        return _value_problems(parameter, spec)
    problems = [f"未知的项目“{key}”（可用：{'、'.join(OVERRIDE_KEYS)}）" for key in spec if key not in OVERRIDE_KEYS]
    values = spec.get("values")
    if not isinstance(values, dict) or not values:
        return [*problems, "values 须为“生效日期: 值”的映射，如 {2019-09-01: 8000}"]
    for when, value in values.items():
        date_problem = _date_problem(when)
        if date_problem:
            problems.append(date_problem)
        problems.extend(f"{_date_text(when)} 的值{p}" for p in _value_problems(parameter, value))
    return problems


def _date_text(when: Any) -> str:
    return when.isoformat() if isinstance(when, dt.date) else f"“{when}”"


def _date_problem(when: Any) -> str | None:
    if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
        try:
            when = dt.date.fromisoformat(str(when))
        except ValueError:
            return f"生效日期“{when}”不是有效日期（应写作 YYYY-MM-DD，如 2019-09-01）"
    if not FIRST_DATE <= when <= LAST_DATE:
        return f"生效日期 {when.isoformat()} 超出 {FIRST_DATE.year}–{LAST_DATE.year} 年"
    return None


def _value_problems(parameter: Any, value: Any) -> list[str]:
    """The value's kind is that of the parameter's values in the standard."""
    current = parameter.values[0][1] if parameter.values else None
    shown = f"“{value}”"
    if isinstance(current, bool):
        return [] if isinstance(value, bool) else [f"{shown}应为 true（是）或 false（否）"]
    if isinstance(current, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return [f"{shown}应为列表，如 [特殊教育学校, 职业学校]"]
        return _school_type_problems(value) if parameter.unit == "类型" else []
    if isinstance(current, Fraction):
        number = _number(value)
        if number is None:
            unit = f"，单位为{parameter.unit}" if parameter.unit else ""
            return [f"{shown}不是数字（只写数字，不带单位{unit}）"]
        problem = RANGES.get(parameter.unit, _NOT_NEGATIVE).problem(number)
        return [f"{shown}{problem}"] if problem else []
    return []


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        return None


def _school_type_problems(types: list[str]) -> list[str]:
    from junheng.schema import SCHOOL_TYPE_BY_LABEL

    unknown = [t for t in types if t not in SCHOOL_TYPE_BY_LABEL]
    return [f"“{t}”不是学校类型（可用：{'、'.join(SCHOOL_TYPE_BY_LABEL)}）" for t in unknown]
