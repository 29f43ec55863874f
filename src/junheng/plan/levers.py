"""What each lever changes, and the resources of a unit in exact arithmetic.

The seven resources of 优质均衡 (``shared/spec/standard.md`` §1.1) and the levers that move them:
teachers (L1–L3) belong to the unit's own 学段, the four facilities (L4–L7) to the whole school and
reach a unit through its share w_s·P_s / Σ w_k·P_k (§1.3), so a square metre built at a 九年一贯制
school lifts both of its units by their shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from junheng.exact import frac
from junheng.schema import SCHOOL_TYPE_BY_LABEL, STAGE_ZH
from junheng.standards import Params

INDICATOR_IDS = ("L1", "L2", "L3", "L4", "L5", "L6", "L7")
PER = {"L1": 100, "L2": 100, "L3": 100, "L4": 1, "L5": 1, "L6": 1, "L7": 100}
SPLIT = {"L4", "L5", "L6", "L7"}
# Teacher kinds a transfer moves; a 骨干 or 体育艺术 teacher sent on 交流轮岗 is taken to hold the
# required degree (a recent graduate or a recognised teacher), so it also moves L1.
KINDS = ("deg", "pe", "key")
KIND_FIELD = {"deg": "teachers_above_degree", "pe": "pe_arts_teachers", "key": "key_teachers"}
KIND_ZH = {"deg": "专任教师（{degree}）", "pe": "体育艺术专任教师", "key": "县级及以上骨干教师"}
DEGREE_ZH = {"primary": "专科及以上学历", "junior": "本科及以上学历"}


def kind_fields(kind: str, stage: str) -> list[str]:
    """The 学校 fields one teacher of ``kind`` counts in (besides the stage's 专任教师数)."""
    fields = [f"{stage}_teachers_above_degree"]
    if kind != "deg":
        fields.append(f"{stage}_{KIND_FIELD[kind]}")
    return fields


def kind_text(kind: str, stage: str) -> str:
    return STAGE_ZH[stage] + KIND_ZH[kind].format(degree=DEGREE_ZH[stage])


def exact_share(row: dict, params: Params) -> Fraction:
    """w_s·P_s / Σ_k w_k·P_k over the stages the school type has (高中 takes its share too)."""
    stages = SCHOOL_TYPE_BY_LABEL[row["school_type"]].stages
    weighted = sum(params[f"split.weight.{s}"] * (row[f"pupils_{s}"] or 0) for s in stages)
    return params[f"split.weight.{row['stage']}"] * row["students"] / weighted


def exact_resource(indicator: str, row: dict, params: Params) -> Fraction | None:
    """The resource behind ``indicator`` for a units-frame row (whole school for facilities)."""
    try:
        if indicator == "L1":
            return frac(row["teachers_above_degree"])
        if indicator == "L2":
            return frac(row["key_teachers"])
        if indicator == "L3":
            return frac(row["pe_arts_teachers"])
        if indicator == "L4":
            area = frac(row["teaching_area"])
            if params["L4.excludes_indoor_sports"]:
                area -= frac(row["indoor_sports_area"] or 0)
            return area
        if indicator == "L5":
            return frac(row["indoor_sports_area"] or 0) + frac(row["sports_field_area"])
        if indicator == "L6":
            return frac(row["equipment_value"])
        return frac(row["multimedia_rooms"])
    except TypeError:  # a missing resource
        return None


@dataclass
class UnitFacts:
    """One evaluation unit as the plan sees it."""

    index: int
    school_code: str
    school_name: str
    county: str
    stage: str
    students: int
    share: Fraction  # 1 for teachers' indicators; the facility share for L4–L7
    resource: dict[str, Fraction]  # indicator → current resource (school total for facilities)
    teachers: int
    need: dict[str, tuple[int, int]] = field(default_factory=dict)  # indicator → (to floor, to standard)

    def coefficient(self, indicator: str) -> float:
        """d(value)/d(resource added): per/P for teachers, per·share/P for facilities."""
        share = self.share if indicator in SPLIT else 1
        return float(PER[indicator] * share / self.students)

    def value(self, indicator: str, added: float = 0.0) -> float:
        share = self.share if indicator in SPLIT else 1
        return float(PER[indicator] * share / self.students) * (float(self.resource[indicator]) + added)


def needs(unit: UnitFacts, params: Params) -> dict[str, tuple[int, int]]:
    """Per indicator, the smallest whole additions (to the unit's teachers or the school's facility)
    that reach the 85% floor and the standard; negative when there is a surplus that may be given."""
    import math

    result = {}
    ratio = params["unit.floor_ratio"]
    for ind in INDICATOR_IDS:
        standard = params[f"{ind}.standard.{unit.stage}"]
        share = unit.share if ind in SPLIT else Fraction(1)
        pair = []
        for target in (standard * ratio, standard):
            required = target * unit.students / (PER[ind] * share)  # resource the unit (school) must hold
            pair.append(math.ceil(required - unit.resource[ind]))
        result[ind] = (pair[0], pair[1])
    return result
