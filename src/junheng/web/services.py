"""The state changes the pages and the API share: submissions, imports, problems. Each is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from junheng.dataset import Dataset
from junheng.schema import COUNTY, MONITORING, ROOMS, SCHOOLS

from . import audit
from .models import (
    Account,
    CollectionYear,
    County,
    Evidence,
    Problem,
    ProblemStatus,
    Role,
    School,
    Status,
    Submission,
)
from .monitoring.year_checks import ready_for_review
from .results import bump_revision, json_rows

SCHOOL_CODE_MAX = School._meta.get_field("code").max_length
SCHOOL_NAME_MAX = School._meta.get_field("name").max_length


class WorkflowError(Exception):
    """A state change that is not allowed now; the message is Chinese and shown to the user."""


class ConflictError(WorkflowError):
    """Someone else saved first: the user's change is refused, never silently merged.

    ``newer`` holds the stored values that differ from what the user sent (field → value), and
    ``version`` the version to send to overwrite them deliberately.
    """

    def __init__(self, message: str, newer: dict[str, Any], version: int):
        super().__init__(message)
        self.newer, self.version = newer, version


def _state(sub: Submission) -> dict[str, Any]:
    return {"status": sub.status, "values": sub.values, "rooms": sub.rooms, "return_reason": sub.return_reason,
            "explanations": sub.explanations}


def submission_for(school: School, year: int) -> Submission:
    return Submission.objects.filter(school=school, year=year).first() or Submission(school=school, year=year)


def _stale(kind: str, stored: Any, version: int | None, newer: dict[str, Any]) -> ConflictError | None:
    if version is None or stored.version == version:
        return None
    return ConflictError(f"保存失败：您编辑期间，{kind}已被他人修改（当前为第 {stored.version} 版，您打开的是第 {version} 版）。"
                         "您填写的内容仍保留在页面上；请核对下列最新的值后再保存。", newer, stored.version)


def _collection_closed(sub: Submission) -> bool:
    return CollectionYear.objects.filter(county=sub.school.county_id, year=sub.year, is_open=False).exists()


def _counted(status: str | None) -> bool:
    return status in (Status.ACCEPTED, Status.SUBMITTED)


def save_values(acc: Account | None, sub: Submission, values: dict, rooms: list[dict],
                request: HttpRequest | None = None, status: str | None = None,
                version: int | None = None, explanations: dict[str, str] | None = None) -> Submission:
    """Store validated values; school users only while their submission is a draft or returned
    and the year is open. ``version`` is the version the user edited: a newer stored one is a
    conflict (:class:`ConflictError`), nothing is overwritten. ``explanations`` (the school's
    year-on-year explanations, by field) replace the stored ones when given."""
    user = acc.user if acc else None
    if acc is not None and acc.role == Role.INSPECTOR:
        raise PermissionDenied("督导专家只能查看数据")
    if len(rooms) > settings.SCHOOL_MAX_ROOMS:  # keeps every page of a school small and quick
        raise WorkflowError(f"专用教室共 {len(rooms)} 行，超过每校 {settings.SCHOOL_MAX_ROOMS} 间的上限；"
                            "请核对是否误填了其他学校或重复的行")
    with transaction.atomic():
        stored = Submission.objects.select_for_update().filter(school=sub.school_id, year=sub.year).first()
        if stored is None and sub.pk is not None:
            raise WorkflowError("该数据已被删除，请刷新页面")
        if stored is not None:
            if conflict := _stale("本校数据", stored, version, _differences(stored, values, rooms)):
                raise conflict
        current = stored or sub
        if acc is not None and acc.role == Role.SCHOOL:
            if current.pk and not current.editable_by_school:
                raise WorkflowError(f"数据{current.get_status_display()}，不能修改；如需修改请联系教育局退回")
            if _collection_closed(current):
                raise WorkflowError(f"{current.year} 年度填报已关闭，不能修改；如需修改请联系教育局")
        if acc is not None and acc.role == Role.BUREAU and current.status == Status.ACCEPTED and status is None:
            raise WorkflowError("数据已审核通过，如需修改请先退回")
        before = _state(current) if current.pk else {}
        was_counted = current.pk is not None and _counted(current.status)
        current.values, current.rooms = values, rooms
        if explanations is not None:
            current.explanations = explanations
        if status:
            current.status = status
            if status == Status.ACCEPTED:
                current.accepted_at = timezone.now()
        if current.pk:
            changed = Submission.objects.filter(pk=current.pk, version=current.version).update(
                values=values, rooms=rooms, explanations=current.explanations, status=current.status,
                accepted_at=current.accepted_at,
                updated_at=timezone.now(), version=F("version") + 1)
            if changed != 1:  # only when the lock above is not a lock (never on PostgreSQL or SQLite IMMEDIATE)
                raise WorkflowError("保存失败：数据正被他人修改，请刷新后重试")
            current.version += 1
        else:
            try:
                with transaction.atomic():
                    current.save()
            except IntegrityError:
                raise WorkflowError("保存失败：该校数据刚被他人创建，请刷新页面后核对再保存") from None
        old, new = audit.changed(before, _state(current))
        audit.record(user, "submission.save", request=request, county=current.school.county,
                     target=f"{current.school} {current.year} 年度", summary="保存学校填报数据", before=old, after=new)
        if was_counted or _counted(current.status):
            bump_revision(current.school.county_id)
    _copy(current, sub)
    return sub


def _copy(source, target) -> None:
    """The caller's object shows what was stored (fields only, not Django's internal state)."""
    if source is not target:
        target.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_")})


def _differences(stored: Submission, values: dict, rooms: list[dict]) -> dict[str, Any]:
    newer = {k: v for k, v in stored.values.items() if values.get(k) != v}
    if stored.rooms != rooms:
        newer["专用教室"] = stored.rooms
    return newer


# from-status → to-status → roles allowed to make the move
SUBMISSION_MOVES: dict[str, dict[str, tuple[str, ...]]] = {
    Status.DRAFT: {Status.SUBMITTED: (Role.SCHOOL, Role.BUREAU)},
    Status.RETURNED: {Status.SUBMITTED: (Role.SCHOOL, Role.BUREAU)},
    Status.SUBMITTED: {Status.ACCEPTED: (Role.BUREAU,), Status.RETURNED: (Role.BUREAU,)},
    Status.ACCEPTED: {Status.RETURNED: (Role.BUREAU,)},
}


def move_submission(acc: Account, sub: Submission, to: str, reason: str = "",
                    request: HttpRequest | None = None, version: int | None = None) -> Submission:
    """draft → submitted → returned (with reason) / accepted; the bureau may return accepted data.

    A conditional update on the status (and on ``version``, the version the user decided on):
    of two opposite decisions sent at once exactly one is made, the other is refused.
    """
    if sub.pk is None or not sub.values:
        raise WorkflowError("尚未填报数据，不能提交")
    if version is not None and version != sub.version:
        raise _moved_meanwhile(sub)
    allowed = SUBMISSION_MOVES.get(sub.status, {}).get(to)
    if allowed is None:
        raise WorkflowError(f"当前状态为“{sub.get_status_display()}”，不能改为“{dict(Status.choices).get(to, to)}”")
    if acc.role not in allowed:
        raise PermissionDenied("无权执行此操作")
    if to == Status.RETURNED and not reason.strip():
        raise WorkflowError("退回时须填写退回原因")
    if to == Status.SUBMITTED and acc.role == Role.SCHOOL and _collection_closed(sub):
        raise WorkflowError(f"{sub.year} 年度填报已关闭")
    if to == Status.SUBMITTED and (missing := ready_for_review(sub)):
        raise WorkflowError("不能提交审核：" + "；".join(missing))
    before = {"status": sub.status, "return_reason": sub.return_reason}
    now = timezone.now()
    changes: dict[str, Any] = {"status": to, "return_reason": reason.strip() if to == Status.RETURNED else ""}
    if to == Status.SUBMITTED:
        changes["submitted_at"] = now
    if to == Status.ACCEPTED:
        changes["accepted_at"] = now
    with transaction.atomic():
        made = Submission.objects.filter(pk=sub.pk, status=sub.status, version=sub.version).update(
            **changes, updated_at=now, version=F("version") + 1)
        if made != 1:
            raise _moved_meanwhile(Submission.objects.get(pk=sub.pk))
        for k, v in changes.items():
            setattr(sub, k, v)
        sub.version += 1
        audit.record(acc.user, f"submission.{to}", request=request, county=sub.school.county,
                     target=f"{sub.school} {sub.year} 年度", summary=f"状态改为“{sub.get_status_display()}”",
                     before=before, after={"status": sub.status, "return_reason": sub.return_reason})
        bump_revision(sub.school.county_id)
    return sub


def _moved_meanwhile(current: Submission) -> WorkflowError:
    return WorkflowError(f"操作未执行：该数据刚被他人处理，当前状态为“{current.get_status_display()}”"
                         f"（第 {current.version} 版），请刷新页面后再决定")


def _county_of_rows(ds: Dataset, county: County | None) -> tuple[County, list[str]]:
    names = sorted(set(ds.schools.get_column("county_name").drop_nulls().to_list()))
    if county is None:
        if len(names) != 1:
            raise WorkflowError(f"数据须恰好包含一个县(区)，实际为：{'、'.join(names) or '无'}")
        county = County.objects.filter(name=names[0]).first()
        if county is None:
            codes = ds.schools.get_column("county_code").drop_nulls().unique().to_list()
            county = County.objects.create(name=names[0], code=codes[0] if len(codes) == 1 else "")
    strangers = [n for n in names if n != county.name]
    return county, strangers


@transaction.atomic
def import_county(ds: Dataset, year: int, county: County | None = None, acc: Account | None = None,
                  request: HttpRequest | None = None) -> tuple[CollectionYear, int]:
    """Store a whole-county data set as accepted submissions; all or nothing."""
    county, strangers = _county_of_rows(ds, county)
    if strangers:
        raise WorkflowError(f"数据中有其他县(区)的学校：{'、'.join(strangers)}；只能导入{county.name}的数据")
    years = sorted(set(ds.schools.get_column("year").drop_nulls().to_list()))
    if years != [year]:
        raise WorkflowError(f"数据的年度为 {'、'.join(map(str, years)) or '空'}，与所选年度 {year} 不符")
    cy, _ = CollectionYear.objects.get_or_create(county=county, year=year)
    if ds.county is not None:
        rows = [r for r in json_rows(COUNTY, ds.county) if r.get("county_name") == county.name and r.get("year") == year]
        cy.county_values = rows[0] if rows else {}
        cy.county_table_supplied = bool(rows)
    if ds.monitoring is not None:
        cy.monitoring_rows = [r for r in json_rows(MONITORING, ds.monitoring) if r.get("year") == year]
        cy.monitoring_supplied = True
    cy.save()
    rooms_by_school: dict[str, list[dict]] = {}
    for room in json_rows(ROOMS, ds.rooms):
        rooms_by_school.setdefault(room["school_code"], []).append(
            {k: v for k, v in room.items() if k not in ("year", "school_code")})
    count = 0
    for values in json_rows(SCHOOLS, ds.schools):
        if len(values["school_code"]) > SCHOOL_CODE_MAX:
            raise WorkflowError(f"学校标识码“{values['school_code']}”过长（最多 {SCHOOL_CODE_MAX} 位）")
        name = values["school_name"][:SCHOOL_NAME_MAX]  # the record's copy; the data keeps the full name
        school = School.objects.filter(code=values["school_code"]).first()
        if school is None:
            school = School.objects.create(code=values["school_code"], county=county, name=name)
        elif school.county_id != county.id:
            raise WorkflowError(f"学校标识码 {school.code} 已属于{school.county.name}")
        elif school.name != name:
            school.name = name
            school.save(update_fields=["name"])
        sub = submission_for(school, year)
        save_values(None, sub, values, rooms_by_school.get(school.code, []), request=request,
                    status=Status.ACCEPTED)
        count += 1
    audit.record(acc.user if acc else None, "import.county", request=request, county=county,
                 target=f"{county.name} {year} 年度", summary=f"导入全县数据：学校 {count} 所（审核通过）",
                 after={"schools": count, "source": ds.source})
    bump_revision(county.id)
    return cy, count


@transaction.atomic
def save_county_values(acc: Account, cy: CollectionYear, values: dict, request: HttpRequest | None = None) -> None:
    before = dict(cy.county_values)
    cy.county_values = values
    cy.county_table_supplied = True
    cy.save()
    old, new = audit.changed(before, values)
    audit.record(acc.user, "county.save", request=request, county=cy.county, target=str(cy),
                 summary="保存县级指标", before=old, after=new)
    bump_revision(cy.county_id)


PROBLEM_EDITABLE = ("owner", "measure", "deadline")
# A 整改时限 outside these years is a typo (0001-01-01, 20255-01-01), not a plan.
DEADLINE_YEARS = (2000, 2100)


def _problem_values(problem: Problem) -> dict[str, Any]:
    return {k: _plain(getattr(problem, k)) for k in PROBLEM_EDITABLE}


def update_problem(acc: Account, problem: Problem, changes: dict[str, Any],
                   request: HttpRequest | None = None, version: int | None = None) -> Problem:
    """Owner, measure and deadline: the bureau, or the school for its own problems.

    ``version`` is the version the user edited; a newer stored one is a :class:`ConflictError`
    naming the newer values, and nothing is saved.
    """
    if acc.role == Role.INSPECTOR:
        raise PermissionDenied("督导专家不能修改整改信息")
    deadline = changes.get("deadline")
    if deadline is not None and not DEADLINE_YEARS[0] <= deadline.year <= DEADLINE_YEARS[1]:
        raise WorkflowError(f"整改时限“{deadline.isoformat()}”不合理：年份须在 {DEADLINE_YEARS[0]} 到 {DEADLINE_YEARS[1]} 之间")
    with transaction.atomic():
        stored = Problem.objects.select_for_update().get(pk=problem.pk)
        wanted = {k: (None if k == "deadline" else "") if changes[k] is None else changes[k]  # a cleared text is ""
                  for k in PROBLEM_EDITABLE if k in changes}
        newer = {k: v for k, v in _problem_values(stored).items() if k in wanted and v != _plain(wanted[k])}
        if conflict := _stale("此问题的整改信息", stored, version, newer):
            raise conflict
        if stored.status == ProblemStatus.CLOSED:
            raise WorkflowError("问题已销号，不能修改")
        before = _problem_values(stored)
        made = Problem.objects.filter(pk=stored.pk, version=stored.version).update(**wanted, version=F("version") + 1)
        if made != 1:
            raise WorkflowError("保存失败：此问题正被他人修改，请刷新后重试")
        stored.refresh_from_db()
        old, new = audit.changed(before, _problem_values(stored))
        if old or new:
            audit.record(acc.user, "problem.edit", request=request, county=stored.county, target=_target(stored),
                         summary="修改整改信息", before=old, after=new)
    _copy(stored, problem)
    return problem


def move_problem(acc: Account, problem: Problem, to: str, note: str = "",
                 request: HttpRequest | None = None, version: int | None = None) -> Problem:
    """A conditional update on the status the user saw (and ``version``): of two opposite moves
    sent at once exactly one is made."""
    if version is not None and version != problem.version:
        raise _problem_moved(problem)
    if to not in problem.allowed_transitions(acc.role):
        raise WorkflowError(f"当前状态为“{problem.get_status_display()}”，"
                            f"不能改为“{dict(ProblemStatus.choices).get(to, to)}”")
    if to == ProblemStatus.SUBMITTED and not problem.evidence.exists():
        raise WorkflowError("提交核验前须上传佐证材料")
    before = problem.status
    closed_at = timezone.now() if to == ProblemStatus.CLOSED else None
    with transaction.atomic():
        made = Problem.objects.filter(pk=problem.pk, status=problem.status, version=problem.version).update(
            status=to, closed_at=closed_at, version=F("version") + 1)
        if made != 1:
            problem.refresh_from_db()
            raise _problem_moved(problem)
        problem.status, problem.closed_at = to, closed_at
        problem.version += 1
        audit.record(acc.user, f"problem.{to}", request=request, county=problem.county, target=_target(problem),
                     summary=f"状态改为“{problem.get_status_display()}”" + (f"：{note}" if note else ""),
                     before={"status": before}, after={"status": to})
    return problem


def _problem_moved(current: Problem) -> WorkflowError:
    return WorkflowError(f"操作未执行：此问题刚被他人处理，当前状态为“{current.get_status_display()}”"
                         f"（第 {current.version} 版），请刷新页面后再决定")


EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".ofd", ".zip")


def add_evidence(acc: Account, problem: Problem, upload, note: str = "", request: HttpRequest | None = None) -> Evidence:
    if acc.role == Role.INSPECTOR:
        raise PermissionDenied("督导专家不能上传佐证材料")
    if problem.status == ProblemStatus.CLOSED:
        raise WorkflowError("问题已销号，不能再上传佐证材料")
    if not upload.size:
        raise WorkflowError("佐证材料文件为空")
    suffix = Path(upload.name).suffix.lower()
    if suffix not in EVIDENCE_SUFFIXES:
        raise WorkflowError(f"不支持的佐证材料类型“{suffix or upload.name}”，可上传：{'、'.join(EVIDENCE_SUFFIXES)}")
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise WorkflowError(f"文件过大（上限 {settings.EVIDENCE_MAX_BYTES // (1024 * 1024)} MB）")
    name = upload.name.replace("/", "_").replace("\\", "_")[-150:]
    evidence = Evidence(problem=problem, original_name=name, note=note, uploaded_by=acc.user)
    evidence.file.save(name, upload, save=False)
    evidence.save()
    audit.record(acc.user, "problem.evidence", request=request, county=problem.county, target=_target(problem),
                 summary=f"上传佐证材料“{name}”", after={"file": name, "note": note})
    return evidence


def raise_finding(acc: Account, cy: CollectionYear, school: School | None, item: str, message: str,
                  request: HttpRequest | None = None) -> Problem:
    """An inspector's 复评反馈 becomes a problem in the list."""
    if acc.role not in (Role.INSPECTOR, Role.BUREAU):
        raise PermissionDenied("仅督导专家或教育局可以提出复评反馈")
    if not message.strip():
        raise WorkflowError("请填写问题描述")
    number = Problem.objects.filter(county=cy.county_id, year=cy.year, source="inspection").count() + 1
    problem = Problem.objects.create(
        county=cy.county, year=cy.year, school=school, source="inspection",
        key=f"inspection|{number}|{timezone.now():%Y%m%d%H%M%S%f}", item=item.strip()[:10],
        kind="review_finding", message=message.strip(), raised_by=acc.user, blocking=False,
    )
    audit.record(acc.user, "problem.finding", request=request, county=cy.county, target=_target(problem),
                 summary="提出复评反馈", after={"school": school.code if school else None, "item": item,
                                                 "message": message.strip()})
    return problem


def _target(problem: Problem) -> str:
    where = problem.school.name if problem.school else problem.county.name
    return f"问题 #{problem.pk} {where} {problem.item}"


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def add_school(acc: Account, code: str, name: str, request: HttpRequest | None = None) -> School:
    """A school of the bureau's county, so that its account can be created before any data."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise WorkflowError("请填写学校标识码和学校名称")
    if len(code) > SCHOOL_CODE_MAX or len(name) > SCHOOL_NAME_MAX:
        raise WorkflowError(f"学校标识码最多 {SCHOOL_CODE_MAX} 位，学校名称最多 {SCHOOL_NAME_MAX} 字")
    if School.objects.filter(code=code).exists():
        raise WorkflowError(f"学校标识码 {code} 已存在")
    school = School.objects.create(county=acc.county, code=code, name=name)
    audit.record(acc.user, "school.create", request=request, county=acc.county, target=str(school),
                 summary="添加学校", after={"code": code, "name": name})
    return school
