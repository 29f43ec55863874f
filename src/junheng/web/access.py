"""Who may see what. Every view and API route asks these functions; a school user never gets
another school's objects (they are 404, not 403, so that codes cannot be probed)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from .models import Account, AuditEntry, CollectionYear, County, Problem, Role, School, Submission


def account_of(user) -> Account | None:
    """The user's account with its county and school, read once per request (the page, its menu
    and its header all ask)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_junheng_account"):
        user._junheng_account = Account.objects.select_related("county", "school").filter(user=user).first()
    return user._junheng_account


def require_role(*roles: str):
    """Login, an account and one of ``roles``; the account is passed to the view as ``acc``."""

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            acc = account_of(request.user)
            if acc is None or acc.role not in roles:
                raise PermissionDenied("无权访问")
            return view(request, acc, *args, **kwargs)

        return wrapped

    return decorate


ALL_ROLES = (Role.BUREAU, Role.SCHOOL, Role.INSPECTOR)
COUNTY_ROLES = (Role.BUREAU, Role.INSPECTOR)
# 市级复核 and 省级评估: read-only on the data of every county under their 行政区划 prefix.
REVIEWER_ROLES = (Role.CITY, Role.PROVINCE)


def visible_counties(acc: Account) -> QuerySet[County]:
    """The counties an account may look at: a reviewer's every county whose 县(区)代码 starts with
    its prefix (a reviewer with no prefix sees none), anyone else's own county."""
    if acc.role in REVIEWER_ROLES:
        if not acc.region_code:
            return County.objects.none()
        return County.objects.filter(code__startswith=acc.region_code)
    return County.objects.filter(pk=acc.county_id)


def county_for(acc: Account, pk: int) -> County:
    """One visible county, else 404 (as for schools: another region's counties cannot be probed)."""
    county = visible_counties(acc).filter(pk=pk).first()
    if county is None:
        raise Http404("没有这个县(区)")
    return county


def visible_schools(acc: Account) -> QuerySet[School]:
    if acc.role == Role.SCHOOL:
        return School.objects.filter(pk=acc.school_id)
    return School.objects.filter(county=acc.county_id)


def school_for(acc: Account, code: str) -> School:
    school = visible_schools(acc).filter(code=code).first()
    if school is None:
        raise Http404("没有这所学校")
    return school


def visible_submissions(acc: Account) -> QuerySet[Submission]:
    return Submission.objects.filter(school__in=visible_schools(acc)).select_related("school")


def visible_problems(acc: Account) -> QuerySet[Problem]:
    problems = Problem.objects.filter(county=acc.county_id).select_related("school")
    if acc.role == Role.SCHOOL:
        problems = problems.filter(school=acc.school_id)
    return problems


def problem_for(acc: Account, pk: int) -> Problem:
    problem = visible_problems(acc).filter(pk=pk).first()
    if problem is None:
        raise Http404("没有这个问题")
    return problem


def visible_audit(acc: Account) -> QuerySet[AuditEntry]:
    """The bureau's county: its entries, the sign-ins (also failed ones) of its accounts included
    (they are written with the account's county, so one index answers the newest-first pages)."""
    require_bureau(acc)
    return AuditEntry.objects.filter(county=acc.county_id)


def collection_year(acc: Account, year: int) -> CollectionYear:
    cy = CollectionYear.objects.filter(county=acc.county_id, year=year).select_related("county").first()
    if cy is None:
        raise Http404("该年度尚未开设")
    return cy


def require_bureau(acc: Account) -> None:
    if acc.role != Role.BUREAU:
        raise PermissionDenied("仅教育局管理员可以查看或执行此操作")


def navigation(request: HttpRequest) -> dict:
    """Template context: the account and the county's years for the menu."""
    acc = account_of(request.user)
    if acc is None:
        return {}
    if acc.role in REVIEWER_ROLES:  # no county: the menu of the reviewers' app
        return {"acc": acc, "nav_years": [], "is_reviewer": True}
    years = list(CollectionYear.objects.filter(county=acc.county_id).values_list("year", flat=True))
    # the newest year (the menu's links when a page has no year of its own); None before the first
    return {"acc": acc, "nav_years": years, "nav_year": years[0] if years else None, "is_bureau": acc.role == Role.BUREAU,
            "is_school": acc.role == Role.SCHOOL, "is_inspector": acc.role == Role.INSPECTOR}
