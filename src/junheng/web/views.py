"""The pages. Each view names the roles it serves (``require_role``) and reads objects through
:mod:`junheng.web.access`, so a school user only ever reaches its own school."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from junheng.io.template import IDENTITY_FIELDS
from junheng.schema import COUNTY, ROOMS, SCHOOLS

from . import audit, dashboard, downloads, forms, services
from .access import (
    ALL_ROLES,
    COUNTY_ROLES,
    account_of,
    collection_year,
    problem_for,
    require_role,
    school_for,
    visible_audit,
    visible_problems,
    visible_schools,
)
from .models import (
    STANDARD_CHOICES,
    Account,
    ApiToken,
    CollectionYear,
    LoginFailure,
    ProblemStatus,
    Role,
    Status,
    Submission,
)
from .results import json_rows, latest_state, result_of
from .rows import InputProblem, InvalidInput, check_county, check_school, read_upload
from .services import WorkflowError

# ── sign-in ───────────────────────────────────────────────────────────────────────────────────


def too_many_failures(username: str, ip: str | None) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(username=username, ip=ip, at__gte=since).count() >= settings.LOGIN_FAILURE_LIMIT


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    locked = False
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        ip = audit.client_ip(request)
        if too_many_failures(username, ip):
            locked = True
            audit.record(username or "（空用户名）", "login.locked", request=request, summary="登录失败次数过多，已暂时锁定")
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            acc = account_of(user)
            audit.record(user, "login", request=request, county=acc.county if acc else None, summary="登录")
            return redirect(request.GET.get("next") if _safe_next(request) else "home")
        else:
            LoginFailure.objects.create(username=username, ip=ip)
            audit.record(username or "（空用户名）", "login.failed", request=request, summary="登录失败")
    return render(request, "web/login.html", {"form": form, "locked": locked,
                                              "minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
                  status=429 if locked else 200)


def _safe_next(request: HttpRequest) -> bool:
    target = request.GET.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, {request.get_host()})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, "logout", request=request, summary="退出登录")
    logout(request)
    return redirect("login")


@require_role(*ALL_ROLES)
def password_view(request: HttpRequest, acc: Account) -> HttpResponse:
    form = PasswordChangeForm(acc.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        audit.record(acc.user, "password.change", request=request, county=acc.county, summary="修改密码")
        messages.success(request, "密码已修改")
        return redirect("home")
    return render(request, "web/password.html", {"form": form})


@require_role(*ALL_ROLES)
def home(request: HttpRequest, acc: Account) -> HttpResponse:
    latest = CollectionYear.objects.filter(county=acc.county_id).order_by("-year").first()
    if latest is None:
        return redirect("years") if acc.role == Role.BUREAU else render(request, "web/no_year.html")
    return redirect("year_home", year=latest.year)


@require_role(*ALL_ROLES)
def year_home(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    collection_year(acc, year)
    if acc.role == Role.SCHOOL:
        return redirect("school", year=year, code=acc.school.code)
    return redirect("dashboard", year=year)


# ── dashboard ─────────────────────────────────────────────────────────────────────────────────


@require_role(*COUNTY_ROLES)
def dashboard_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    official = request.GET.get("preview") != "1"
    return render(request, "web/dashboard.html", {
        "cy": cy, "year": year, "official": official, "result_html": dashboard.result_html(cy, official),
        "progress": dashboard.collection_progress(cy), "problem_counts": dashboard.problem_counts(cy)})


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
    subs = {s.school_id: s for s in Submission.objects.filter(school__county=acc.county_id, year=year)}
    rows = [{"school": s, "sub": subs.get(s.id)} for s in visible_schools(acc)]
    return render(request, "web/schools.html", {"cy": cy, "year": year, "rows": rows,
                                                "progress": dashboard.collection_progress(cy)})


def _fixed_school_values(school, cy: CollectionYear) -> dict:
    return {"year": cy.year, "county_code": cy.county.code or None, "county_name": cy.county.name,
            "school_code": school.code}


def _new_year_values(school, cy: CollectionYear) -> dict:
    """A first form of the year: who the school is, from its latest earlier year (as the template's prefill)."""
    earlier = Submission.objects.filter(school=school, year__lt=cy.year).exclude(values={}).order_by("-year").first()
    known = {k: v for k, v in earlier.values.items() if k in IDENTITY_FIELDS} if earlier else {"school_name": school.name}
    return {**known, **_fixed_school_values(school, cy)}


def _may_edit(acc: Account, sub) -> bool:
    if acc.role == Role.SCHOOL:
        return sub.pk is None or sub.editable_by_school
    return acc.role == Role.BUREAU and sub.status != Status.ACCEPTED


@require_role(*ALL_ROLES)
def school_view(request: HttpRequest, acc: Account, year: int, code: str) -> HttpResponse:
    cy = collection_year(acc, year)
    school = school_for(acc, code)
    sub = services.submission_for(school, year)
    may_edit = _may_edit(acc, sub)
    values = forms.displayed(sub.values or _new_year_values(school, cy))
    rooms = sub.rooms
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("当前不能修改数据")
        values = forms.posted_values(request.POST, SCHOOLS, _fixed_school_values(school, cy))
        posted_rooms = forms.posted_rooms(request.POST)
        try:
            typed, typed_rooms = check_school(values, posted_rooms)
            services.save_values(acc, sub, typed, typed_rooms, request=request)
            messages.success(request, "已保存。核对无误后请点击“提交审核”。" if acc.role == Role.SCHOOL else "已保存")
            return redirect("school", year=year, code=code)
        except InvalidInput as exc:
            errors, general = exc.by_field(), exc.general()
            rooms, status = posted_rooms, 400
        except WorkflowError as exc:
            general, status = [str(exc)], 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(request, "web/school.html", {
        "cy": cy, "year": year, "school": school, "sub": sub, "may_edit": may_edit,
        "sections": forms.school_sections(), "stages_by_type": forms.stages_by_school_type(), "values": values, "errors": errors, "general": general,
        "room_fields": forms.ROOM_FIELDS, "rooms": forms.room_rows(rooms, blank_rows=may_edit),
        "moves": _submission_moves(acc, sub),
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
        services.move_submission(acc, sub, request.POST.get("to", ""), request.POST.get("reason", ""), request)
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
    if not _may_edit(acc, sub):
        raise PermissionDenied("当前不能修改数据")
    upload = request.FILES.get("file")
    problems: list[str] = []
    if upload is None:
        problems = ["请选择要上传的文件"]
    else:
        try:
            ds = read_upload(upload)
            typed, rooms = _own_row(ds, school.code, year)
            typed.update({k: v for k, v in _fixed_school_values(school, cy).items() if v is not None})
            services.save_values(acc, sub, typed, rooms, request=request)
            messages.success(request, "已导入模板数据，请核对后提交审核")
            return redirect("school", year=year, code=code)
        except InvalidInput as exc:
            problems = [p.message for p in exc.problems]
        except WorkflowError as exc:
            problems = [str(exc)]
    return render(request, "web/upload_errors.html", {"year": year, "problems": problems,
                                                      "back": reverse("school", args=[year, code])}, status=400)


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
    problems = visible_problems(acc).filter(year=year, school=school)
    return render(request, "web/school_results.html", {"cy": cy, "year": year, "school": school, "grid": grid,
                                                       "checks": checks, "reason": reason, "problems": problems})


# ── problems and rectification ────────────────────────────────────────────────────────────────


@require_role(*ALL_ROLES)
@require_GET
def problems_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    result_of(cy, official=True)  # makes sure the list reflects the latest official evaluation
    problems = visible_problems(acc).filter(year=year)
    status, code = request.GET.get("status", ""), request.GET.get("school", "")
    if status in ProblemStatus.values:
        problems = problems.filter(status=status)
    if code:
        problems = problems.filter(school__code=code)
    if request.GET.get("overdue") == "1":
        problems = problems.filter(deadline__lt=timezone.localdate()).exclude(status=ProblemStatus.CLOSED)
    return render(request, "web/problems.html", {"cy": cy, "year": year, "problems": problems,
                                                 "status": status, "statuses": ProblemStatus.choices,
                                                 "school": code, "overdue": request.GET.get("overdue") == "1",
                                                 "schools": visible_schools(acc)})


@require_role(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def problem_view(request: HttpRequest, acc: Account, year: int, pk: int) -> HttpResponse:
    collection_year(acc, year)
    problem = problem_for(acc, pk)
    if problem.year != year:
        raise Http404("没有这个问题")
    if request.method == "POST":
        try:
            _problem_action(request, acc, problem)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("problem", year=year, pk=pk)
    moves = [{"to": to, "label": ProblemStatus(to).label} for to in problem.allowed_transitions(acc.role)]
    if acc.role == Role.INSPECTOR:
        moves = []
    may_edit = acc.role != Role.INSPECTOR and problem.status != ProblemStatus.CLOSED
    return render(request, "web/problem.html", {"year": year, "problem": problem, "moves": moves,
                                                "may_edit": may_edit, "evidence": problem.evidence.all()})


def _problem_action(request: HttpRequest, acc: Account, problem) -> None:
    action = request.POST.get("action")
    if action == "edit":
        deadline = request.POST.get("deadline", "").strip()
        try:
            deadline_date = dt.date.fromisoformat(deadline) if deadline else None
        except ValueError:
            raise WorkflowError(f"整改时限“{deadline}”不是有效日期") from None
        services.update_problem(acc, problem, {"owner": request.POST.get("owner", "").strip()[:50],
                                               "measure": request.POST.get("measure", "").strip(),
                                               "deadline": deadline_date}, request)
        messages.success(request, "整改信息已保存")
    elif action == "evidence":
        upload = request.FILES.get("file")
        if upload is None:
            raise WorkflowError("请选择佐证材料文件")
        services.add_evidence(acc, problem, upload, request.POST.get("note", "").strip()[:200], request)
        messages.success(request, "佐证材料已上传")
    elif action == "move":
        services.move_problem(acc, problem, request.POST.get("to", ""), request.POST.get("note", "").strip(), request)
        messages.success(request, f"状态已改为“{problem.get_status_display()}”")
    else:
        raise WorkflowError("未知操作")


@require_role(*ALL_ROLES)
@require_GET
def evidence_download(request: HttpRequest, acc: Account, year: int, pk: int, evidence_id: int) -> FileResponse:
    problem = problem_for(acc, pk)
    evidence = problem.evidence.filter(pk=evidence_id).first()
    if evidence is None or problem.year != year:
        raise Http404("没有这个文件")
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@require_role(Role.INSPECTOR, Role.BUREAU)
@require_http_methods(["GET", "POST"])
def finding_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    error = ""
    if request.method == "POST":
        code = request.POST.get("school", "")
        school = school_for(acc, code) if code else None
        try:
            problem = services.raise_finding(acc, cy, school, request.POST.get("item", ""),
                                             request.POST.get("message", ""), request)
            messages.success(request, "复评反馈已加入问题清单")
            return redirect("problem", year=year, pk=problem.pk)
        except WorkflowError as exc:
            error = str(exc)
    return render(request, "web/finding.html", {"year": year, "schools": visible_schools(acc), "error": error},
                  status=400 if error else 200)


@require_role(*ALL_ROLES)
@require_GET
def effects_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    result, _ = result_of(cy, official=True)
    rows = [{"problem": p, "now": latest_state(p, result)}
            for p in visible_problems(acc).filter(year=year, status=ProblemStatus.CLOSED)]
    return render(request, "web/effects.html", {"cy": cy, "year": year, "rows": rows})


# ── downloads ─────────────────────────────────────────────────────────────────────────────────


@require_role(*ALL_ROLES)
@require_GET
def download_view(request: HttpRequest, acc: Account, year: int, kind: str) -> HttpResponse:
    cy = collection_year(acc, year)
    if kind in ("problems", "effects"):
        problems = visible_problems(acc).filter(year=year)
        if kind == "effects":
            problems = problems.filter(status=ProblemStatus.CLOSED)
        return downloads.problem_list(cy, problems, closed_only=kind == "effects")
    if acc.role == Role.SCHOOL:
        raise PermissionDenied("全县测算表和报告仅教育局和督导专家可以下载")
    maker = downloads.ENGINE_OUTPUTS.get(kind)
    if maker is None:
        raise Http404("没有这种文件")
    return maker(cy)


@require_role(*COUNTY_ROLES)
@require_GET
def reports_view(request: HttpRequest, acc: Account, year: int) -> HttpResponse:
    cy = collection_year(acc, year)
    return render(request, "web/reports.html", {"cy": cy, "year": year, "outputs": downloads.OUTPUT_LABELS})


# ── administration (bureau) ───────────────────────────────────────────────────────────────────


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def years_view(request: HttpRequest, acc: Account) -> HttpResponse:
    if request.method == "POST":
        try:
            services.change_year(acc, request.POST, request)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("years")
    years = CollectionYear.objects.filter(county=acc.county_id)
    return render(request, "web/years.html", {"years": years, "this_year": timezone.localdate().year})


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def users_view(request: HttpRequest, acc: Account) -> HttpResponse:
    if request.method == "POST":
        try:
            services.change_user(acc, request.POST, request)
            messages.success(request, "已保存")
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("users")
    accounts = Account.objects.filter(county=acc.county_id).select_related("user", "school").order_by("role", "user__username")
    return render(request, "web/users.html", {"accounts": accounts, "roles": Role.choices,
                                              "schools": visible_schools(acc)})


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def standard_view(request: HttpRequest, acc: Account) -> HttpResponse:
    county = acc.county
    error = ""
    if request.method == "POST":
        try:
            services.change_standard(acc, request.POST.get("standard_id", ""), request.POST.get("profile_yaml", ""),
                                     request)
            messages.success(request, "评估标准已保存，各年度将按新标准重新测算")
            return redirect("standard")
        except WorkflowError as exc:
            error = str(exc)
            county.standard_id = request.POST.get("standard_id", county.standard_id)
            county.profile_yaml = request.POST.get("profile_yaml", "")
    return render(request, "web/standard.html", {"county": county, "choices": STANDARD_CHOICES, "error": error},
                  status=400 if error else 200)


@require_role(Role.BUREAU)
@require_GET
def audit_view(request: HttpRequest, acc: Account) -> HttpResponse:
    page = Paginator(visible_audit(acc).order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {"page": page})


@require_role(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def token_view(request: HttpRequest, acc: Account) -> HttpResponse:
    token = ""
    if request.method == "POST":
        token = ApiToken.issue(acc.user)
        audit.record(acc.user, "token.create", request=request, county=acc.county, summary="创建 API 令牌")
    return render(request, "web/token.html", {"token": token, "count": acc.user.api_tokens.count()})
