"""Who may see and do what in 实地督导.

Everyone who may see a county (``visible_counties``: its bureau and inspectors, the city and
province reviewers above it) sees its visits. The inspection itself — a checklist's observed values,
the findings — belongs to whoever inspects: inspectors and reviewers, and the bureau only for a
visit it drew itself (its own 自查), so that a county cannot rewrite what reviewers saw. A draw made
by others is not shown to the county's bureau before the notice date (the schools are not to be
prepared). A school sees only its own notice and report, once findings were generated.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from junheng.web.access import visible_counties
from junheng.web.models import Account, Role

from .models import SampledSchool, Visit

INSPECTING_ROLES = (Role.INSPECTOR, Role.CITY, Role.PROVINCE)
VIEWING_ROLES = (Role.BUREAU, *INSPECTING_ROLES)


def may_inspect(acc: Account, visit: Visit) -> bool:
    return acc.role in INSPECTING_ROLES or (acc.role == Role.BUREAU and visit.drawn_by_role == Role.BUREAU)


def schools_hidden(acc: Account, visit: Visit) -> bool:
    """The county's bureau does not learn which schools others drew before the schools are told."""
    return (acc.role == Role.BUREAU and visit.drawn_by_role != Role.BUREAU
            and timezone.localdate() < visit.notice_date)


def visit_for(acc: Account, pk: int) -> Visit:
    visit = Visit.objects.filter(pk=pk, county__in=visible_counties(acc)).select_related("county").first()
    if visit is None:
        raise Http404("没有这次实地督导")
    return visit


def sampled_for(acc: Account, pk: int, *, school_may_see: bool = False) -> SampledSchool:
    """A sampled school the account may open; a school only its own, only where ``school_may_see``
    (its notice and report) and only once findings exist. Anything else is 404."""
    sampled = SampledSchool.objects.filter(pk=pk).select_related("visit", "visit__county", "school").first()
    if sampled is None:
        raise Http404("没有这所抽查学校")
    if acc.role == Role.SCHOOL:
        if not school_may_see or sampled.school_id != acc.school_id or sampled.findings is None:
            raise Http404("没有这所抽查学校")
        return sampled
    if acc.role not in VIEWING_ROLES or not visible_counties(acc).filter(pk=sampled.visit.county_id).exists() \
            or schools_hidden(acc, sampled.visit):
        raise Http404("没有这所抽查学校")
    return sampled
