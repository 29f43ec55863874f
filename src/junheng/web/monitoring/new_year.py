"""开设新年度: every school with accepted data last year gets a draft of the new year holding what
:func:`junheng.monitoring.new_year.carried_over` carries (identity and slow-moving fields)."""

from __future__ import annotations

from django.db import transaction

from junheng.monitoring.new_year import carried_over, carry_over_parameters

from ..forms import fixed_school_values
from ..models import CollectionYear, Status, Submission


def last_year_of_county(county_id: int, year: int) -> int | None:
    """The county's latest collection year before ``year`` (last year, or the one before a gap)."""
    return (CollectionYear.objects.filter(county=county_id, year__lt=year)
            .order_by("-year").values_list("year", flat=True).first())


def open_drafts(cy: CollectionYear) -> int:
    """Drafts for the schools accepted last year that have no submission of ``cy.year`` yet; a
    school's own submission is never overwritten. Returns the number of drafts made."""
    last = last_year_of_county(cy.county_id, cy.year)
    if last is None:
        return 0
    params = carry_over_parameters(cy.year)
    with transaction.atomic():
        taken = set(Submission.objects.filter(school__county=cy.county_id, year=cy.year).values_list("school", flat=True))
        drafts = []
        for sub in (Submission.objects.filter(school__county=cy.county_id, year=last, status=Status.ACCEPTED)
                    .select_related("school__county").order_by("school__code")):
            if sub.school_id in taken:
                continue
            values, rooms = carried_over(sub.values, sub.rooms, cy.year, params)
            fixed = {k: v for k, v in fixed_school_values(sub.school, cy.year).items() if v is not None}
            drafts.append(Submission(school=sub.school, year=cy.year, status=Status.DRAFT, rooms=rooms,
                                     values={**values, **fixed}))
        Submission.objects.bulk_create(drafts, ignore_conflicts=True)
    return len(drafts)
