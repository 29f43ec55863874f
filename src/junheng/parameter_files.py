"""Small parameter files beside the standards (inspection sampling, monitoring checks): the same
format as a standard's ``parameters`` — description, unit, reference and dated ``values`` — read
for one school year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml


def values_in_force(path: Path, year: int) -> tuple[dict[str, Any], dict[str, str]]:
    """(value in force on 1 September of ``year``, reference) for every parameter of the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    when = dt.date(int(year), 9, 1)
    values, references = {}, {}
    for pid, spec in data["parameters"].items():
        dated = sorted((dt.date.fromisoformat(str(d)), v) for d, v in spec["values"].items())
        values[pid] = next((v for start, v in reversed(dated) if start <= when), dated[0][1])
        references[pid] = str(spec["reference"])
    return values, references
