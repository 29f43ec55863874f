"""The data-entry form, generated from :mod:`junheng.schema` (the same fields as the template).

Inputs are kept as the text typed; checking and typing them is the importer's job (see
:mod:`junheng.web.rows`), so the form shows exactly the importer's Chinese messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from junheng.io.template import required_label
from junheng.schema import COUNTY, ROOMS, SCHOOL_TYPES, SCHOOLS, Field, Table

# Filled from the school record and the year; a school cannot change who it is (nor its name:
# the registry's name is the one every page shows; the bureau renames through its import).
FIXED_SCHOOL_FIELDS = ("year", "county_code", "county_name", "school_code", "school_name")
FIXED_COUNTY_FIELDS = ("year", "county_code", "county_name")
ROOM_FIELDS = tuple(f for f in ROOMS.fields if f.id not in ("year", "school_code"))
BLANK_ROOM_ROWS = 3


@dataclass(frozen=True)
class FormField:
    field: Field
    fixed: bool

    @property
    def required_label(self) -> str:
        return required_label(self.field)

    @property
    def input_choices(self) -> tuple[str, ...]:
        if self.field.type == "bool":
            return ("是", "否")
        return self.field.choices


def _section(field: Field) -> str:
    fid = field.id
    if fid.endswith(("_students", "_classes", "_max_class_size")):
        return "学生与班级"
    if "teachers" in fid:
        return "教师"
    if fid.endswith(("_area", "_value", "_rooms")) or fid in ("computers", "books"):
        return "校舍与装备"
    if "funds" in fid:
        return "经费"
    return "基本信息"


def school_sections() -> list[tuple[str, list[FormField]]]:
    """The 学校 fields in schema order, grouped under the headings a form shows."""
    sections: dict[str, list[FormField]] = {}
    for f in SCHOOLS.fields:
        sections.setdefault(_section(f), []).append(FormField(f, f.id in FIXED_SCHOOL_FIELDS))
    return list(sections.items())


def county_fields() -> list[FormField]:
    return [FormField(f, f.id in FIXED_COUNTY_FIELDS) for f in COUNTY.fields]


def display(value: Any) -> str:
    """A stored typed value as the text a user would type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.15g}"
    return str(value)


def displayed(values: dict[str, Any]) -> dict[str, str]:
    return {k: display(v) for k, v in values.items()}


def fixed_school_values(school, year: int) -> dict[str, Any]:
    """What a school's form and API cannot change: the year, the county and the registry's school."""
    county = school.county
    return {"year": year, "county_code": county.code or None, "county_name": county.name,
            "school_code": school.code, "school_name": school.name}


def posted_values(data: QueryDict, table: Table, fixed: dict[str, Any]) -> dict[str, str]:
    """The text typed for each field of ``table``; fixed fields come from the record, not the form."""
    raw = {f.id: data.get(f.id, "").strip() for f in table.fields}
    raw.update({k: display(v) for k, v in fixed.items()})
    return raw


def posted_rooms(data: QueryDict) -> list[dict[str, str]]:
    """Room rows ``room-<n>-<field>``; rows left wholly blank are not rows."""
    numbers = sorted({int(n) for k in data if k.startswith("room-") and (n := k.split("-")[1]).isascii() and n.isdigit()})
    rows = []
    for n in numbers:
        row = {f.id: data.get(f"room-{n}-{f.id}", "").strip() for f in ROOM_FIELDS}
        if any(row.values()):
            rows.append(row)
    return rows


def room_rows(rooms: list[dict[str, Any]], blank_rows: bool) -> list[dict[str, str]]:
    """The stored rooms, plus a few blank rows to add more when the form can be edited."""
    return [displayed(r) for r in rooms] + [{} for _ in range(BLANK_ROOM_ROWS if blank_rows else 0)]


def stages_by_school_type() -> dict[str, list[str]]:
    """For the form's script: which 学段 fields a school type needs (the others are folded away)."""
    return {t.label: list(t.stages) for t in SCHOOL_TYPES}


def posted_version(data: QueryDict) -> int | None:
    """The version of the record the form was opened on (hidden field ``version``)."""
    text = data.get("version", "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def newer_values(newer: dict[str, Any], table: Table | None = None) -> list[tuple[str, str]]:
    """A conflict's newer stored values as (label, text) rows for the page."""
    labels = {f.id: f.display_header for f in table.fields} if table else {}
    labels.update({"owner": "责任人", "measure": "整改措施", "deadline": "整改时限"})
    rows = []
    for key, value in newer.items():
        if key == "专用教室":
            text = "；".join("，".join(f"{display(v)}" for v in room.values()) for room in value) or "（无）"
        else:
            text = display(value) or "（空）"
        rows.append((labels.get(key, key), text))
    return rows
