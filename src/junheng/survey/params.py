"""The survey's rules as dated, referenced parameters (``sampling.yaml``), read like the standards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from junheng.standards import Parameter, StandardError, load_parameter_file

SAMPLING_FILE = Path(__file__).with_name("sampling.yaml")


@dataclass(frozen=True)
class SurveyParams:
    """The rules in force for one survey year; ``params["sample.rate"]`` → Fraction(3, 2)."""

    year: int
    parameters: dict[str, Parameter]
    values: dict[str, Any]

    def __getitem__(self, pid: str) -> Any:
        try:
            return self.values[pid]
        except KeyError:
            raise StandardError(f"社会认可度调查规则缺少参数 {pid}") from None

    def int(self, pid: str) -> int:
        value = Fraction(self[pid])
        if value.denominator != 1:
            raise StandardError(f"社会认可度调查规则 {pid} 须为整数，实际为 {value}")
        return int(value)

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """(id, description, value, unit, reference) for the method notes and exports."""
        return [(pid, p.description, _text(self.values[pid]), p.unit, p.reference)
                for pid, p in self.parameters.items()]


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return "、".join(map(str, value))
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    return str(value)


@lru_cache(maxsize=32)
def load_params(year: int, path: Path = SAMPLING_FILE) -> SurveyParams:
    """The rules as of 1 September of school year ``year`` (the same date rule as the standards);
    read once per process (every answer checks them)."""
    params = load_parameter_file(path)
    when = dt.date(int(year), 9, 1)
    return SurveyParams(int(year), params, {pid: p.at(when) for pid, p in params.items()})
