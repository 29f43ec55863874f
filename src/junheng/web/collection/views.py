"""学校自查自报: the schools list, the data-entry form and its workflow, template uploads, the
whole-county import, the county-level table and a school's results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from junheng.io.template import IDENTITY_FIELDS
from junheng.schema import COUNTY, ROOMS, SCHOOLS

from .. import dashboard, forms, services
from ..access import (
    ALL_ROLES,
    COUNTY_ROLES,
    collection_year,
    require_role,
    school_for,
    visible_problems,
    visible_schools,
)
from ..models import (
    Account,
    CollectionYear,
    Role,
    Status,
    Submission,
)
from ..monitoring import year_checks
from ..paging import paged
from ..results import json_rows, result_of
from ..rows import InputProblem, InvalidInput, check_county, check_school, read_upload
from ..services import ConflictError, WorkflowError

# ── data collection ───────────────────────────────────────────────────────────────────────────


@require_role(*COUNTY_ROLES)
@require_http_methods(["GET", "POST"])
def schools_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    if request.method == "POST":
        if acc.role != Role.BUREAU:
            raise PermissionDenied("仅教育局管理员可以添加学校")
        try:
            school = services.add_school(acc, request.POST.get("code", ""), request.POST.get("name", ""), request)
            messages.success(request, f"已添加{school}")
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("schools", year=year)
    schools = visible_schools(acc).order_by("code")
    q = request.GET.get("q", "").strip()
    if q:
        schools = schools.filter(Q(code__icontains=q) | Q(name__icontains=q))
    page, query = paged(request, schools)
    subs = {s.school_id: s for s in Submission.objects.filter(school__in=list(page.object_list), year=year)}
    rows = [{"school": s, "sub": subs.get(s.id)} for s in page.object_list]
    return render(request, "web/schools.html", {"cy": cy, "year": year, "rows": rows, "page": page, "query": query,
                                                "q": q, "progress": dashboard.collection_progress(cy)})


def _new_year_values(school, cy: CollectionYear) -> dict:
    """A first form of the year: who the school is, from its latest earlier year (as the template's prefill)."""
    earlier = Submission.objects.filter(school=school, year__lt=cy.year).exclude(values={}).order_by("-year").first()
    known = {k: v for k, v in earlier.values.items() if k in IDENTITY_FIELDS} if earlier else {}
    return {**known, **forms.fixed_school_values(school, cy.year)}


def _may_edit(acc: Account, sub, cy: CollectionYear) -> bool:
    """A school edits its draft or returned data while the year is open (关闭填报 locks drafts too)."""
    if acc.role == Role.SCHOOL:
        return cy.is_open and (sub.pk is None or sub.editable_by_school)
    return acc.role == Role.BUREAU and sub.status != Status.ACCEPTED


@require_role(*ALL_ROLES)
def school_view(request: HttpRequest, acc: Account, year: int, code: str) -> HttpResponse:
    cy = collection_year(acc, year)
    school = school_for(acc, code)
    sub = services.submission_for(school, year)
    may_edit = _may_edit(acc, sub, cy)
    values = forms.displayed({**(sub.values or _new_year_values(school, cy)), **forms.fixed_school_values(school, cy.year)})
    rooms = sub.rooms
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    newer: list[tuple[str, str]] = []
    version = sub.version if sub.pk else None
    status = 200
    last, typed, explained = year_checks.last_accepted(school, year), sub.values, sub.explanations
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("当前不能修改数据")
        values = forms.posted_values(request.POST, SCHOOLS, forms.fixed_school_values(school, cy.year))
        rooms = forms.posted_rooms(request.POST)
        version = forms.posted_version(request.POST)
        typed, explained = {}, year_checks.posted_explanations(request.POST)
        try:
            typed, typed_rooms = check_school(values, rooms)
            explanations = year_checks.explanations_for(typed, last, explained)  # a flagged move needs one
            services.save_values(acc, sub, typed, typed_rooms, request=request, version=version,
                                 explanations=explanations)
            messages.success(request, "已保存。核对无误后请点击“提交审核”。" if acc.role == Role.SCHOOL else "已保存")
            return redirect("school", year=year, code=code)
        except InvalidInput as exc:
            errors, general, status = exc.by_field(), exc.general(), 400
        except ConflictError as exc:  # the user's input stays in the form; the newer values are listed
            general, newer, version, status = [str(exc)], forms.newer_values(exc.newer, SCHOOLS), exc.version, 409
            sub = services.submission_for(school, year)
        except WorkflowError as exc:
            general, status = [str(exc)], 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(request, "web/school.html", {
        "cy": cy, "year": year, "school": school, "sub": sub, "may_edit": may_edit, "version": version,
        "sections": forms.school_sections(), "stages_by_type": forms.stages_by_school_type(), "values": values,
        "errors": errors, "general": general, "newer": newer,
        "room_fields": forms.ROOM_FIELDS, "rooms": forms.room_rows(rooms, blank_rows=may_edit),
        "moves": _submission_moves(acc, sub), "closed": not cy.is_open,
        "beside": year_checks.beside_fields(typed, last, explained),
        "review": year_checks.review_rows(sub) if acc.role != Role.SCHOOL else [],
    }, status=status)


def _submission_moves(acc: Account, sub) -> list[dict]:
    if sub.pk is None:
        return []
    labels = {Status.SUBMITTED: "提交审核", Status.ACCEPTED: "审核通过", Status.RETURNED: "退回"}
    return [{"to": to, "label": labels[to]} for to, roles in services.SUBMISSION_MOVES.get(sub.status, {}).items()
            if acc.role in roles]


@require_role(Role.SCHOOL, Role.BUREAU)
@require_POST
def school_move(request: HttpRequest, acc: Account, year: int, code: str) -> HttpResponse:
    collection_year(acc, year)
    school = school_for(acc, code)
    sub = services.submission_for(school, year)
    try:
        services.move_submission(acc, sub, request.POST.get("to", ""), request.POST.get("reason", ""), request,
                                 version=forms.posted_version(request.POST))
        messages.success(request, f"状态已改为“{sub.get_status_display()}”")
    except (WorkflowError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("school", year=year, code=code)


@require_role(Role.SCHOOL, Role.BUREAU)
@require_POST
def school_upload(request: HttpRequest, acc: Account, year: int, code: str) -> HttpResponse:
    """A school's filled template: its own row and rooms replace the form's values."""
    cy = collection_year(acc, year)
    school = school_for(acc, code)
    sub = services.submission_for(school, year)
    if not _may_edit(acc, sub, cy):
        raise PermissionDenied("当前不能修改数据")
    upload = request.FILES.get("file")
    problems: list[str] = []
    if upload is None:
        problems = ["请选择要上传的文件"]
    else:
        try:
            ds = read_upload(upload)
            typed, rooms = _own_row(ds, school.code, year)
            typed.update({k: v for k, v in forms.fixed_school_values(school, cy.year).items() if v is not None})
            services.save_values(acc, sub, typed, rooms, request=request)
            messages.success(request, "已导入模板数据，请核对后提交审核")
            _notices(request, ds)
            return redirect("school", year=year, code=code)
        except InvalidInput as exc:
            problems = [p.message for p in exc.problems]
        except WorkflowError as exc:
            problems = [str(exc)]
    return render(request, "web/upload_errors.html", {"year": year, "problems": problems,
                                                      "back": reverse("school", args=[year, code])}, status=400)


def _notices(request: HttpRequest, ds) -> None:
    """What the file held that was not used, or was read with a change (a renamed sheet, a unified
    county name): named on the next page, as the CLI prints it on stderr."""
    for notice in ds.notices:
        messages.warning(request, f"提示：{notice}")


def _own_row(ds, school_code: str, year: int) -> tuple[dict, list[dict]]:
    rows = [r for r in json_rows(SCHOOLS, ds.schools) if r.get("school_code") == school_code and r.get("year") == year]
    if len(rows) != 1:
        raise WorkflowError(f"文件中没有学校标识码为 {school_code}、年度为 {year} 的学校数据" if not rows
                            else f"文件中学校标识码 {school_code} 出现了 {len(rows)} 次")
    rooms = [{k: v for k, v in r.items() if k not in ("year", "school_code")}
             for r in json_rows(ROOMS, ds.rooms) if r.get("school_code") == school_code]
    return rows[0], rooms


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    problems: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise WorkflowError("请选择要上传的文件")
            ds = read_upload(upload)
            _, count = services.import_county(ds, year, acc.county, acc, request)
            messages.success(request, f"已导入 {count} 所学校的数据（审核通过）")
            _notices(request, ds)
            return redirect("schools", year=year)
        except InvalidInput as exc:
            problems = [p.message for p in exc.problems]
        except WorkflowError as exc:
            problems = [str(exc)]
    return render(request, "web/import.html", {"cy": cy, "year": year, "problems": problems},
                  status=400 if problems else 200)


@require_role(*COUNTY_ROLES)
@require_http_methods(["GET", "POST"])
def county_data_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    fixed = {"year": year, "county_code": cy.county.code or None, "county_name": cy.county.name}
    values = forms.displayed(cy.county_values or fixed)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        if acc.role != Role.BUREAU:
            raise PermissionDenied("仅教育局管理员可以修改县级指标")
        values = forms.posted_values(request.POST, COUNTY, fixed)
        school = Submission.objects.filter(school__county=cy.county_id, year=year).first()
        try:
            if school is None:
                raise InvalidInput([InputProblem("请先导入或填报至少一所学校的数据，再填写县级指标")])
            services.save_county_values(acc, cy, check_county(values, school.values), request)
            messages.success(request, "县级指标已保存")
            return redirect("county_data", year=year)
        except InvalidInput as exc:
            errors, general = exc.by_field(), exc.general()
    return render(request, "web/county.html", {"cy": cy, "year": year, "fields": forms.county_fields(),
                                               "values": values, "errors": errors, "general": general,
                                               "may_edit": acc.role == Role.BUREAU},
                  status=400 if errors or general else 200)


@require_role(*ALL_ROLES)
@require_GET
def school_results(request: HttpRequest, acc: Account, year: int, code: str) -> HttpResponse:
    cy = collection_year(acc, year)
    school = school_for(acc, code)
    result, reason = result_of(cy, official=True)
    grid = dashboard.unit_grid(result, school.code) if result else None
    checks = next((s.get("checks", {}) for s in (result or {}).get("schools", []) if s.get("school_code") == code), {})
    page, query = paged(request, visible_problems(acc).filter(year=year, school=school))
    return render(request, "web/school_results.html", {"cy": cy, "year": year, "school": school, "grid": grid,
                                                       "checks": checks, "reason": reason,
                                                       "problems": page.object_list, "page": page, "query": query})
