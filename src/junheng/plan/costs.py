"""The cost file of 达标规划: a unit price per lever, limits and on/off switches, each with a reference.

The defaults live in ``costs.yaml`` beside this module; a county's own file (same shape, any subset)
overrides them, like a standard's profile (``junheng plan DATA --costs 本县成本.yaml``). A bare value
takes the file's ``reference``; ``{value: …, reference: …}`` gives its own. Every problem of a file is
collected and reported in Chinese, naming the file and the key (the CLI exits 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from junheng.standards import read_yaml_mapping

DEFAULTS = Path(__file__).with_name("costs.yaml")
SECTIONS = ("costs", "limits", "levers")


class PlanError(ValueError):
    """Bad plan input (cost file, budget, years, data the plan cannot use); Chinese message, exit 2."""


@dataclass(frozen=True)
class Entry:
    key: str
    value: Fraction
    unit: str
    description: str
    reference: str
    source: str = "默认值"


@dataclass(frozen=True)
class Costs:
    name: str
    entries: dict[str, Entry]  # "costs" and "limits" keys
    levers: dict[str, bool]
    sources: tuple[str, ...] = field(default=())

    def __getitem__(self, key: str) -> Fraction:
        return self.entries[key].value

    def f(self, key: str) -> float:
        return float(self.entries[key].value)

    def enabled(self, lever: str) -> bool:
        return self.levers[lever]

    def without(self, *levers: str) -> Costs:
        """The same costs with some levers switched off (used to compare plans)."""
        return replace(self, levers={k: (v and k not in levers) for k, v in self.levers.items()})


def _read(path: Path) -> dict:
    return read_yaml_mapping(path, PlanError, "成本文件", label=path.name,
                             keys="name、reference、costs、limits、levers", empty_ok=True)


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Fraction(str(value).replace(",", ""))
    except (ValueError, ZeroDivisionError):
        return None


def _defaults(data: dict | None = None) -> Costs:
    data = data or _read(DEFAULTS)
    entries = {}
    for section in ("costs", "limits"):
        for key, spec in data[section].items():
            entries[key] = Entry(key, Fraction(str(spec["value"])), spec["unit"], spec["description"], spec["reference"])
    return Costs(data["name"], entries, {k: bool(v) for k, v in data["levers"].items()})


def load_costs(path: str | Path | None = None) -> Costs:
    """The default costs, overridden by the file at ``path`` when given."""
    defaults = _read(DEFAULTS)
    costs = _defaults(defaults)
    if path is None:
        return costs
    path = Path(path)
    data = _read(path)
    errors = []
    unknown = sorted(set(data) - {"name", "reference", *SECTIONS})
    if unknown:
        errors.append(f"无法识别的项：{'、'.join(map(str, unknown))}（可用：name、reference、costs、limits、levers）")
    name = str(data.get("name") or path.stem)
    reference = str(data.get("reference") or "")
    entries, levers = dict(costs.entries), dict(costs.levers)
    for section in ("costs", "limits"):
        given = data.get(section) or {}
        if not isinstance(given, dict):
            errors.append(f"{section} 须为“项目: 数值”的映射")
            continue
        for key, spec in given.items():
            base = costs.entries.get(key)
            if base is None or key not in defaults[section]:
                known = "、".join(defaults[section])
                errors.append(f"{section}.{key}：没有这一项（可用：{known}）")
                continue
            raw = spec.get("value") if isinstance(spec, dict) else spec
            value = _number(raw)
            if value is None:
                errors.append(f"{section}.{key}：“{raw}”不是数字")
                continue
            if value < 0:
                errors.append(f"{section}.{key}：{raw} 为负数，单价和上限不能为负")
                continue
            if key.endswith("_share") or key.endswith("max_share") or key.endswith("per_year"):
                if value > 1:
                    errors.append(f"{section}.{key}：比例 {raw} 超过 1")
                    continue
            ref = str(spec.get("reference") or reference) if isinstance(spec, dict) else reference
            entries[key] = replace(base, value=value, reference=ref or base.reference, source=name)
    given = data.get("levers") or {}
    if not isinstance(given, dict):
        errors.append("levers 须为“措施: 是/否”的映射")
        given = {}
    for key, value in given.items():
        if key not in levers:
            errors.append(f"levers.{key}：没有这一措施（可用：{'、'.join(levers)}）")
        elif not isinstance(value, bool):
            errors.append(f"levers.{key}：须为 true 或 false，而不是“{value}”")
        else:
            levers[key] = value
    if errors:
        raise PlanError(f"成本文件 {path.name} 有 {len(errors)} 处错误：\n" + "\n".join(f"  {e}" for e in errors))
    return Costs(name, entries, levers, (name,))


def parse_budget(text: str | None) -> Decimal | None:
    """A budget as typed: ``3000000``, ``3,000,000``, ``300万``, ``300万元``; None when blank."""
    if text is None or not text.strip():
        return None
    cleaned = text.replace(",", "").replace("，", "").strip().removesuffix("元")
    factor = Decimal(10_000) if cleaned.endswith("万") else Decimal(1)
    try:
        value = Decimal(cleaned.removesuffix("万")) * factor
    except InvalidOperation:
        raise PlanError(f"预算“{text}”不是金额（如 3000000 或 300万元）") from None
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** 15:
        raise PlanError(f"预算“{text}”须为非负金额（元）")
    return value.quantize(Decimal(1))
