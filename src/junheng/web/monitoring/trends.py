"""A school's figures over the years, read from each year's stored official evaluation (the
engine's output; nothing is recomputed here)."""

from __future__ import annotations

from typing import Any

from junheng.schema import STAGE_ZH

from ..models import CollectionYear, School
from ..results import result_of


def school_over_years(school: School, year: int) -> tuple[list[int], list[dict[str, Any]]]:
    """(years with an official result, one table per 学段 unit: pupils and each indicator by year,
    with this year's standard)."""
    years: list[int] = []
    stages: dict[str, dict[str, Any]] = {}
    for cy in CollectionYear.objects.filter(county=school.county_id, year__lte=year).order_by("year"):
        result, _ = result_of(cy, official=True)
        if not result:
            continue
        years.append(cy.year)
        for unit in result.get("units", []):
            if unit.get("school_code") != school.code:
                continue
            table = stages.setdefault(unit["stage"], {"stage": STAGE_ZH.get(unit["stage"], unit["stage"]),
                                                      "students": {}, "items": {}})
            table["students"][cy.year] = unit.get("students")
            for item, v in (unit.get("indicators") or {}).items():
                row = table["items"].setdefault(item, {"item": item, "values": {}})
                row["values"][cy.year] = v.get("value")
                row["standard"] = v.get("standard")
    return years, [{**t, "items": list(t["items"].values())} for t in stages.values()]
