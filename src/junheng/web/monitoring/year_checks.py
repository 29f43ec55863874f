"""Year-on-year checks of one school's data against its accepted data of last year, by the
engine's :func:`junheng.monitoring.year_on_year` and :func:`junheng.monitoring.checks.changes`
(the same functions as ``junheng check``): the form shows last year's value and the change
beside each field, a flagged move needs the school's one-line explanation before it is saved
or submitted, and the bureau's review lists the flags with the explanations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from junheng.monitoring import Flag, year_on_year
from junheng.monitoring.checks import Change, changes
from junheng.schema import SCHOOLS

from ..forms import FIXED_SCHOOL_FIELDS, display, displayed
from ..models import School, Status, Submission
from ..results import frame
from ..rows import InputProblem, InvalidInput, check_school
from .new_year import last_year_of_county

REVIEWED = (Status.SUBMITTED, Status.ACCEPTED)
EXPLAINED = ("yoy_change", "yoy_fall")  # the flags a school explains; the others concern the county's list
EXPLANATION_MAX = 200  # one line
FIELD_NAME = "explain-"  # the form's input for a field's explanation: explain-<field id>


def last_accepted(school: School, year: int) -> Submission | None:
    """The school's accepted submission of the county's collection year before ``year``."""
    last = last_year_of_county(school.county_id, year)
    if last is None:
        return None
    return Submission.objects.filter(school=school, year=last, status=Status.ACCEPTED).first()


def flags(values: dict[str, Any], last: Submission | None) -> list[Flag]:
    """The moves of ``values`` against ``last`` that the school must explain."""
    if last is None or not values.get("year"):
        return []
    found = year_on_year(frame(SCHOOLS, [values]), frame(SCHOOLS, [last.values]))
    return [f for f in found if f.kind in EXPLAINED]


def _change_text(change: Change) -> str:
    sign = "+" if change.difference > 0 else ""
    share = f"（{sign}{change.share:.0%}）" if change.share is not None else ""
    return f"{sign}{display(change.difference)}{share}" if change.difference else "无变化"


@dataclass(frozen=True)
class Beside:
    """What the form shows beside a field: last year's value, the change, the explanation."""

    last: str
    last_year: int
    change: str
    flag: str  # the flag's message when the move must be explained
    explanation: str


def _shown(field, values: dict[str, Any], last: dict[str, Any]) -> bool:
    """Every number beside its field (it is typed afresh each year); a choice or text only when
    this year's differs from last year's."""
    if last.get(field.id) is None or field.id in FIXED_SCHOOL_FIELDS:
        return False
    return field.type in ("int", "decimal") or (field.id in values and values[field.id] != last[field.id])


def beside_fields(values: dict[str, Any], last: Submission | None, explanations: dict[str, str]) -> dict[str, Beside]:
    """Per field id; ``values`` are typed (``{}`` when the form's input did not type)."""
    if last is None:
        return {}
    flagged = {f.field: f.message for f in flags(values, last)} if values else {}
    moved = changes(values, last.values) if values else {}
    return {f.id: Beside(display(last.values[f.id]), last.year, _change_text(moved[f.id]) if f.id in moved else "",
                         flagged.get(f.id, ""), explanations.get(f.id, ""))
            for f in SCHOOLS.fields if _shown(f, values, last.values)}


def posted_explanations(data) -> dict[str, str]:
    return {k[len(FIELD_NAME):]: " ".join(v.split()) for k, v in data.items()
            if k.startswith(FIELD_NAME) and v.strip()}


def explanations_for(values: dict[str, Any], last: Submission | None, given: dict[str, str]) -> dict[str, str]:
    """The explanations to store with ``values``: one for every flagged move (else
    :class:`InvalidInput` naming the field, both values and the share), none for the others."""
    problems, kept = [], {}
    for flag in flags(values, last):
        text = given.get(flag.field, "")
        label = SCHOOLS.field(flag.field).display_header
        if not text:
            problems.append(InputProblem(f"{flag.message}。请在“{label}”下方填写一句变化说明后再保存", flag.field))
        elif len(text) > EXPLANATION_MAX:
            problems.append(InputProblem(f"“{label}”的变化说明过长（{len(text)} 字，最多 {EXPLANATION_MAX} 字）",
                                         flag.field))
        else:
            kept[flag.field] = text
    if problems:
        raise InvalidInput(problems)
    return kept


def ready_for_review(sub: Submission) -> list[str]:
    """Why ``sub`` cannot be submitted yet (Chinese, empty when it can): a draft carried over
    from last year and never completed, or a flagged move without the school's explanation."""
    try:
        check_school(displayed(sub.values), [displayed(r) for r in sub.rooms])
    except InvalidInput as exc:
        return ["数据尚未填完整，请在填报页补全后保存再提交：" + "；".join(p.message for p in exc.problems[:5])]
    try:
        explanations_for(sub.values, last_accepted(sub.school, sub.year), sub.explanations or {})
    except InvalidInput as exc:
        return [p.message.replace("后再保存", "并保存后再提交") for p in exc.problems]
    return []


@dataclass(frozen=True)
class ReviewRow:
    field: str
    label: str
    kind: str  # yoy_change | yoy_fall
    last: str
    this: str
    change: str
    explanation: str
    message: str


def _review(sub: Submission, last: Submission, found: list[Flag]) -> list[ReviewRow]:
    moved = changes(sub.values, last.values)
    return [ReviewRow(f.field, SCHOOLS.field(f.field).display_header, f.kind, display(f.last), display(f.this),
                      _change_text(moved[f.field]), (sub.explanations or {}).get(f.field, ""), f.message)
            for f in found]


def review_rows(sub: Submission) -> list[ReviewRow]:
    """The flagged moves of a school's data for the bureau's review, with the school's explanations."""
    last = last_accepted(sub.school, sub.year) if sub.pk and sub.values else None
    return _review(sub, last, flags(sub.values, last)) if last is not None else []


def county_review(county_id: int, year: int) -> tuple[int | None, list[tuple[Submission, list[ReviewRow]]]]:
    """Last year and every submitted or accepted school of ``year`` with flagged moves (one
    engine call for the county)."""
    last_year = last_year_of_county(county_id, year)
    if last_year is None:
        return None, []
    subs = list(Submission.objects.filter(school__county=county_id, year=year, status__in=REVIEWED)
                .select_related("school").order_by("school__code"))
    last = {s.school.code: s for s in Submission.objects.filter(school__county=county_id, year=last_year,
                                                                  status=Status.ACCEPTED).select_related("school")}
    if not subs or not last:
        return last_year, []
    by_school: dict[str, list[Flag]] = {}
    for flag in year_on_year(frame(SCHOOLS, [s.values for s in subs]), frame(SCHOOLS, [s.values for s in last.values()])):
        if flag.kind in EXPLAINED:
            by_school.setdefault(flag.school_code, []).append(flag)
    return last_year, [(sub, _review(sub, last[sub.school.code], by_school[sub.school.code]))
                       for sub in subs if sub.school.code in by_school]
