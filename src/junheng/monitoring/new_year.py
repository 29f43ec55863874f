"""A new school year starts from last year's accepted data: which of a school's values are carried
into its first draft of the year (declared in ``new_year.yaml``, with why), the rest left for the
school to fill. Nothing computed is carried: only the school's own inputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from junheng.parameter_files import values_in_force
from junheng.schema import SCHOOLS

HERE = Path(__file__).parent


def carry_over_parameters(year: int) -> dict[str, Any]:
    params = values_in_force(HERE / "new_year.yaml", year)[0]
    known = {f.id for f in SCHOOLS.fields}
    unknown = [f for f in params["new_year.school_fields"] if f not in known]
    if unknown:
        raise ValueError(f"new_year.yaml：学校表没有这些项目：{'、'.join(unknown)}")
    return params


def carried_over(last_values: dict[str, Any], last_rooms: list[dict[str, Any]], year: int,
                 params: dict[str, Any] | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The values and rooms of a school's new-year draft, from its accepted values of last year."""
    params = params or carry_over_parameters(year)
    values = {k: last_values[k] for k in params["new_year.school_fields"] if last_values.get(k) is not None}
    rooms = [dict(room) for room in last_rooms] if params["new_year.rooms"] else []
    return values, rooms
