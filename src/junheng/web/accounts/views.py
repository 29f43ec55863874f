"""Signing in and out, passwords, API tokens, and the bureau's administration (years,
accounts, standard, audit log)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from junheng.digits import ascii_int

from .. import audit
from ..access import (
    ALL_ROLES,
    REVIEWER_ROLES,
    account_of,
    collection_year,
    require_role,
    visible_audit,
    visible_schools,
)
from ..models import (
    STANDARD_CHOICES,
    Account,
    ApiToken,
    CollectionYear,
    LoginFailure,
    Role,
)
from ..services import WorkflowError
from . import services as admin

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
            audit.record(username or "（空用户名）", "login.locked", request=request, county=county_of_username(username),
                         summary="登录失败次数过多，已暂时锁定")
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            acc = account_of(user)
            audit.record(user, "login", request=request, county=acc.county if acc else None, summary="登录")
            return redirect(request.GET.get("next") if _safe_next(request) else "home")
        else:
            LoginFailure.objects.create(username=username, ip=ip)
            audit.record(username or "（空用户名）", "login.failed", request=request, county=county_of_username(username),
                         summary="登录失败")
    return render(request, "web/login.html", {"form": form, "locked": locked,
                                              "minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
                  status=429 if locked else 200)


def county_of_username(username: str):
    """A failed sign-in of a known account belongs to that account's county's log."""
    found = Account.objects.filter(user__username=username).select_related("county").first()
    return found.county if found else None


def _safe_next(request: HttpRequest) -> bool:
    target = request.GET.get("next")
    return bool(target) and url_has_allowed_host_and_scheme(target, {request.get_host()})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, "logout", request=request, summary="退出登录")
    logout(request)
    return redirect("login")


@require_role(*ALL_ROLES, *REVIEWER_ROLES)
def password_view(request: HttpRequest, acc: Account) -> HttpResponse:
    form = PasswordChangeForm(acc.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        revoked = ApiToken.revoke_all(acc.user)  # a token taken with the old password dies with it
        audit.record(acc.user, "password.change", request=request, county=acc.county,
                     summary="修改密码" + (f"，撤销 API 令牌 {revoked} 个" if revoked else ""))
        messages.success(request, "密码已修改")
        return redirect("home")
    return render(request, "web/password.html", {"form": form})


@require_role(*ALL_ROLES, *REVIEWER_ROLES)
def home(request: HttpRequest, acc: Account) -> HttpResponse:
    if acc.role in REVIEWER_ROLES:
        return redirect("review:rollup")
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



# ── administration (bureau) ───────────────────────────────────────────────────────────────────


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def years_view(request: HttpRequest, acc: Account) -> HttpResponse:
    if request.method == "POST":
        try:
            admin.change_year(acc, request.POST, request)
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
            admin.change_user(acc, request.POST, request)
            messages.success(request, "已保存")
        except WorkflowError as exc:
            messages.error(request, str(exc))
        return redirect("users")
    accounts = Account.objects.filter(county=acc.county_id).select_related("user", "school").order_by("role", "user__username")
    roles = [(value, label) for value, label in Role.choices if value in ALL_ROLES]  # reviewers: the CLI
    return render(request, "web/users.html", {"accounts": accounts, "roles": roles,
                                              "schools": visible_schools(acc)})


@require_role(Role.BUREAU)
@require_http_methods(["GET", "POST"])
def standard_view(request: HttpRequest, acc: Account) -> HttpResponse:
    county = acc.county
    error = ""
    if request.method == "POST":
        try:
            admin.change_standard(acc, request.POST.get("standard_id", ""), request.POST.get("profile_yaml", ""),
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
    """The log, newest first, 50 a page, filtered by who, what kind of action, target text and dates."""
    entries, filters = audit_filtered(visible_audit(acc), request.GET)
    page = Paginator(entries.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={quote(v)}" for k, v in filters.items() if v)
    return render(request, "web/audit.html", {"page": page, "filters": filters, "query": query,
                                              "kinds": AUDIT_KINDS})


# The first word of an action (``submission.accepted`` → ``submission``), for the filter's list.
AUDIT_KINDS = [("submission", "填报与审核"), ("problem", "问题整改"), ("problems", "问题清单同步"),
               ("import", "导入"), ("county", "县级指标"), ("login", "登录"), ("logout", "退出"),
               ("password", "修改密码"), ("user", "账号"), ("token", "API 令牌"), ("year", "年度"),
               ("school", "学校"), ("standard", "评估标准"), ("review", "市省复核")]


def audit_filtered(entries, query) -> tuple:
    filters = {k: query.get(k, "").strip()[:100] for k in ("actor", "kind", "target", "since", "until")}
    if filters["actor"]:
        entries = entries.filter(actor_name=filters["actor"])
    if filters["kind"] in dict(AUDIT_KINDS):
        entries = entries.filter(action__startswith=filters["kind"] + ".") | entries.filter(action=filters["kind"])
    if filters["target"]:
        entries = entries.filter(target__contains=filters["target"])
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        try:
            entries = entries.filter(**{lookup: dt.date.fromisoformat(filters[key])}) if filters[key] else entries
        except ValueError:
            filters[key] = ""
    return entries, filters


@require_role(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def token_view(request: HttpRequest, acc: Account) -> HttpResponse:
    """The user's API tokens: issue one (shown once), list them, revoke one."""
    token = ""
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token_id = request.POST.get("id", "")
        found = acc.user.api_tokens.filter(pk=ascii_int(token_id) or 0,
                                           revoked_at__isnull=True)
        if found.update(revoked_at=timezone.now()):
            audit.record(acc.user, "token.revoke", request=request, county=acc.county, summary="撤销 API 令牌")
            messages.success(request, "令牌已撤销")
        return redirect("token")
    if request.method == "POST":
        token = ApiToken.issue(acc.user)
        audit.record(acc.user, "token.create", request=request, county=acc.county, summary="创建 API 令牌")
    return render(request, "web/token.html", {"token": token, "tokens": acc.user.api_tokens.all()[:50],
                                              "days": settings.API_TOKEN_DAYS})
