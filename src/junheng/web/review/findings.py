"""A reviewer's 复核意见: a finding on a county (or one of its schools) that becomes a problem of
that county (source ``review``) and goes through the bureau's usual rectification workflow."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from junheng.digits import ascii_int

from .. import audit
from ..access import visible_counties
from ..models import Account, CollectionYear, County, Problem, School
from ..results import standard_of
from ..services import WorkflowError
from .county_views import reviewer
from .summaries import region_years

MESSAGE_MAX = 2000


def item_choices(county: County) -> list[tuple[str, str]]:
    """The indicators and items of the county's standard, for the finding's 指标."""
    standard = standard_of(county)
    return [*((i, f"{i} {info.name}") for i, info in standard.indicators.items()),
            *((i, f"{i} {text[:40]}") for i, text in standard.items.items())]


def check_finding(acc: Account, data) -> dict:
    """The posted form, checked; every error in Chinese, by field."""
    errors: dict[str, str] = {}
    county_pk = ascii_int(data.get("county", ""))
    county = visible_counties(acc).filter(pk=county_pk).first() if county_pk is not None else None
    if county is None:
        errors["county"] = "请选择本辖区内的县(区)"
    year_text = data.get("year", "").strip()
    cy = None
    if county is not None:
        year = ascii_int(year_text, max_digits=4)
        cy = CollectionYear.objects.filter(county=county, year=year).select_related("county").first() \
            if year is not None else None
        if cy is None:
            errors["year"] = f"{county.name}没有开设“{year_text or '（未填）'}”年度"
    code = data.get("school", "").strip()
    school = None
    if code and county is not None:
        school = School.objects.filter(county=county, code=code).first()
        if school is None:
            errors["school"] = f"{county.name}没有学校标识码为“{code[:30]}”的学校"
    item = data.get("item", "").strip()
    if item and county is not None and item not in dict(item_choices(county)):
        errors["item"] = f"“{item[:20]}”不是该县评估标准中的指标"
    message = data.get("message", "").strip()
    if not message:
        errors["message"] = "请填写问题描述"
    elif len(message) > MESSAGE_MAX:
        errors["message"] = f"问题描述最多 {MESSAGE_MAX} 字"
    deadline_text = data.get("deadline", "").strip()
    deadline = None
    if deadline_text:
        try:
            deadline = dt.date.fromisoformat(deadline_text)
        except ValueError:
            errors["deadline"] = f"整改时限“{deadline_text[:20]}”不是有效日期（如 2025-08-31）"
        else:
            if deadline < timezone.localdate():
                errors["deadline"] = "整改时限不能早于今天"
    if errors:
        raise FindingErrors(errors)
    return {"cy": cy, "school": school, "item": item, "message": message, "deadline": deadline}


class FindingErrors(WorkflowError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


def raise_review_finding(acc: Account, cy: CollectionYear, school: School | None, item: str, message: str,
                         deadline: dt.date | None, request: HttpRequest | None = None) -> Problem:
    """The problem and its audit entry in one transaction. Nothing the county's results are
    computed from changes, so the county's revision is not bumped."""
    with transaction.atomic():
        problem = Problem.objects.create(
            county=cy.county, year=cy.year, school=school, source="review",
            key=f"review|{timezone.now():%Y%m%d%H%M%S%f}|{secrets.token_hex(4)}", item=item[:10],
            kind="review_finding", message=message, deadline=deadline, raised_by=acc.user, blocking=False)
        audit.record(acc.user, "review.finding", request=request, county=cy.county,
                     target=f"问题 #{problem.pk} {school.name if school else cy.county.name} {item}".rstrip(),
                     summary=f"{acc.get_role_display()}提出复核意见",
                     after={"school": school.code if school else None, "item": item, "message": message,
                            "deadline": deadline.isoformat() if deadline else None})
    return problem


@reviewer
@require_http_methods(["GET", "POST"])
def finding_view(request: HttpRequest, acc: Account) -> HttpResponse:
    counties = visible_counties(acc).order_by("code", "name")
    typed = {k: (request.POST if request.method == "POST" else request.GET).get(k, "").strip()[:MESSAGE_MAX]
             for k in ("county", "year", "school", "item", "message", "deadline")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            found = check_finding(acc, request.POST)
            problem = raise_review_finding(acc, found["cy"], found["school"], found["item"], found["message"],
                                           found["deadline"], request)
            messages.success(request, f"复核意见已加入{found['cy'].county.name}的问题清单")
            return redirect("review:problem", pk=problem.county_id, year=problem.year, problem_id=problem.pk)
        except FindingErrors as exc:
            errors = exc.errors
    chosen_pk = ascii_int(typed["county"])
    chosen = counties.filter(pk=chosen_pk).first() if chosen_pk is not None else None
    return render(request, "review/finding.html", {
        "counties": counties, "typed": typed, "errors": errors, "chosen": chosen,
        "years": region_years(counties) if chosen is None else
        list(CollectionYear.objects.filter(county=chosen).values_list("year", flat=True)),
        "items": item_choices(chosen) if chosen else [],
        "schools": School.objects.filter(county=chosen).order_by("code") if chosen else []},
        status=400 if errors else 200)


@reviewer
@require_GET
def findings_view(request: HttpRequest, acc: Account) -> HttpResponse:
    """Every 复核意见 on the region's counties, with where the bureau's rectification stands."""
    from ..paging import paged

    findings = (Problem.objects.filter(county__in=visible_counties(acc), source="review")
                .select_related("county", "school", "raised_by").order_by("-created_at", "-id"))
    page, query = paged(request, findings)
    return render(request, "review/findings.html", {"findings": page.object_list, "page": page, "query": query})
