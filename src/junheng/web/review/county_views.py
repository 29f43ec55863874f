"""A reviewer's read-only look into one county of its region: the result, the schools' accepted
data, the problems. Only GET routes: there is no write path here (a reviewer's own findings go
through :mod:`.findings`)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from junheng.schema import SCHOOLS

from .. import forms
from ..access import REVIEWER_ROLES, county_for, require_role
from ..dashboard import collection_progress, county_summary, cv_chart, problem_counts, unit_grid
from ..models import Account, CollectionYear, County, Problem, ProblemStatus, School, Status, Submission
from ..paging import paged
from ..results import result_of

reviewer = require_role(*REVIEWER_ROLES)


def county_year(acc: Account, pk: int, year: int) -> tuple[County, CollectionYear]:
    """A county of the reviewer's region and its collection year, else 404."""
    county = county_for(acc, pk)
    cy = CollectionYear.objects.filter(county=county, year=year).select_related("county").first()
    if cy is None:
        raise Http404("该县(区)尚未开设这个年度")
    return county, cy


@reviewer
@require_GET
def county_view(request: HttpRequest, acc: Account, pk: int, year: int) -> HttpResponse:
    county, cy = county_year(acc, pk, year)
    result, reason = result_of(cy, official=True)
    context = {"county": county, "cy": cy, "year": year, "reason": reason,
               "progress": collection_progress(cy), "problem_counts": problem_counts(cy),
               "years": CollectionYear.objects.filter(county=county).values_list("year", flat=True)}
    if result is not None:
        context.update(summary=county_summary(result), charts=cv_chart(result), grid=unit_grid(result),
                       excluded=result.get("excluded", []))
    return render(request, "review/county.html", context)


@reviewer
@require_GET
def schools_view(request: HttpRequest, acc: Account, pk: int, year: int) -> HttpResponse:
    county, cy = county_year(acc, pk, year)
    statuses = dict(Submission.objects.filter(school__county=county, year=year).values_list("school", "status"))
    labels = dict(Status.choices)
    page, query = paged(request, School.objects.filter(county=county).order_by("code"))
    rows = [{"school": s, "status": statuses.get(s.id), "label": labels.get(statuses.get(s.id), "未填报")}
            for s in page.object_list]
    return render(request, "review/schools.html", {"county": county, "cy": cy, "year": year, "rows": rows,
                                                   "page": page, "query": query})


@reviewer
@require_GET
def school_view(request: HttpRequest, acc: Account, pk: int, year: int, code: str) -> HttpResponse:
    """The school's accepted data only: what has not passed the bureau's review is not shown."""
    county, cy = county_year(acc, pk, year)
    school = School.objects.filter(county=county, code=code).first()
    if school is None:
        raise Http404("没有这所学校")
    sub = Submission.objects.filter(school=school, year=year, status=Status.ACCEPTED).first()
    values = forms.displayed(sub.values) if sub else {}
    sections = [(title, [f.field for f in fields if values.get(f.field.id, "") != ""])
                for title, fields in forms.school_sections()]
    return render(request, "review/school.html", {
        "county": county, "cy": cy, "year": year, "school": school, "sub": sub, "values": values,
        "sections": [(t, f) for t, f in sections if f], "room_fields": forms.ROOM_FIELDS,
        "rooms": [forms.displayed(r) for r in sub.rooms] if sub else [], "table": SCHOOLS,
        "problems": Problem.objects.filter(county=county, year=year, school=school)})


@reviewer
@require_GET
def problems_view(request: HttpRequest, acc: Account, pk: int, year: int) -> HttpResponse:
    county, cy = county_year(acc, pk, year)
    result_of(cy, official=True)  # the list reflects the latest official evaluation, as the bureau's does
    problems = Problem.objects.filter(county=county, year=year).select_related("school")
    status, source = request.GET.get("status", ""), request.GET.get("source", "")
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    if source in dict(Problem.SOURCE_CHOICES):
        problems = problems.filter(source=source)
    page, query = paged(request, problems)
    return render(request, "review/problems.html", {
        "county": county, "cy": cy, "year": year, "problems": page.object_list, "page": page, "query": query,
        "status": status, "statuses": ProblemStatus.choices, "source": source, "sources": Problem.SOURCE_CHOICES})


def problem_in(acc: Account, pk: int, year: int, problem_id: int) -> tuple[County, Problem]:
    county, _ = county_year(acc, pk, year)
    problem = Problem.objects.filter(county=county, year=year, pk=problem_id).select_related("school").first()
    if problem is None:
        raise Http404("没有这个问题")
    return county, problem


@reviewer
@require_GET
def problem_view(request: HttpRequest, acc: Account, pk: int, year: int, problem_id: int) -> HttpResponse:
    county, problem = problem_in(acc, pk, year, problem_id)
    return render(request, "review/problem.html", {"county": county, "year": year, "problem": problem,
                                                   "evidence": problem.evidence.all()})


@reviewer
@require_GET
def evidence_download(request: HttpRequest, acc: Account, pk: int, year: int, problem_id: int,
                      evidence_id: int) -> FileResponse:
    _, problem = problem_in(acc, pk, year, problem_id)
    evidence = problem.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404("没有这个文件")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
