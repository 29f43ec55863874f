"""From valid answers to rates: per group, school, item and overall, and the 表Ⅵ figures.

Rates are exact fractions (a questionnaire is a 满意问卷 when its overall item counts as 满意; an
item's rate is its 满意 answers over its counted answers). Rejected answers never enter: they are
only counted, by reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from junheng.exact import round_half_up

from .questionnaire import Questionnaire


@dataclass(frozen=True)
class Valid:
    """One accepted questionnaire, as the aggregation needs it (no identifying data)."""

    group: str
    area: str
    school_code: str | None
    grade: int | None
    questionnaire: str
    positions: dict[str, int]
    satisfied: bool


@dataclass
class Tally:
    valid: int = 0
    satisfied: int = 0

    def add(self, satisfied: bool) -> None:
        self.valid += 1
        self.satisfied += bool(satisfied)

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.valid) if self.valid else None


@dataclass
class ItemRate:
    questionnaire: str
    item_id: str
    topic: str
    text: str
    counted: int = 0
    satisfied: int = 0

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.satisfied, self.counted) if self.counted else None


@dataclass
class Summary:
    overall: Tally = field(default_factory=Tally)
    groups: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    schools: dict[str | None, dict[str, Tally]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Tally)))
    areas: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    grades: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    by_group_area: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    items: dict[tuple[str, str], ItemRate] = field(default_factory=dict)

    def school_total(self, code: str | None) -> Tally:
        total = Tally()
        for tally in self.schools.get(code, {}).values():
            total.valid += tally.valid
            total.satisfied += tally.satisfied
        return total



def summarise(valid: Iterable[Valid], questionnaires: dict[str, Questionnaire]) -> Summary:
    summary = Summary()
    for q in questionnaires.values():
        for item in q.items:
            summary.items[(q.id, item.id)] = ItemRate(q.id, item.id, item.topic, item.text)
    for v in valid:
        summary.overall.add(v.satisfied)
        summary.groups[v.group].add(v.satisfied)
        summary.schools[v.school_code][v.group].add(v.satisfied)
        summary.areas[v.area].add(v.satisfied)
        summary.by_group_area[(v.group, v.area)] += 1
        if v.grade is not None:
            summary.grades[(v.group, v.grade)] += 1
        q = questionnaires.get(v.questionnaire)
        if q is None:
            continue
        for item in q.items:
            position = v.positions.get(item.id)
            if position is None or not item.counts(position):
                continue
            rate = summary.items[(q.id, item.id)]
            rate.counted += 1
            rate.satisfied += item.satisfied(position)
    return summary


@dataclass(frozen=True)
class TableVI:
    """表Ⅵ 社会认可度: questionnaires, visits and the combined rate (percent, exact)."""

    received: int  # 问卷总数: valid + rejected
    valid: int  # 有效问卷数
    satisfied: int  # 满意问卷数
    visited: int  # 实地走访人数
    visit_satisfied: int  # 满意人数
    method: str  # pooled | questionnaire

    @property
    def questionnaire_rate(self) -> Fraction | None:
        return Fraction(100 * self.satisfied, self.valid) if self.valid else None

    @property
    def visit_rate(self) -> Fraction | None:
        return Fraction(100 * self.visit_satisfied, self.visited) if self.visited else None

    @property
    def combined_rate(self) -> Fraction | None:
        """综合满意度 (%): questionnaires and visits pooled, or the questionnaires alone (parameter)."""
        if self.method == "questionnaire":
            return self.questionnaire_rate
        people = self.valid + self.visited
        return Fraction(100 * (self.satisfied + self.visit_satisfied), people) if people else None

    def rows(self) -> list[tuple[str, int | Fraction | None, str]]:
        return [("问卷总数", self.received, "份"), ("有效问卷数", self.valid, "份"), ("满意问卷数", self.satisfied, "份"),
                ("问卷满意度", self.questionnaire_rate, "%"), ("实地走访人数", self.visited, "人"),
                ("满意人数", self.visit_satisfied, "人"), ("走访满意度", self.visit_rate, "%"),
                ("综合满意度", self.combined_rate, "%")]


def percent(rate: Fraction | None, places: int = 2) -> str:
    """A percentage printed half-up (the figure behind it stays exact)."""
    if rate is None:
        return "—"
    return f"{round_half_up(Decimal(rate.numerator) / Decimal(rate.denominator), places):.{places}f}%"


def share(rate: Fraction | None) -> Fraction | None:
    """A 0–1 rate as a percentage."""
    return None if rate is None else rate * 100
