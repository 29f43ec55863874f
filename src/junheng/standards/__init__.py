"""Standards as data: dated, referenced parameters in YAML (OpenFisca style).

Each standard (``youzhi-2017``, ``jiben-2012``) is a YAML file beside this module. Every
parameter has a description, a unit, a legal reference and ``values``: effective date → value.
A province or city *profile* (a YAML file) overrides some parameters::

    name: 某省实施细则
    base: youzhi-2017
    reference: 某教督〔2019〕X号
    parameters:
      G7.min_per_pupil_funds: 8000              # replaces the value at every date
      G3.transitional.enabled: {values: {2019-01-01: true}, reference: …}   # from 2019; earlier years keep the base value

A standard also declares what it judges (``judges``: the per-unit rule or not, which 差异系数 test,
which items in which area), so that the engine never branches on a standard's id. Item wordings
may name parameters in braces (``不低于{G7.min_per_pupil_funds}元``): every printed threshold comes
from the parameter in force.

Values that are numbers are kept as :class:`~fractions.Fraction` so that thresholds are exact
(4.2 is 21/5, not the nearest binary float); see ``shared/spec/standard.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
# The shipped standards are read with libyaml when it is there (a fifth of the time); they are
# known to parse alike both ways. User files keep the pure-Python parser and its exact messages.
SHIPPED_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STANDARD_IDS = ("youzhi-2017", "jiben-2012")


class StandardError(ValueError):
    """A standard or profile file is wrong; the message is Chinese and names the file."""


def _exact(value: Any) -> Any:
    """Numbers become exact fractions (parsed from their decimal text); other values stay."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | str):
        try:
            return Fraction(str(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return tuple(value)
    return value


@dataclass(frozen=True)
class Parameter:
    id: str
    description: str
    unit: str
    reference: str
    values: tuple[tuple[dt.date, Any], ...]  # sorted by date
    overridden_by: str = ""  # the profile that set it, if any

    def at(self, when: dt.date) -> Any:
        """The value in force on ``when`` (the latest dated value not after it)."""
        current = None
        for start, value in self.values:
            if start <= when:
                current = value
        if current is None:  # before the first date: the earliest value applies
            current = self.values[0][1]
        return current


@dataclass(frozen=True)
class IndicatorInfo:
    id: str
    name: str
    unit: str
    decimals: int = 2  # places printed for values and means in the official tables


CV_TESTS = ("per_indicator", "composite")


@dataclass(frozen=True)
class Judges:
    """What a standard judges (its YAML ``judges``), read by the engine instead of the standard's id."""

    unit_rule: bool = False  # every unit: at least N indicators met and all at the floor ratio (§1.1)
    cv_test: str = "composite"  # per_indicator: each CV ≤ cv.max.{stage}; composite: mean CV ≤ cv.composite_max.{stage}
    areas: dict[str, tuple[str, ...]] = field(default_factory=dict)  # area → item ids, besides 资源配置
    veto: tuple[str, ...] = ()
    prerequisite: bool = False  # 基本均衡 recognised N years before (§1.6)

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(item for items in self.areas.values() for item in items)


_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_.]+)(?::(level))?\}")  # {G7.min_per_pupil_funds}, {Q9.min_level:level}
LEVEL_WORDS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")


def number_text(value: Any) -> str:
    """A parameter as the texts print it: 6000, 4.2, 0.15; lists joined with 、."""
    if isinstance(value, tuple | list):
        return "、".join(map(str, value))
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    return str(value)


@dataclass(frozen=True)
class Standard:
    id: str
    name: str
    short_name: str
    reference: str
    stages: tuple[str, ...]
    indicators: dict[str, IndicatorInfo]
    parameters: dict[str, Parameter]
    item_templates: dict[str, str]  # G/Q/S/V item id → official wording, thresholds as {parameter}
    judges: Judges = field(default_factory=Judges)
    profiles: tuple[str, ...] = field(default=())

    def at(self, year: int) -> Params:
        """The parameter values in force for school year ``year`` (as of 1 September)."""
        when = dt.date(int(year), 9, 1)
        return Params(self, {pid: p.at(when) for pid, p in self.parameters.items()})

    @property
    def items(self) -> dict[str, str]:
        """The items' wordings with the thresholds in force today (an evaluation names each item with
        the values of its own year: :meth:`Params.item_name`)."""
        return self.at(dt.date.today().year).item_names()

    @property
    def label(self) -> str:
        return f"{self.short_name}（{self.reference}）" + (f"，{'、'.join(self.profiles)}" if self.profiles else "")


@dataclass(frozen=True)
class Params:
    """Parameter values for one year; ``params["G7.min_per_pupil_funds"]`` → Fraction(6000)."""

    standard: Standard
    values: dict[str, Any]

    def __getitem__(self, pid: str) -> Any:
        try:
            return self.values[pid]
        except KeyError:
            raise StandardError(f"标准 {self.standard.id} 缺少参数 {pid}") from None

    def get(self, pid: str, default: Any = None) -> Any:
        return self.values.get(pid, default)

    def f(self, pid: str) -> float:
        """The value as a float, for the vectorised pass (exact checks use ``self[pid]``)."""
        return float(self[pid])

    def item_name(self, item_id: str) -> str:
        """The item's wording with the thresholds of these parameters (G7: 不低于8000元 under a profile)."""
        template = self.standard.item_templates.get(item_id, item_id)
        return _PLACEHOLDER.sub(lambda m: LEVEL_WORDS[int(self[m.group(1)]) - 1] if m.group(2)
                                else number_text(self[m.group(1)]), template)

    def item_names(self) -> dict[str, str]:
        return {item_id: self.item_name(item_id) for item_id in self.standard.item_templates}


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise StandardError(f"{where}：生效日期“{value}”不是 YYYY-MM-DD 格式") from None


def _parameter(pid: str, spec: Any, where: str, inherited: Parameter | None = None, profile: str = "",
               profile_reference: str = "") -> Parameter:
    if not isinstance(spec, dict) or "values" not in spec:  # a bare value replaces the value at every date
        if inherited is None:
            raise StandardError(f"{where}：新参数 {pid} 须写明 description、unit、reference 和 values")
        start = inherited.values[0][0]
        return replace(inherited, values=((start, _exact(spec)),), overridden_by=profile,
                       reference=profile_reference or inherited.reference)
    values = spec["values"]
    if not isinstance(values, dict) or not values:
        raise StandardError(f"{where}：参数 {pid} 的 values 须为“生效日期: 值”的映射")
    dated = tuple(sorted((_date(d, f"{where} {pid}"), _exact(v)) for d, v in values.items()))
    if inherited is not None:  # a dated override takes effect from its date; earlier years keep the base value
        dated = tuple(v for v in inherited.values if v[0] < dated[0][0]) + dated
    base = inherited or Parameter(pid, "", "", "", ())
    return Parameter(
        id=pid,
        description=str(spec.get("description", base.description)),
        unit=str(spec.get("unit", base.unit)),
        reference=str(spec.get("reference", base.reference)),
        values=dated,
        overridden_by=profile,
    )


def read_yaml_mapping(path: Path, error: type[ValueError] = StandardError, kind: str = "标准或方案文件",
                      label: str | None = None, keys: str = "", empty_ok: bool = False,
                      loader: type = yaml.SafeLoader) -> dict:
    """A YAML file that must hold a mapping (standards, profiles, rules files, cost files), or
    ``error`` in Chinese: missing, not YAML, an impossible date, not a mapping. ``label`` names the
    file in messages (the path by default); ``keys`` lists what the mapping should hold."""
    label = str(path) if label is None else label
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise error(f"找不到{kind}：{path}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise error(f"{label}：不是有效的 YAML 文件（{exc}）") from None
    except ValueError:  # YAML reads 2019-13-01 as a date that does not exist
        raise error(f"{path.name}：有不存在的日期（生效日期应写作 YYYY-MM-DD，如 2019-09-01）") from None
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise error(f"{label}：内容应为键值映射" + (f"（{keys}）" if keys else ""))
    return data


def load_parameter_file(path: Path) -> dict[str, Parameter]:
    """The dated, referenced parameters of a small rules file beside the standards (survey sampling,
    inspection sampling, monitoring checks): the same format and the same exact values."""
    data = read_yaml_mapping(path)
    return {pid: _parameter(pid, spec, path.name) for pid, spec in (data.get("parameters") or {}).items()}


def load_standard(standard_id: str = "youzhi-2017", profile: str | Path | None = None) -> Standard:
    """Load a standard by id, then apply a profile file if given."""
    if standard_id not in STANDARD_IDS:
        raise StandardError(f"未知的评估标准“{standard_id}”，可选：{'、'.join(STANDARD_IDS)}")
    path = HERE / f"{standard_id}.yaml"
    data = read_yaml_mapping(path, loader=SHIPPED_LOADER)
    params = {pid: _parameter(pid, spec, path.name) for pid, spec in data["parameters"].items()}
    standard = Standard(
        id=data["id"],
        name=data["name"],
        short_name=data["short_name"],
        reference=data["reference"],
        stages=tuple(data["stages"]),
        indicators={k: IndicatorInfo(k, v["name"], v["unit"], int(v.get("decimals", 2)))
                    for k, v in data["indicators"].items()},
        parameters=params,
        item_templates={str(k): str(v) for k, v in (data.get("items") or {}).items()},
        judges=_judges(data.get("judges") or {}, path.name),
    )
    return apply_profile(standard, profile) if profile else standard


def _judges(spec: dict, where: str) -> Judges:
    cv_test = str(spec.get("cv_test", "composite"))
    if cv_test not in CV_TESTS:
        raise StandardError(f"{where}：judges.cv_test 须为 {'、'.join(CV_TESTS)} 之一")
    return Judges(unit_rule=bool(spec.get("unit_rule", False)), cv_test=cv_test,
                  areas={str(a): tuple(map(str, items or ())) for a, items in (spec.get("areas") or {}).items()},
                  veto=tuple(map(str, spec.get("veto") or ())), prerequisite=bool(spec.get("prerequisite", False)))


def apply_profile(standard: Standard, profile: str | Path) -> Standard:
    path = Path(profile)
    data = read_yaml_mapping(path)
    from .validate import profile_problems  # a profile is checked whole before any of it is used

    if problems := profile_problems(data, standard, path.name):
        raise StandardError("\n".join(problems))
    name = str(data.get("name") or path.stem)
    base = data.get("base")
    if base and base != standard.id:
        raise StandardError(f"{path.name}：该方案适用于标准 {base}，当前标准为 {standard.id}")
    overrides = data.get("parameters") or {}
    if not isinstance(overrides, dict):
        raise StandardError(f"{path.name}：parameters 须为“参数: 值”的映射")
    params = dict(standard.parameters)
    reference = str(data.get("reference") or "")
    for pid, spec in overrides.items():
        if isinstance(spec, dict) and "reference" not in spec and reference:
            spec = {**spec, "reference": reference}
        params[pid] = _parameter(pid, spec, path.name, params.get(pid), name, reference)
    return replace(standard, parameters=params, profiles=(*standard.profiles, name))


def percent_text(ratio: Any) -> str:
    """A ratio parameter as the texts print it: 0.85 → 85%."""
    return f"{float(ratio) * 100:g}%"
