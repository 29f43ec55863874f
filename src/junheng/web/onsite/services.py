"""The state changes of a sampled school: its checklist, its findings (→ problems), its 整改报告.

Each is a conditional update on the version the user edited, inside a transaction; a stale one is
refused with the newer stored values named and nothing saved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from junheng.inspection.checklist import ChecklistError, CheckRow, checked_value
from junheng.inspection.findings import Finding, compare
from junheng.web import audit
from junheng.web.models import Account, Problem, ProblemStatus, Role
from junheng.web.services import DEADLINE_YEARS, ConflictError, WorkflowError

from .access import VIEWING_ROLES, may_inspect
from .models import RectificationReport, ReportStatus, SampledSchool

NOTE_MAX, ANSWER_MAX, ISSUER_MAX = 200, 2000, 100
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # would corrupt the Word files


class ChecklistInputError(WorkflowError):
    """Values that are not numbers; ``errors`` maps each field to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(f"有 {len(errors)} 项实地核查值无效，请按提示修改后再保存")
        self.errors = errors


def clean_text(text: str, limit: int) -> str:
    return CONTROL.sub("", text).strip()[:limit]


def _stale(kind: str, stored: Any, version: int | None, newer: dict[str, Any]) -> None:
    if version != stored.version:
        raise ConflictError(f"保存失败：您编辑期间，{kind}已被他人修改（当前为第 {stored.version} 版，您打开的是第 {version} 版）。"
                            "您填写的内容仍保留在页面上；请核对下列最新的值后再保存。", newer, stored.version)


def save_checklist(acc: Account, sampled: SampledSchool, typed: dict[str, str], notes: dict[str, str],
                   version: int | None, request: HttpRequest | None = None) -> SampledSchool:
    """Store the observed values (numbers; blank = not checked) and notes of the checklist; the
    same values again store nothing (the version, and so the notice built from it, stays)."""
    if not may_inspect(acc, sampled.visit):
        raise PermissionDenied("只有实地督导人员可以填写核查表")
    labels = {i["field"]: i["label"] for i in sampled.items}
    observed, errors = {}, {}
    for field, label in labels.items():
        try:
            value = checked_value(typed.get(field, ""), label)
        except ChecklistError as exc:
            errors[field] = str(exc)
            continue
        if value is not None:
            observed[field] = int(value) if value.is_integer() else value
    if errors:
        raise ChecklistInputError(errors)
    kept_notes = {f: clean_text(notes.get(f, ""), NOTE_MAX) for f in labels if notes.get(f, "").strip()}
    with transaction.atomic():
        stored = SampledSchool.objects.select_for_update(of=("self",)).get(pk=sampled.pk)
        if stored.observed == observed and stored.notes == kept_notes:
            _copy_stored(stored, sampled)
            return sampled
        newer = {labels[f]: stored.observed.get(f) for f in labels if stored.observed.get(f) != observed.get(f)}
        _stale("本校核查表", stored, version, newer)
        made = SampledSchool.objects.filter(pk=stored.pk, version=stored.version).update(
            observed=observed, notes=kept_notes, checked_by_name=acc.user.get_username(), checked_at=timezone.now(),
            version=F("version") + 1)
        if made != 1:
            raise WorkflowError("保存失败：核查表正被他人修改，请刷新后重试")
        old, new = audit.changed(stored.observed, observed)
        audit.record(acc.user, "onsite.checklist", request=request, county=sampled.visit.county,
                     target=str(sampled), summary="保存实地核查表", before=old, after=new)
    sampled.refresh_from_db()
    return sampled


def _copy_stored(stored: SampledSchool, sampled: SampledSchool) -> None:
    for name in ("observed", "notes", "version", "checked_by_name", "checked_at"):
        setattr(sampled, name, getattr(stored, name))


def check_rows(sampled: SampledSchool) -> list[CheckRow]:
    """The checklist as :func:`junheng.inspection.findings.compare` reads a filled workbook."""
    return [CheckRow(sampled.school.code, sampled.school.name, sampled.school.name, number, i["field"], i["label"],
                     i["reported"], sampled.observed.get(i["field"]), sampled.notes.get(i["field"], ""))
            for number, i in enumerate(sampled.items, start=1)]


def stored_findings(sampled: SampledSchool) -> list[Finding]:
    """The findings as generated (for the notice and the report), in checklist order."""
    return [Finding(CheckRow(**f["row"]), f["difference"], f["message"]) for f in sampled.findings or []]


def problem_key(sampled: SampledSchool, field: str) -> str:
    return f"onsite|{sampled.visit_id}|{sampled.school.code}|{field}"


def generate_findings(acc: Account, sampled: SampledSchool, deadline: dt.date, issuer: str, version: int | None,
                      request: HttpRequest | None = None) -> list[Finding]:
    """Compare the checklist at ``version`` (the one the user saw) with tolerances; each finding
    becomes (or updates) a problem of the school; a problem whose finding went away is marked.
    Running it again on the same checklist changes nothing."""
    if not may_inspect(acc, sampled.visit):
        raise PermissionDenied("只有实地督导人员可以生成核查发现")
    if not DEADLINE_YEARS[0] <= deadline.year <= DEADLINE_YEARS[1]:
        raise WorkflowError(f"整改时限“{deadline.isoformat()}”不合理")
    issuer = clean_text(issuer, ISSUER_MAX)
    if not issuer:
        raise WorkflowError("请填写发出整改通知的单位")
    with transaction.atomic():
        stored = SampledSchool.objects.select_for_update(of=("self",)).select_related("visit", "visit__county", "school").get(
            pk=sampled.pk)
        if version != stored.version:
            raise WorkflowError(f"未生成：核查表已被修改（当前为第 {stored.version} 版，您看到的是第 {version} 版），"
                                "请刷新页面核对后再生成核查发现")
        if not stored.observed:
            raise WorkflowError("核查表还没有填写任何实地核查值，不能生成核查发现")
        findings, _ = compare(check_rows(stored), stored.visit.year)
        problems = _sync_problems(acc, stored, findings, deadline)
        stored.findings = [{"row": asdict(f.row), "difference": f.difference, "message": f.message,
                            "problem": problems[f.row.field]} for f in findings]
        stored.findings_version, stored.deadline, stored.issuer = stored.version, deadline, issuer
        stored.findings_at = timezone.now()
        stored.save(update_fields=["findings", "findings_version", "deadline", "issuer", "findings_at"])
        if findings:
            _report_follows(stored)
        audit.record(acc.user, "onsite.findings", request=request, county=stored.visit.county, target=str(stored),
                     summary=f"生成核查发现 {len(findings)} 项（核查表第 {stored.version} 版）",
                     after={"findings": [f.message for f in findings], "deadline": deadline.isoformat()})
    sampled.refresh_from_db()
    return findings


def _report_follows(sampled: SampledSchool) -> None:
    """The school's report exists once there are findings; a report handed in before the findings
    changed goes back to the school to answer the new ones."""
    report, created = RectificationReport.objects.get_or_create(sampled=sampled)
    fields = {f["row"]["field"] for f in sampled.findings}
    if not created and report.status == ReportStatus.SUBMITTED and not fields <= set(report.answers):
        RectificationReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.RETURNED, return_reason="核查发现已更新，请对新增的核查发现填写整改情况后重新提交",
            version=F("version") + 1)


def _sync_problems(acc: Account, sampled: SampledSchool, findings: list[Finding], deadline: dt.date) -> dict[str, int]:
    """One problem per finding (field → problem id); unchanged ones are left as they are."""
    visit, school = sampled.visit, sampled.school
    items = {i["field"]: i for i in sampled.items}
    existing = {p.key: p for p in Problem.objects.select_for_update(of=("self",)).filter(
        county=visit.county_id, year=visit.year, source="onsite", key__startswith=problem_key(sampled, ""))}
    ids, found = {}, set()
    for finding in findings:
        key = problem_key(sampled, finding.row.field)
        found.add(key)
        wanted = {"message": finding.message, "value": finding.row.seen, "deadline": deadline, "resolved_in_data": False}
        problem = existing.get(key)
        if problem is None:
            problem = Problem.objects.create(
                county_id=visit.county_id, year=visit.year, school=school, source="onsite", key=key,
                item=items[finding.row.field]["item"][:10], kind="onsite", unit="", blocking=False,
                owner=school.name[:50], raised_by=acc.user, **wanted)
        elif problem.status != ProblemStatus.CLOSED and any(getattr(problem, k) != v for k, v in wanted.items()):
            Problem.objects.filter(pk=problem.pk).update(**wanted, version=F("version") + 1)
        ids[finding.row.field] = problem.pk
    for key, problem in existing.items():
        if key not in found and not problem.resolved_in_data:
            Problem.objects.filter(pk=problem.pk).update(resolved_in_data=True, version=F("version") + 1)
    return ids


def save_report(acc: Account, report: RectificationReport, answers: dict[str, str], version: int | None, *,
                submit: bool, request: HttpRequest | None = None) -> RectificationReport:
    """The school's answers; ``submit`` also hands the report in (every finding answered)."""
    if acc.role != Role.SCHOOL or acc.school_id != report.sampled.school_id:
        raise PermissionDenied("整改报告由被抽查学校填写")
    fields = [f["row"]["field"] for f in report.sampled.findings or []]
    kept = {f: clean_text(answers.get(f, ""), ANSWER_MAX) for f in fields}
    kept = {f: text for f, text in kept.items() if text}
    labels = {f["row"]["field"]: f["row"]["label"] for f in report.sampled.findings or []}
    with transaction.atomic():
        stored = RectificationReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
        _stale("整改报告", stored, version,
               {labels.get(f, f): stored.answers.get(f) for f in fields if stored.answers.get(f) != kept.get(f)})
        if not stored.editable:
            raise WorkflowError(f"整改报告{stored.get_status_display()}，不能修改")
        if submit and (missing := [labels[f] for f in fields if f not in kept]):
            raise WorkflowError(f"请逐项填写整改情况后再提交，尚未填写：{'、'.join(missing)}")
        changes: dict[str, Any] = {"answers": kept}
        if submit:
            changes |= {"status": ReportStatus.SUBMITTED, "submitted_at": timezone.now(),
                        "submitted_by_name": acc.user.get_username(), "return_reason": ""}
        made = RectificationReport.objects.filter(pk=stored.pk, version=stored.version).update(
            **changes, version=F("version") + 1)
        if made != 1:
            raise WorkflowError("保存失败：整改报告正被他人修改，请刷新后重试")
        audit.record(acc.user, "onsite.report.submit" if submit else "onsite.report.save", request=request,
                     county=report.sampled.visit.county, target=str(report.sampled),
                     summary="提交整改报告" if submit else "保存整改报告", after=kept)
    report.refresh_from_db()
    return report


def return_report(acc: Account, report: RectificationReport, reason: str, version: int | None,
                  request: HttpRequest | None = None) -> RectificationReport:
    """The bureau or the inspectors send a submitted report back with a reason."""
    if acc.role not in VIEWING_ROLES:
        raise PermissionDenied("无权退回整改报告")
    reason = clean_text(reason, ANSWER_MAX)
    if not reason:
        raise WorkflowError("退回时须填写退回原因")
    with transaction.atomic():
        made = RectificationReport.objects.filter(pk=report.pk, version=version, status=ReportStatus.SUBMITTED).update(
            status=ReportStatus.RETURNED, return_reason=reason, version=F("version") + 1)
        if made != 1:
            report.refresh_from_db()
            raise WorkflowError(f"操作未执行：整改报告刚被他人处理，当前状态为“{report.get_status_display()}”"
                                f"（第 {report.version} 版），请刷新页面后再决定")
        audit.record(acc.user, "onsite.report.return", request=request, county=report.sampled.visit.county,
                     target=str(report.sampled), summary=f"退回整改报告：{reason}")
    report.refresh_from_db()
    return report
