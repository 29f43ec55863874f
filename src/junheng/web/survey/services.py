"""The bureau's state changes on a survey. Each is one transaction, audited; edits carry the
survey's version and a stale one is refused (the form keeps what the user typed)."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from junheng.survey import AREAS, SchoolInfo, load_params, plan_sample
from junheng.survey.plan import PlanError
from junheng.survey.questionnaire import (
    QUESTIONNAIRE_IDS,
    QUESTIONNAIRE_ZH,
    QuestionnaireError,
    default_text,
    parse,
)
from junheng.survey.results import percent
from junheng.web import audit
from junheng.web.models import Account, Problem, School, Status, Submission
from junheng.web.results import bump_revision, standard_of
from junheng.web.services import WorkflowError

from .models import Link, Response, Survey, SurveyState
from .tally import State


def _number(value, label: str, minimum: int = 0) -> int:
    try:
        number = int(str(value).strip() or "0")
    except ValueError:
        raise WorkflowError(f"{label}须为整数") from None
    if number < minimum or number > 100_000_000:
        raise WorkflowError(f"{label}须在 {minimum} 到 100000000 之间")
    return number


def residents_from(data) -> dict[str, int]:
    residents = {area: _number(data.get(f"residents_{area}", ""), f"{area}常住人口") for area in AREAS}
    if not any(residents.values()):
        raise WorkflowError("请填写城区、镇区、乡村常住人口（至少一项大于 0）")
    return residents


def school_infos(county_id: int, year: int) -> list[SchoolInfo]:
    """The county's schools with their 城乡类型, pupils and teachers from that year's data."""
    values = {s.school_id: s.values for s in Submission.objects.filter(
        school__county=county_id, year=year).exclude(status=Status.DRAFT)}
    infos = []
    for school in School.objects.filter(county=county_id).order_by("code"):
        v = values.get(school.id, {})
        infos.append(SchoolInfo(
            school.code, school.name, str(v.get("area_type") or ""),
            sum(int(v.get(k) or 0) for k in ("primary_students", "junior_students")),
            sum(int(v.get(k) or 0) for k in ("primary_teachers", "junior_teachers"))))
    return infos


def _sync_links(survey: Survey, plan: dict) -> None:
    """One link per quota; printed codes keep their token when the plan changes (old quotas → 0)."""
    schools = {s.code: s for s in School.objects.filter(county=survey.county_id)}
    existing = {(link.group, link.area, link.school.code if link.school_id else None): link
                for link in survey.links.select_related("school")}
    wanted = set()
    for q in plan["quotas"]:
        key = (q["group"], q["area"], q["school_code"])
        wanted.add(key)
        link = existing.get(key)
        if link is None:
            Link.objects.create(survey=survey, group=q["group"], area=q["area"],
                                school=schools.get(q["school_code"]) if q["school_code"] else None,
                                quota=q["count"], token=secrets.token_urlsafe(12))
        elif link.quota != q["count"]:
            link.quota = q["count"]
            link.save(update_fields=["quota"])
    survey.links.filter(pk__in=[link.pk for key, link in existing.items() if key not in wanted]).update(quota=0)


def _plan(survey: Survey, residents: dict[str, int]) -> dict:
    try:
        return plan_sample(residents, school_infos(survey.county_id, survey.year), load_params(survey.year)).to_dict()
    except PlanError as exc:
        raise WorkflowError(str(exc)) from None


@transaction.atomic
def create_survey(acc: Account, year: int, data, request: HttpRequest | None = None) -> Survey:
    if not 2000 <= year <= 2100:
        raise WorkflowError("年度须在 2000 到 2100 之间")
    if Survey.objects.filter(county=acc.county_id, year=year).exists():
        raise WorkflowError(f"{year} 年度的调查已经存在")
    residents = residents_from(data)
    params = load_params(year)
    survey = Survey(county=acc.county, year=year, residents=residents,
                    questionnaires={qid: default_text(qid) for qid in QUESTIONNAIRE_IDS},
                    min_seconds_per_item=Decimal(str(float(params["timing.min_seconds_per_item"]))),
                    per_address_per_minute=params.int("limits.per_address_per_minute"))
    survey.plan = _plan(survey, residents)
    survey.save()
    _sync_links(survey, survey.plan)
    audit.record(acc.user, "survey.create", request=request, county=acc.county, target=str(survey),
                 summary=f"创建社会认可度调查：样本 {survey.plan['total']} 份", after={"residents": residents})
    return survey


def _bump(survey: Survey, version, **changes) -> None:
    """Conditional update: only from the version the user saw."""
    try:
        seen = int(version)
    except (TypeError, ValueError):
        seen = -1
    done = Survey.objects.filter(pk=survey.pk, version=seen).update(version=F("version") + 1, **changes)
    if not done:
        raise WorkflowError("调查已被他人修改，请刷新页面后重新填写（您的输入已保留）")
    survey.refresh_from_db()


@transaction.atomic
def replan(acc: Account, survey: Survey, data, request: HttpRequest | None = None) -> Survey:
    residents = residents_from(data)
    plan = _plan(survey, residents)
    _bump(survey, data.get("version"), residents=residents, plan=plan)
    _sync_links(survey, plan)
    audit.record(acc.user, "survey.replan", request=request, county=survey.county, target=str(survey),
                 summary=f"重新计算抽样方案：样本 {plan['total']} 份", after={"residents": residents})
    return survey


@transaction.atomic
def set_state(acc: Account, survey: Survey, state: str, version, request: HttpRequest | None = None) -> Survey:
    if state not in SurveyState.values:
        raise WorkflowError("未知操作")
    _bump(survey, version, state=state, closed_at=timezone.now() if state == SurveyState.CLOSED else None)
    audit.record(acc.user, f"survey.{state}", request=request, county=survey.county, target=str(survey),
                 summary="结束调查（结果用于 S1 社会认可度）" if state == SurveyState.CLOSED else "重新开放调查")
    bump_revision(survey.county_id)
    return survey


@transaction.atomic
def set_visits(acc: Account, survey: Survey, data, request: HttpRequest | None = None) -> Survey:
    visited = _number(data.get("visited", ""), "实地走访人数")
    satisfied = _number(data.get("visit_satisfied", ""), "满意人数")
    if satisfied > visited:
        raise WorkflowError("满意人数不能多于实地走访人数")
    before = {"visited": survey.visited, "visit_satisfied": survey.visit_satisfied}
    _bump(survey, data.get("version"), visited=visited, visit_satisfied=satisfied)
    audit.record(acc.user, "survey.visits", request=request, county=survey.county, target=str(survey),
                 summary="填写实地走访人数和满意人数", before=before,
                 after={"visited": visited, "visit_satisfied": satisfied})
    bump_revision(survey.county_id)
    return survey


@transaction.atomic
def set_official(acc: Account, survey: Survey, data, request: HttpRequest | None = None) -> Survey:
    """The national survey's figure: it takes precedence over the county's own rate for S1."""
    text = str(data.get("official_rate", "")).strip().rstrip("%")
    source = str(data.get("official_source", "")).strip()[:200]
    if text:
        try:
            rate = Decimal(text)
        except InvalidOperation:
            raise WorkflowError("国家调查社会认可度须为 0 到 100 之间的百分数，如 91.36") from None
        if not rate.is_finite() or not 0 <= rate <= 100 or rate != rate.quantize(Decimal("0.01")):
            raise WorkflowError("国家调查社会认可度须为 0 到 100 之间的百分数，最多两位小数，如 91.36")
        if not source:
            raise WorkflowError("请填写国家调查结果的出处（如反馈意见文号）")
    else:
        rate, source = None, ""
    before = {"official_rate": str(survey.official_rate) if survey.official_rate is not None else None,
              "official_source": survey.official_source}
    _bump(survey, data.get("version"), official_rate=rate, official_source=source)
    audit.record(acc.user, "survey.official", request=request, county=survey.county, target=str(survey),
                 summary="导入国家调查社会认可度" if rate is not None else "撤销国家调查社会认可度", before=before,
                 after={"official_rate": str(rate) if rate is not None else None, "official_source": source})
    bump_revision(survey.county_id)
    return survey


@transaction.atomic
def set_questionnaire(acc: Account, survey: Survey, qid: str, text: str, version,
                      request: HttpRequest | None = None) -> Survey:
    if qid not in QUESTIONNAIRE_IDS:
        raise WorkflowError("没有这份问卷")
    if Response.objects.filter(survey=survey, questionnaire=qid).exists():
        raise WorkflowError(f"{QUESTIONNAIRE_ZH[qid]}已有答卷，不能再修改题目；如需修改请新建下一年度的调查")
    text = text.replace("\r\n", "\n")
    try:
        parse(text, qid)
    except QuestionnaireError as exc:
        raise WorkflowError(f"{QUESTIONNAIRE_ZH[qid]}：{exc}") from None
    _bump(survey, version, questionnaires={**survey.questionnaires, qid: text})
    audit.record(acc.user, "survey.questionnaire", request=request, county=survey.county, target=str(survey),
                 summary=f"修改{QUESTIONNAIRE_ZH[qid]}")
    return survey


@transaction.atomic
def set_rules(acc: Account, survey: Survey, data, request: HttpRequest | None = None) -> Survey:
    """This survey's minimum answering time and per-address limit (a parents' meeting on one school
    network may need a higher limit than the default)."""
    try:
        per_item = Decimal(str(data.get("min_seconds_per_item", "")).strip())
    except InvalidOperation:
        raise WorkflowError("最短答题时间须为数字（秒/题），如 2") from None
    if not per_item.is_finite() or not 0 <= per_item <= 60 or per_item != per_item.quantize(Decimal("0.1")):
        raise WorkflowError("最短答题时间须在 0 到 60 秒/题之间，最多一位小数")
    limit = _number(data.get("per_address_per_minute", ""), "同一网络地址每分钟最多提交份数", minimum=1)
    before = {"min_seconds_per_item": str(survey.min_seconds_per_item), "per_address_per_minute": survey.per_address_per_minute}
    _bump(survey, data.get("version"), min_seconds_per_item=per_item, per_address_per_minute=limit)
    audit.record(acc.user, "survey.rules", request=request, county=survey.county, target=str(survey),
                 summary="修改最短答题时间或同一网络地址提交频率上限", before=before,
                 after={"min_seconds_per_item": str(per_item), "per_address_per_minute": limit})
    return survey


@transaction.atomic
def rotate_link(acc: Account, survey: Survey, data, request: HttpRequest | None = None) -> Link:
    """A new token for one QR code (its link was posted where it should not be): the old code stops working."""
    link = survey.links.select_related("school").filter(token=str(data.get("token", ""))[:32]).first()
    if link is None:
        raise WorkflowError("没有这个二维码")
    old = link.token
    link.token = secrets.token_urlsafe(12)
    link.save(update_fields=["token"])
    audit.record(acc.user, "survey.rotate", request=request, county=survey.county, target=str(survey),
                 summary=f"更换二维码（原码作废）：{link}", before={"token": old[:4] + "…"})
    return link


@transaction.atomic
def raise_problems(acc: Account, state: State, chosen: list[str], request: HttpRequest | None = None) -> int:
    """The chosen low-satisfaction items become problems of the county's 问题清单 (one per item)."""
    survey = state.survey
    threshold = float(standard_of(survey.county).at(survey.year)["S1.min_rate"])
    created = 0
    for key in chosen:
        qid, _, item_id = key.partition(":")
        rate = state.summary.items.get((qid, item_id))
        if rate is None or rate.rate is None:
            continue
        value = float(rate.rate * 100)
        q = state.questionnaires[qid]
        number = [i.id for i in q.items].index(item_id) + 1
        _, made = Problem.objects.get_or_create(
            county=survey.county, year=survey.year, key=f"survey|{qid}|{item_id}",
            defaults={"source": "survey", "item": "S1", "kind": "survey_item", "value": value,
                      "standard": threshold, "shortfall": max(threshold - value, 0), "unit": "%",
                      "blocking": False, "raised_by": acc.user,
                      "message": f"社会认可度调查“{rate.topic}”满意度 {percent(rate.rate * 100)}"
                                 f"（{q.name}第 {number} 题：{rate.text}）"})
        created += made
    audit.record(acc.user, "survey.problems", request=request, county=survey.county, target=str(survey),
                 summary=f"把满意度较低的题目列入问题清单：新增 {created} 个", after={"items": chosen})
    return created
