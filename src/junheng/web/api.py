"""The JSON API (django-ninja) at ``/api/``; OpenAPI at ``/api/openapi.json``.

Authentication: ``Authorization: Bearer <token>`` (tokens from ``junheng`` ``make_token`` or the
令牌 page). Every route reads through :mod:`junheng.web.access`, exactly like the pages, and
changes data only through :mod:`junheng.web.services` (same validation, same audit log).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Path, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer
from pydantic import BaseModel, field_validator
from pydantic import Field as PydanticField

from junheng.schema import SCHOOLS

from . import forms, services
from .access import (
    COUNTY_ROLES,
    account_of,
    collection_year,
    problem_for,
    school_for,
    visible_audit,
    visible_problems,
    visible_schools,
)
from .models import Account, ApiToken, Problem, ProblemStatus, Role, Submission
from .monitoring import year_checks
from .results import result_of
from .rows import InvalidInput, check_school

# Bounds keep generated or hostile numbers inside what every database stores (SQLite: 64 bits).
YEAR = Path(..., ge=1900, le=2100, description="学年起始年份，如 2024")
YEAR_FILTER = Query(None, ge=1900, le=2100, description="只列该年度")
ID = Path(..., ge=1, le=2**53)
CODE = Path(..., min_length=1, max_length=20, description="学校标识码")
LIMIT = Query(100, ge=1, le=1000)
OFFSET = Query(0, ge=0, le=2**53)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Account | None:
        """Only a token neither expired nor revoked (a password change revokes them all)."""
        found = ApiToken.valid().filter(digest=ApiToken.hash(token)).select_related("user").first()
        acc = account_of(found.user) if found else None
        if acc is None:
            return None
        now = timezone.now()
        if found.last_used is None or now - found.last_used > dt.timedelta(minutes=5):
            # At most one write per token every few minutes: reading the API must not become a
            # stream of writes competing with the users' changes for the database's write lock.
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.acc = acc
        return acc


api = NinjaAPI(title="junheng 优质均衡督导评估 API", version="1", auth=BearerToken(), urls_namespace="api",
               description="县域义务教育优质均衡发展督导评估：学校、填报数据、测算结果、问题清单、审计日志。")


# Request bodies are plain pydantic models: a ninja Schema also reads attributes off any object,
# so it would take a JSON array for an empty set of changes.


class Error(Schema):
    detail: str


class FieldError(Schema):
    message: str
    field: str | None = None


class InvalidOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ConflictOut(Schema):
    """409: the change was refused. After a stale save, ``newer`` holds the stored values that
    differ from the request and ``version`` the version to send to overwrite them deliberately."""

    detail: str
    newer: dict[str, Any] | None = None
    version: int | None = None


ERRORS = {400: InvalidOut, 401: Error, 403: Error, 404: Error, 409: ConflictOut, 422: InvalidOut}


@api.exception_handler(services.ConflictError)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc), "newer": exc.newer, "version": exc.version}, status=409)


@api.exception_handler(services.WorkflowError)
def _workflow(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(NinjaValidationError)
def _request_invalid(request, exc):
    """A request that does not match the document (wrong type, missing field): Chinese messages."""
    errors = [{"field": ".".join(str(part) for part in e.get("loc", ()) if part not in ("body", "query", "path"))
               or None, "message": _chinese(e)} for e in exc.errors]
    detail = "请求数据有误，未处理：" + "；".join(
        f"{e['field']}：{e['message']}" if e["field"] else e["message"] for e in errors[:5])
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _chinese(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    known = {
        "missing": "缺少此项", "json_invalid": "请求体不是有效的 JSON", "int_parsing": "须为整数",
        "int_type": "须为整数", "int_from_float": "须为整数", "float_parsing": "须为数字", "float_type": "须为数字",
        "bool_parsing": "须为 true 或 false", "bool_type": "须为 true 或 false", "string_type": "须为文本",
        "date_parsing": "须为日期，如 2025-08-31", "date_from_datetime_parsing": "须为日期，如 2025-08-31",
        "date_type": "须为日期，如 2025-08-31", "dict_type": "须为对象（{…}）", "model_type": "须为对象（{…}）",
        "model_attributes_type": "须为对象（{…}）", "list_type": "须为列表（[…]）",
        "less_than_equal": f"不能大于 {ctx.get('le')}", "greater_than_equal": f"不能小于 {ctx.get('ge')}",
        "less_than": f"须小于 {ctx.get('lt')}", "greater_than": f"须大于 {ctx.get('gt')}",
        "string_too_long": f"最多 {ctx.get('max_length')} 个字符", "string_too_short": f"至少 {ctx.get('min_length')} 个字符",
        "extra_forbidden": "不是可用的字段",
    }
    if kind in known:
        return known[kind]
    if kind == "value_error":  # our own validators already speak Chinese
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return f"格式不符（{kind or '未知'}）"


@api.exception_handler(InvalidInput)
def _invalid(request, exc):
    errors = [{"message": p.message, "field": p.field_id} for p in exc.problems]
    return api.create_response(request, {"detail": "数据有误，未保存", "errors": errors}, status=400)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


@api.exception_handler(Http404)
def _missing(request, exc):
    return api.create_response(request, {"detail": str(exc) or "不存在"}, status=404)


def _acc(request) -> Account:
    return request.auth


class Me(Schema):
    username: str
    role: str
    county: str
    school_code: str | None


@api.get("/me", response={200: Me, **ERRORS}, summary="当前用户")
def me(request):
    acc = _acc(request)
    return {"username": acc.user.username, "role": acc.role, "county": acc.county.name,
            "school_code": acc.school.code if acc.school else None}


class SchoolOut(Schema):
    code: str
    name: str
    county: str
    status: str | None = None


def _page(rows, response: HttpResponse, limit: int, offset: int):
    """``limit`` rows from ``offset`` of an ordered query set; the total in ``X-Total-Count``."""
    response["X-Total-Count"] = str(rows.count())
    return rows[offset:offset + limit]


@api.get("/schools", response={200: list[SchoolOut], **ERRORS},
         summary="学校列表（学校用户只看到本校；按标识码排序，分页：limit、offset，总数在 X-Total-Count）")
def schools(request, response: HttpResponse, year: int | None = YEAR_FILTER, limit: int = LIMIT,
            offset: int = OFFSET):
    acc = _acc(request)
    page = list(_page(visible_schools(acc).order_by("code"), response, limit, offset))
    statuses = {}
    if year is not None:
        statuses = dict(Submission.objects.filter(school__in=[s.id for s in page], year=year)
                        .values_list("school_id", "status"))
    return [{"code": s.code, "name": s.name, "county": acc.county.name, "status": statuses.get(s.id)}
            for s in page]


class SubmissionOut(Schema):
    school_code: str
    year: int
    status: str
    version: int
    values: dict[str, Any]
    rooms: list[dict[str, Any]]
    return_reason: str
    explanations: dict[str, str]


class SubmissionIn(BaseModel):
    values: dict[str, str | int | float | bool | None]
    rooms: list[dict[str, str | int | float | None]] = []
    version: int | None = PydanticField(None, ge=1, le=2**31, description="读取时的 version；他人已保存新版本时返回 409")
    explanations: dict[str, str] = PydanticField(
        {}, description="年度变化说明（字段 id → 一句话）：与上一年度相比变化超出核查比例或不应减少却减少的项目必填")


def _submission_out(sub: Submission) -> dict:
    return {"school_code": sub.school.code, "year": sub.year, "status": sub.status, "version": sub.version,
            "values": sub.values,
            "rooms": sub.rooms, "return_reason": sub.return_reason, "explanations": sub.explanations}


@api.get("/submissions/{year}/{code}", response={200: SubmissionOut, **ERRORS}, summary="一所学校一个年度的填报数据")
def get_submission(request, year: int = YEAR, code: str = CODE):
    acc = _acc(request)
    collection_year(acc, year)
    sub = Submission.objects.filter(school=school_for(acc, code), year=year).first()
    if sub is None:
        raise Http404("该校该年度尚未填报")
    return _submission_out(sub)


@api.put("/submissions/{year}/{code}", response={200: SubmissionOut, **ERRORS},
         summary="保存填报数据（与填报表单、导入模板相同的校验）")
def put_submission(request, body: SubmissionIn, year: int = YEAR, code: str = CODE):
    acc = _acc(request)
    collection_year(acc, year)
    school = school_for(acc, code)
    sub = services.submission_for(school, year)
    if acc.role == Role.INSPECTOR:
        raise PermissionDenied("督导专家只能查看数据")
    fixed = forms.fixed_school_values(school, year)
    values = {f.id: forms.display(body.values.get(f.id)) for f in SCHOOLS.fields}
    values.update({k: forms.display(v) for k, v in fixed.items()})
    rooms = [{k: forms.display(v) for k, v in r.items()} for r in body.rooms]
    typed, typed_rooms = check_school(values, rooms)
    given = {k: " ".join(str(v).split()) for k, v in body.explanations.items() if str(v).strip()}
    explanations = year_checks.explanations_for(typed, year_checks.last_accepted(school, year), given)
    return _submission_out(services.save_values(acc, sub, typed, typed_rooms, request=request, version=body.version,
                                                explanations=explanations))


class MoveIn(BaseModel):
    to: str
    reason: str = ""
    version: int | None = PydanticField(None, ge=1, le=2**31, description="作出决定时看到的 version；已被他人处理时返回 409")


@api.post("/submissions/{year}/{code}/status", response={200: SubmissionOut, **ERRORS},
          summary="提交审核 / 审核通过 / 退回")
def move_submission(request, body: MoveIn, year: int = YEAR, code: str = CODE):
    acc = _acc(request)
    collection_year(acc, year)
    sub = services.submission_for(school_for(acc, code), year)
    if body.to not in ("submitted", "accepted", "returned"):
        raise services.WorkflowError(f"未知状态“{body.to}”")
    return _submission_out(services.move_submission(acc, sub, body.to, body.reason, request, version=body.version))


@api.get("/evaluation/{year}", response={200: dict[str, Any], **ERRORS},
         summary="本县该年度测算结果（与 evaluate --json 相同的 JSON）")
def evaluation(request, year: int = YEAR, preview: bool = False):
    acc = _acc(request)
    if acc.role not in COUNTY_ROLES:
        raise PermissionDenied("全县测算结果仅教育局和督导专家可以查看")
    result, reason = result_of(collection_year(acc, year), official=not preview)
    if result is None:
        raise Http404(reason)
    return result


class ProblemOut(Schema):
    id: int
    version: int
    year: int
    school_code: str | None
    school_name: str | None
    stage: str
    item: str
    kind: str
    source: str
    message: str
    value: float | None
    standard: float | None
    shortfall: float | None
    unit: str
    owner: str
    measure: str
    deadline: dt.date | None
    status: str
    overdue: bool
    evidence: list[str]


def _problem_out(p: Problem) -> dict:
    return {"id": p.pk, "version": p.version, "year": p.year, "school_code": p.school.code if p.school else None,
            "school_name": p.school.name if p.school else None, "stage": p.stage, "item": p.item, "kind": p.kind,
            "source": p.source, "message": p.message, "value": p.value, "standard": p.standard,
            "shortfall": p.shortfall, "unit": p.unit, "owner": p.owner, "measure": p.measure,
            "deadline": p.deadline, "status": p.status, "overdue": p.overdue,
            "evidence": [e.original_name for e in p.evidence.all()]}


@api.get("/problems", response={200: list[ProblemOut], **ERRORS},
         summary="问题清单（学校用户只看到本校问题；分页：limit、offset，总数在 X-Total-Count）")
def problems(request, response: HttpResponse, year: int | None = YEAR_FILTER, status: str | None = None,
             limit: int = LIMIT, offset: int = OFFSET):
    found = visible_problems(_acc(request))
    if year is not None:
        found = found.filter(year=year)
    if status:
        found = found.filter(status=status)
    return [_problem_out(p) for p in _page(found, response, limit, offset).prefetch_related("evidence")]


class ProblemPatch(BaseModel):
    version: int | None = PydanticField(None, ge=1, le=2**31, description="读取时的 version；他人已修改时返回 409")
    status: str | None = None
    owner: str | None = PydanticField(None, max_length=50)
    measure: str | None = PydanticField(None, max_length=5000)
    deadline: dt.date | None = None

    @field_validator("deadline", mode="before")
    @classmethod
    def _iso_date_text(cls, value: Any) -> Any:
        """Only 2025-08-31 or null: pydantic would also read a number as seconds since 1970."""
        if value is not None and not isinstance(value, str | dt.date):
            raise ValueError("整改时限须为日期，如 2025-08-31")
        return value


@api.patch("/problems/{pk}", response={200: ProblemOut, **ERRORS}, summary="修改整改信息或状态")
def patch_problem(request, body: ProblemPatch, pk: int = ID):
    acc = _acc(request)
    problem = problem_for(acc, pk)
    changes = body.model_dump(exclude_unset=True)
    status = changes.pop("status", None)
    version = changes.pop("version", None)
    if acc.role == Role.INSPECTOR:
        raise PermissionDenied("督导专家不能修改整改信息")
    if changes:
        services.update_problem(acc, problem, changes, request, version=version)
        version = None if version is None else problem.version
    if status is not None:
        if status not in ProblemStatus.values:
            raise services.WorkflowError(f"未知状态“{status}”")
        services.move_problem(acc, problem, status, request=request, version=version)
    return _problem_out(problem)


@api.post("/problems/{pk}/evidence", response={200: ProblemOut, **ERRORS}, summary="上传佐证材料")
def add_evidence(request, pk: int = ID, file: File[UploadedFile] = None, note: Form[str] = ""):
    acc = _acc(request)
    problem = problem_for(acc, pk)
    if file is None:  # Django drops an empty file part: the same answer as for an empty file
        raise services.WorkflowError("佐证材料文件为空")
    services.add_evidence(acc, problem, file, note, request)
    return _problem_out(problem)


class AuditOut(Schema):
    at: dt.datetime
    actor: str
    ip: str | None
    action: str
    target: str
    summary: str
    before: Any = None
    after: Any = None


@api.get("/audit", response={200: list[AuditOut], **ERRORS}, summary="审计日志（仅教育局管理员）")
def audit_log(request, limit: int = LIMIT, offset: int = OFFSET):
    entries = visible_audit(_acc(request))[offset:offset + limit]
    return [{"at": e.at, "actor": e.actor_name, "ip": e.ip, "action": e.action, "target": e.target,
                  "summary": e.summary, "before": e.before, "after": e.after} for e in entries]
