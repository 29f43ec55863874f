"""What-if runs: change a few school figures, evaluate again, say what changed.

``junheng evaluate PATH --set 3301110001.primary_pe_arts_teachers=5 --set …`` parses each
``--set`` with :func:`parse_sets`, applies them with :func:`apply_overrides` (typed through the
schema, then checked like imported data) and prints :func:`compare` of the two ``to_dict()``
results. A field is named by its canonical id or its Chinese header; a header with a unit in
brackets scales the value (``教学仪器设备值(万元)=120`` sets 1,200,000 元).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import polars as pl

from junheng.dataset import Dataset
from junheng.io import InputError, InputErrors, read_dataset
from junheng.io.dataset_writer import write_dataset_csv
from junheng.schema import (
    AREA_ZH,
    BOOL_FALSE,
    BOOL_TRUE,
    SCHOOLS,
    STAGE_ZH,
    UNIT_FACTORS,
    Field,
    outcome_zh,
    split_header,
    verdict_zh,
)

# Fields that say which row a change is for; changing them would move the change elsewhere.
KEY_FIELDS = ("year", "school_code")
POLARS_TYPES = {"int": pl.Int64, "decimal": pl.Float64, "bool": pl.Boolean}


class WhatIfError(ValueError):
    """A --set cannot be understood or applied; the message is Chinese and quotes the --set."""


@dataclass(frozen=True)
class Override:
    school_code: str
    field: Field
    value: int | float | bool | str | None  # in the field's canonical unit; None clears the cell
    text: str  # the --set as written, for messages

    def __str__(self) -> str:
        return self.text


def find_field(name: str) -> tuple[Field, Decimal]:
    """The 学校 field named by ``name`` (id, header, or header with unit) and the unit's scale factor."""
    name = name.strip()
    for candidate in SCHOOLS.fields:
        if name in (candidate.id, candidate.header, candidate.display_header):
            return candidate, Decimal(1)
    header, unit = split_header(name)
    for candidate in SCHOOLS.fields:
        if header == candidate.header and unit in UNIT_FACTORS and candidate.unit in UNIT_FACTORS:
            return candidate, UNIT_FACTORS[unit] / UNIT_FACTORS[candidate.unit]
    raise LookupError(name)


def typed_value(field: Field, text: str, factor: Decimal = Decimal(1)) -> int | float | bool | str | None:
    """``text`` as the field's type; raises ValueError with a Chinese reason."""
    text = text.strip()
    if text == "":
        if field.required == "yes":
            raise ValueError(f"“{field.header}”为必填项，不能清空")
        return None
    if field.type in ("int", "decimal"):
        try:
            number = Decimal(text.replace(",", "")) * factor
        except InvalidOperation:
            raise ValueError(f"“{text}”不是数字") from None
        if not number.is_finite() or number < 0:
            raise ValueError(f"“{text}”不是非负数")
        if field.type == "int":
            if number != number.to_integral_value():
                raise ValueError(f"“{field.header}”须为整数，“{text}”不是整数")
            return int(number)
        return float(number)
    if field.type == "bool":
        if text.lower() in BOOL_TRUE:
            return True
        if text.lower() in BOOL_FALSE:
            return False
        raise ValueError(f"“{text}”不是“是”或“否”")
    if field.type == "enum":
        choice = text if text in field.choices else field.aliases.get(text)
        if choice is None:
            raise ValueError(f"“{text}”不是可选值（{'、'.join(field.choices)}）")
        return choice
    return text


def parse_sets(items: list[str]) -> list[Override]:
    """Parse ``CODE.field=value`` items; all errors are collected into one WhatIfError."""
    overrides, errors = [], []
    for item in items:
        target, equals, text = item.partition("=")
        code, dot, name = target.partition(".")
        if not equals or not dot or not code.strip() or not name.strip():
            errors.append(f"--set “{item}”：格式应为 学校标识码.字段=值，如 3301110001.primary_pe_arts_teachers=5")
            continue
        try:
            field, factor = find_field(name)
        except LookupError:
            errors.append(f"--set “{item}”：没有名为“{name.strip()}”的学校字段（可用字段标识或“学校”表的中文表头）")
            continue
        if field.id in KEY_FIELDS:
            errors.append(f"--set “{item}”：不能修改“{field.header}”")
            continue
        try:
            value = typed_value(field, text, factor)
        except ValueError as exc:
            errors.append(f"--set “{item}”：{exc}")
            continue
        overrides.append(Override(code.strip(), field, value, item))
    if errors:
        raise WhatIfError("\n".join(errors))
    return overrides


def apply_overrides(dataset: Dataset, overrides: list[Override]) -> Dataset:
    """A copy of ``dataset`` with the overrides applied to each school's latest year, then re-checked."""
    schools = dataset.schools
    unknown = [o.text for o in overrides if not (schools["school_code"] == o.school_code).any()]
    if unknown:
        raise WhatIfError("\n".join(f"--set “{text}”：数据中没有学校标识码“{text.partition('.')[0].strip()}”"
                                    for text in unknown))
    for override in overrides:
        field_id = override.field.id
        dtype = schools.schema.get(field_id, POLARS_TYPES.get(override.field.type, pl.String))
        latest = schools.filter(pl.col("school_code") == override.school_code)["year"].max()
        target = (pl.col("school_code") == override.school_code) & (pl.col("year") == latest)
        current = pl.col(field_id) if field_id in schools.columns else pl.lit(None, dtype)
        schools = schools.with_columns(
            pl.when(target).then(pl.lit(override.value, dtype)).otherwise(current).alias(field_id))
    changed = replace(dataset, schools=schools, source=f"{dataset.source}（模拟调整 {len(overrides)} 项）")
    check_like_imported(changed)
    return changed


def check_like_imported(dataset: Dataset) -> None:
    """Run the importer's checks on ``dataset`` (e.g. 体育艺术教师 ≤ 专任教师) by writing it out and
    reading it back, so a what-if cannot produce data the importer would refuse."""
    with tempfile.TemporaryDirectory(prefix="junheng-whatif-") as folder:
        write_dataset_csv(dataset, folder)
        try:
            read_dataset(folder)
        except InputErrors as exc:
            raise WhatIfError("模拟调整后的数据不符合填报规则：\n" + "\n".join(
                _located(error, dataset.schools) for error in exc.errors)) from None


def _located(error: InputError, schools: pl.DataFrame) -> str:
    """An importer error on the temporary copy, told by school instead of by temporary row number."""
    if error.sheet != f"{SCHOOLS.id}.csv" or error.row is None or not 2 <= error.row <= schools.height + 1:
        return error.message
    school = schools.row(error.row - 2, named=True)
    column = f"“{error.column}”" if error.column else ""
    return f"{school['school_name']}（{school['school_code']}）{column}：{error.message}"


# compare ------------------------------------------------------------------------------------

def _county_key(county: dict) -> tuple:
    return county.get("year"), county.get("county_code") or county.get("county_name")


def _unit_key(unit: dict) -> tuple:
    return unit.get("year"), unit.get("school_code"), unit.get("stage")


def _cv_text(cv: float | None) -> str:
    return "—" if cv is None else f"{cv:.3f}"


def _stage_lines(stage: str, before: dict, after: dict) -> list[str]:
    zh = STAGE_ZH.get(stage, stage)
    lines = []
    units_before, units_after = before.get("units_compliant"), after.get("units_compliant")
    if units_before != units_after:
        lines.append(f"{zh}达标学校（学段）：{units_before}/{before.get('units')} → {units_after}/{after.get('units')}")
    indicators = {**before.get("indicators", {}), **after.get("indicators", {})}
    for indicator_id in indicators:
        old = before.get("indicators", {}).get(indicator_id) or {}
        new = after.get("indicators", {}).get(indicator_id) or {}
        cv_old, cv_new = _cv_text(old.get("cv")), _cv_text(new.get("cv"))
        if cv_old != cv_new or old.get("cv") != new.get("cv") or old.get("cv_pass") != new.get("cv_pass"):
            passes = (f"（{verdict_zh(old.get('cv_pass'))} → {verdict_zh(new.get('cv_pass'))}）"
                      if old.get("cv_pass") != new.get("cv_pass") else "")
            lines.append(f"{zh} {indicator_id} 差异系数：{cv_old} → {cv_new}{passes}")
        if old.get("cv_max") != new.get("cv_max"):
            lines.append(f"{zh} {indicator_id} 差异系数上限：{_limit(old.get('cv_max'))} → {_limit(new.get('cv_max'))}")
    composite_old, composite_new = _cv_text(before.get("composite_cv")), _cv_text(after.get("composite_cv"))
    if composite_old != composite_new:
        lines.append(f"{zh}综合差异系数：{composite_old} → {composite_new}")
    if outcome_zh(before) != outcome_zh(after):
        lines.append(f"{zh}资源配置：{outcome_zh(before)} → {outcome_zh(after)}")
    return lines


def _limit(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _item_line(item_id: str, old: dict, new: dict) -> str | None:
    """What changed in one item: its outcome, else its figures or wording (a profile's threshold)."""
    name = new.get("name") or old.get("name") or ""
    head = f"{item_id} {name}".strip()
    if outcome_zh(old) != outcome_zh(new):
        note = f"（{new['note']}）" if new.get("note") else ""
        return f"{head}：{outcome_zh(old)} → {outcome_zh(new)}{note}"
    if old.get("note") != new.get("note") or old.get("name") != new.get("name") or old.get("value") != new.get("value") \
            or old.get("standard") != new.get("standard"):
        was = f"原：{old.get('note')}；" if old.get("note") != new.get("note") else ""
        if old.get("name") != new.get("name") and old.get("name"):
            was += f"原名称：{old.get('name')}；"
        return f"{head}：{outcome_zh(new)}（{was}现：{new.get('note') or '—'}）"
    return None


def _item_lines(before: dict, after: dict) -> list[str]:
    lines = []
    for area_id, area in after.get("areas", {}).items():
        area = area or {}
        old_area = before.get("areas", {}).get(area_id) or {}
        if "items" not in area and "name" in area:  # an area of one item (社会认可度): the item itself
            line = _item_line(AREA_ZH.get(area_id, area_id), {**old_area, "name": ""}, {**area, "name": ""})
            lines += [line] if line else []
            continue
        if outcome_zh(old_area) != outcome_zh(area):
            lines.append(f"{AREA_ZH.get(area_id, area_id)}：{outcome_zh(old_area)} → {outcome_zh(area)}")
        old_items = old_area.get("items") or {}
        for item_id, new in (area.get("items") or {}).items():
            line = _item_line(item_id, old_items.get(item_id) or {}, new)
            if line:
                lines.append(line)
    return lines


def _school_lines(before: dict, after: dict) -> list[str]:
    """The per-school checks (G3 G4 G5 …) whose outcome changed, entered or left an item's scope."""
    old_schools = {(s.get("year"), s.get("school_code")): s for s in before.get("schools", [])}
    lines = []
    for school in after.get("schools", []):
        old = (old_schools.get((school.get("year"), school.get("school_code"))) or {}).get("checks", {})
        for item_id, check in school.get("checks", {}).items():
            if outcome_zh(old.get(item_id)) != outcome_zh(check) and (item_id in old or check.get("pass") is not True):
                lines.append(f"{school.get('school_name')}（{school.get('school_code')}）{item_id}："
                             f"{outcome_zh(old.get(item_id)) if item_id in old else '不在范围内'} → {outcome_zh(check)}")
    return lines


def compare(before: dict, after: dict) -> list[str]:
    """Chinese lines saying what changed from ``before`` to ``after`` (two ``Evaluation.to_dict()``)."""
    lines: list[str] = []
    old_counties = {_county_key(c): c for c in before.get("counties", [])}
    for county in after.get("counties", []):
        old = old_counties.get(_county_key(county), {})
        name = f"{county.get('county_name')} {county.get('year')} 年度"
        old_pass = old.get("verdict", {}).get("pass")
        new_pass = county.get("verdict", {}).get("pass")
        change = "（不变）" if old_pass == new_pass else f"（原为{verdict_zh(old_pass)}）"
        lines.append(f"{name} 总体结论：{verdict_zh(new_pass)}{change}")
        for stage, stage_after in county.get("stages", {}).items():
            lines.extend(_stage_lines(stage, old.get("stages", {}).get(stage) or {}, stage_after or {}))
        lines.extend(_item_lines(old, county))
    old_units = {_unit_key(u): u for u in before.get("units", [])}
    for unit in after.get("units", []):
        old = old_units.get(_unit_key(unit))
        if old is not None and old.get("compliant") != unit.get("compliant"):
            lines.append(f"{unit.get('school_name')}（{unit.get('school_code')}，{STAGE_ZH.get(unit.get('stage'), '')}）："
                         f"{verdict_zh(old.get('compliant'))} → {verdict_zh(unit.get('compliant'))}")
    lines.extend(_school_lines(before, after))
    if all(line.endswith("（不变）") for line in lines):
        lines.append("其他各项均无变化")
    return lines
