"""Plan actions: what changes where, its cost, its Chinese text; and applying them to a data set.

An action's ``field`` and ``change`` follow ``shared/design.md`` (the canonical field it changes, in
the field's own unit; a transfer or a pupil move changes the donor's field by −change). ``changes``
lists every field the action touches (a recruited teacher counts in 专任教师数 and, holding the
required degree, in L1), ``sets`` replaces a value (the largest class after 分班), ``rooms`` adds
专用教室 rows and ``county`` adds to the county sheet (交流轮岗 counts for G11).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

import polars as pl

from junheng.dataset import Dataset
from junheng.exact import dec

LEVER_ZH = {"recruit": "招聘教师", "transfer": "交流调配教师", "train": "培养骨干教师", "build": "新建",
            "convert": "改造", "equip": "购置设备", "move_pupils": "片区内分流学生", "add_class": "增设教学班",
            "fund": "增加培训经费"}


@dataclass
class Action:
    lever: str
    school_code: str
    school_name: str
    county_name: str
    stage: str | None
    field: str
    change: float
    cost: float
    text: str
    from_school_code: str | None = None
    from_school_name: str | None = None
    text_from: str | None = None  # the same action as the donor's list says it
    year: int = 1
    changes: list[tuple[str, str, float]] = field(default_factory=list)  # (school_code, field, delta)
    sets: list[tuple[str, str, int]] = field(default_factory=list)  # (school_code, field, value)
    rooms: list[tuple[str, str, float]] = field(default_factory=list)  # (school_code, room_type, area)
    county: list[tuple[str, str, int]] = field(default_factory=list)  # (county_name, field, delta)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["changes"] = [{"school_code": c, "field": f, "change": d} for c, f, d in self.changes]
        data["sets"] = [{"school_code": c, "field": f, "value": v} for c, f, v in self.sets]
        data["rooms"] = [{"school_code": c, "room_type": t, "area": a} for c, t, a in self.rooms]
        data["county"] = [{"county_name": c, "field": f, "change": d} for c, f, d in self.county]
        data["lever_zh"] = LEVER_ZH[self.lever]
        return data

    def in_year(self, year: int) -> Action:
        return replace(self, year=year)


def _add(value, delta):
    """value + delta in decimal arithmetic, so the stored float is the decimal a person would type."""
    if value is None:
        return None
    if isinstance(value, int) and float(delta).is_integer():
        return value + int(delta)
    total = dec(value) + Decimal(str(delta))
    return float(total)


def apply_actions(dataset: Dataset, actions: list[Action]) -> Dataset:
    """The data set with every action applied (nothing else changes)."""
    deltas: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    sets: dict[str, dict[str, int]] = defaultdict(dict)
    for a in actions:
        for code, name, delta in a.changes:
            deltas[code][name] += delta
        for code, name, value in a.sets:
            sets[code][name] = value
    schools = dataset.schools
    if deltas or sets:
        rows = schools.to_dicts()
        for row in rows:
            code = row["school_code"]
            for name, delta in deltas.get(code, {}).items():
                row[name] = _add(row[name], delta)
            for name, value in sets.get(code, {}).items():
                row[name] = value
        schools = pl.DataFrame(rows, schema=schools.schema)
    rooms = dataset.rooms
    new_rooms = [room for a in actions for room in a.rooms]
    if rooms is not None and new_rooms:
        year = int(schools["year"].max())
        extra = pl.DataFrame([{"year": year, "school_code": code, "room_type": kind, "area": float(area)}
                              for code, kind, area in new_rooms])
        rooms = pl.concat([rooms, extra], how="diagonal_relaxed").select(rooms.columns).cast(rooms.schema)
    county = dataset.county
    county_deltas = [c for a in actions for c in a.county]
    if county is not None and county_deltas:
        rows = county.to_dicts()
        for name, column, delta in county_deltas:
            for row in rows:
                if row["county_name"] == name and row.get(column) is not None:
                    row[column] = row[column] + delta
        county = pl.DataFrame(rows, schema=county.schema)
    return replace(dataset, schools=schools, rooms=rooms, county=county, source=f"{dataset.source}（已按规划调整）")
