"""Small parameter files beside the standards (inspection sampling, monitoring checks), read for one
school year with the standards' own loader: exact values, dated, each with its reference."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from junheng.standards import load_parameter_file


def values_in_force(path: Path, year: int) -> tuple[dict[str, Any], dict[str, str]]:
    """(value in force on 1 September of ``year``, reference) for every parameter of the file."""
    parameters = load_parameter_file(path)
    when = dt.date(int(year), 9, 1)
    return ({pid: p.at(when) for pid, p in parameters.items()},
            {pid: p.reference for pid, p in parameters.items()})
