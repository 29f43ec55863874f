"""The sampling plan: how many questionnaires each group, area, grade and school should return.

Rules (``sampling.yaml``, 2024 邀请函): the sample is 1.5‰ of the resident population, at least 600
below 400,000 residents; parents at least 50%; "其他各类调查对象数量大体相当" — students, teachers,
principals, 人大代表和政协委员 and other community members share the rest equally (principals at most
one per school, their excess shared by the others); "乡村、镇区和城区调查对象的比例应与本地常住人口实际
分布比例相当" — every group is split over the three areas by resident population; "义务教育各年级段
调查对象数量大体相当" — parents (by their child's grade) and students are spread evenly over the grades.

School groups (parents, students, teachers, principals) are given to the schools of each area in
proportion to their pupils (parents, students) or teachers; 人大代表、政协委员 and other members
answer a county-wide link per area. Every split is a largest-remainder apportionment, so the parts
always add up to the whole; ties go to the earlier area, grade or school code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .params import SurveyParams

AREAS = ("城区", "镇区", "乡村")
GROUPS = ("parent", "student", "teacher", "principal", "deputy", "public")
GROUP_ZH = {"parent": "家长", "student": "学生", "teacher": "教师", "principal": "校长",
            "deputy": "人大代表、政协委员", "public": "其他群众"}
SCHOOL_GROUPS = ("parent", "student", "teacher", "principal")
GRADE_GROUPS = {"parent": "grades.parent", "student": "grades.student"}
# The questionnaire each group answers (邀请函: 社会卷 for parents, deputies and the public …).
QUESTIONNAIRE_OF = {"parent": "society", "deputy": "society", "public": "society",
                    "teacher": "staff", "principal": "staff", "student": "student"}


class PlanError(ValueError):
    """The plan cannot be made from these figures; the message is Chinese."""


@dataclass(frozen=True)
class SchoolInfo:
    code: str
    name: str
    area: str  # 城区 / 镇区 / 乡村, "" when the school's 城乡类型 is not reported
    students: int = 0
    teachers: int = 0


@dataclass(frozen=True)
class Quota:
    group: str
    area: str
    school_code: str | None  # None: a county-wide link of that area
    count: int


@dataclass
class SamplePlan:
    residents: dict[str, int]
    total: int
    groups: dict[str, int]
    by_area: dict[tuple[str, str], int]  # (group, area) → count
    grades: dict[tuple[str, int], int]  # (group, grade) → count
    quotas: list[Quota]
    notices: list[str] = field(default_factory=list)

    def school_quotas(self, code: str) -> dict[str, int]:
        return {q.group: q.count for q in self.quotas if q.school_code == code}

    def to_dict(self) -> dict:
        return {
            "residents": self.residents, "total": self.total, "groups": self.groups,
            "by_area": [{"group": g, "area": a, "count": n} for (g, a), n in self.by_area.items()],
            "grades": [{"group": g, "grade": k, "count": n} for (g, k), n in self.grades.items()],
            "quotas": [{"group": q.group, "area": q.area, "school_code": q.school_code, "count": q.count}
                       for q in self.quotas],
            "notices": self.notices,
        }


def apportion(total: int, weights: Sequence[int | Fraction]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights`` (all zero: equal shares)."""
    if total < 0:
        raise PlanError("配额不能为负数")
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    whole = sum(Fraction(w) for w in weights)
    exact = [Fraction(total) * Fraction(w) / whole for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def sample_size(residents: int, params: SurveyParams) -> int:
    """常住人口 × 1.5‰ rounded up, and at least 600 when the county has fewer than 400,000 residents."""
    size = math.ceil(Fraction(residents) * Fraction(params["sample.rate"]) / 1000)
    if residents < params.int("sample.minimum_below_residents"):
        size = max(size, params.int("sample.minimum"))
    return size


def group_totals(total: int, school_count: int, params: SurveyParams) -> dict[str, int]:
    """Parents: total × 50% rounded up; the rest shared equally, principals capped at the schools' number."""
    parents = math.ceil(Fraction(total) * Fraction(params["groups.parent.min_share"]) / 100)
    others = [g for g in GROUPS if g != "parent"]
    cap = {"principal": school_count * params.int("groups.principal.max_per_school")}
    counts: dict[str, int] = {"parent": parents}
    left, open_groups = total - parents, list(others)
    while open_groups:  # give capped groups their cap and share again until nobody is over a cap
        shares = dict(zip(open_groups, apportion(left, [1] * len(open_groups)), strict=True))
        over = [g for g in open_groups if g in cap and shares[g] > cap[g]]
        if not over:
            counts.update(shares)
            break
        for g in over:
            counts[g] = cap[g]
            left -= cap[g]
            open_groups.remove(g)
    return {g: counts.get(g, 0) for g in GROUPS}


def plan_sample(residents: dict[str, int], schools: Iterable[SchoolInfo], params: SurveyParams) -> SamplePlan:
    """The whole plan from the resident population per area and the school list."""
    residents = {a: int(residents.get(a) or 0) for a in AREAS}
    if any(n < 0 for n in residents.values()):
        raise PlanError("常住人口不能为负数")
    population = sum(residents.values())
    if population <= 0:
        raise PlanError("请填写城区、镇区、乡村常住人口（至少一项大于 0）")
    schools = sorted(schools, key=lambda s: s.code)
    notices = [f"{s.name}（{s.code}）未填写城乡类型，未分配配额；请在学校数据中补填“城乡类型”"
               for s in schools if s.area not in AREAS]
    placed = [s for s in schools if s.area in AREAS]
    total = sample_size(population, params)
    groups = group_totals(total, len(placed), params)
    area_weights = [residents[a] for a in AREAS]
    by_area: dict[tuple[str, str], int] = {}
    quotas: list[Quota] = []
    for group in GROUPS:
        if group == "principal":
            split = principal_split(groups[group], placed)
        else:
            split = dict(zip(AREAS, apportion(groups[group], area_weights), strict=True))
        for area in AREAS:
            by_area[(group, area)] = split[area]
            quotas.extend(area_quotas(group, area, split[area], [s for s in placed if s.area == area]))
    for area in AREAS:
        unplaced = [f"{GROUP_ZH[q.group]} {q.count} 份" for q in quotas
                    if q.area == area and q.school_code is None and q.group in SCHOOL_GROUPS]
        if unplaced:
            notices.append(f"{area}没有学校：{'、'.join(unplaced)}配额改用{area}的全县通用二维码")
    grades: dict[tuple[str, int], int] = {}
    for group, pid in GRADE_GROUPS.items():
        levels = [int(g) for g in params[pid]]
        grades.update({(group, g): n for g, n in zip(levels, apportion(groups[group], [1] * len(levels)), strict=True)})
    return SamplePlan(residents, total, groups, by_area, grades, quotas, notices)


def principal_split(count: int, schools: list[SchoolInfo]) -> dict[str, int]:
    """Principals follow the schools (one each while the quota lasts), not the population."""
    per_area = [sum(1 for s in schools if s.area == a) for a in AREAS]
    return dict(zip(AREAS, apportion(count, per_area), strict=True))


def area_quotas(group: str, area: str, count: int, schools: list[SchoolInfo]) -> list[Quota]:
    if count == 0:
        return []
    if group not in SCHOOL_GROUPS:
        return [Quota(group, area, None, count)]
    if not schools:  # named once per area in plan_sample
        return [Quota(group, area, None, count)]
    if group == "principal":
        weights: list[int] = [1] * len(schools)
    else:
        weights = [s.teachers if group == "teacher" else s.students for s in schools]
    return [Quota(group, area, s.code, n) for s, n in zip(schools, apportion(count, weights), strict=True) if n]
