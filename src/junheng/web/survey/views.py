"""The bureau's survey pages (教育局管理员 changes; 督导专家 view and enter visit figures)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from junheng.survey import AREAS, GROUP_ZH, GROUPS
from junheng.survey.plan import GRADE_GROUPS, QUESTIONNAIRE_OF
from junheng.survey.questionnaire import QUESTIONNAIRE_IDS, QUESTIONNAIRE_ZH
from junheng.survey.results import percent, share
from junheng.web.access import COUNTY_ROLES, require_bureau, require_role
from junheng.web.models import Role
from junheng.web.services import WorkflowError

from . import export, services
from .feed import recognition_of
from .models import Link, Rejection, RejectReason, Survey
from .qr import qr_file, qr_svg
from .tally import State, params_of, state_of


def survey_for(acc, year: int) -> Survey:
    survey = Survey.objects.filter(county=acc.county_id, year=year).select_related("county").first()
    if survey is None:
        raise Http404("该年度尚未开设社会认可度调查")
    return survey


@require_http_methods(["GET", "POST"])
@require_role(*COUNTY_ROLES)
def home(request: HttpRequest, acc) -> HttpResponse:
    if request.method == "POST":
        require_bureau(acc)
        try:
            year = int(request.POST.get("year", ""))
        except ValueError:
            messages.error(request, "年度须为四位数字，如 2025")
        else:
            try:
                services.create_survey(acc, year, request.POST, request)
            except WorkflowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已创建 {year} 年度社会认可度调查")
                return redirect("survey:detail", year)
    surveys = Survey.objects.filter(county=acc.county_id)
    return render(request, "survey/home.html", {"surveys": surveys, "areas": AREAS, "form": request.POST})


def _progress_rows(state: State) -> dict:
    """Quota against valid answers per group, group and area, grade and school."""
    plan, summary = state.survey.plan, state.summary
    groups = [{"id": g, "name": GROUP_ZH[g], "quota": plan["groups"].get(g, 0),
               "valid": summary.groups[g].valid if g in summary.groups else 0,
               "rate": percent(share(summary.groups[g].rate)) if g in summary.groups else "—"} for g in GROUPS]
    by_area = {(r["group"], r["area"]): r["count"] for r in plan["by_area"]}
    areas = [{"name": GROUP_ZH[g], "cells": [(by_area.get((g, a), 0), summary.by_group_area.get((g, a), 0))
                                             for a in AREAS]} for g in GROUPS]
    grades = [{"group": GROUP_ZH[r["group"]], "grade": r["grade"], "quota": r["count"],
               "valid": summary.grades.get((r["group"], r["grade"]), 0)} for r in plan["grades"]]
    schools: dict[str, dict] = {}
    refused = dict(Rejection.objects.filter(survey=state.survey, link__school__isnull=False)
                   .values("link__school__code").annotate(n=Sum("count")).values_list("link__school__code", "n"))
    links = Link.objects.filter(survey=state.survey, school__isnull=False, quota__gt=0).select_related("school")
    for link in links:
        row = schools.setdefault(link.school.code, {"code": link.school.code, "name": link.school.name,
                                                    "area": link.area, "cells": {}, "quota": 0, "valid": 0})
        tally = summary.schools.get(link.school.code, {}).get(link.group)
        valid = tally.valid if tally else 0
        row["cells"][link.group] = (link.quota, valid)
        row["quota"] += link.quota
        row["valid"] += min(valid, link.quota)
    for code, row in schools.items():
        row["rate"] = percent(share(summary.school_total(code).rate))
        row["refused"] = refused.get(code, 0)
        row["missing"] = row["quota"] - row["valid"]
        row["ordered"] = [row["cells"].get(g) for g in ("parent", "student", "teacher", "principal")]
    for row in groups:
        row["missing"] = max(row["quota"] - row["valid"], 0)
    return {"groups": groups, "area_rows": areas, "grades": grades,
            "schools": sorted(schools.values(), key=lambda r: (-r["missing"], r["code"]))}


def _context(request: HttpRequest, acc, survey: Survey) -> dict:
    state = state_of(survey)
    recognition = recognition_of(survey.county_id, survey.year, state.table)
    rejected = [(reason.label, state.rejected.get(reason.value, 0)) for reason in RejectReason]
    items = sorted(state.summary.items.values(), key=lambda i: (i.rate is None, i.rate or 0, i.questionnaire, i.item_id))
    return {"survey": survey, "state": state, "table": [(label, value if unit != "%" else percent(value), unit)
                                                        for label, value, unit in state.table.rows()],
            "combined": percent(state.table.combined_rate), "recognition": recognition, "rejected": rejected,
            "items": [{"key": f"{i.questionnaire}:{i.item_id}", "questionnaire": QUESTIONNAIRE_ZH[i.questionnaire],
                       "id": i.item_id, "topic": i.topic, "text": i.text, "counted": i.counted,
                       "rate": percent(share(i.rate))} for i in items],
            "is_bureau": acc.role == Role.BUREAU, "areas": AREAS, **_progress_rows(state)}


@require_GET
@require_role(*COUNTY_ROLES)
def detail(request: HttpRequest, acc, year: int) -> HttpResponse:
    survey = survey_for(acc, year)
    context = _context(request, acc, survey)
    context["params"] = params_of(survey).rows()
    context["questionnaire_ids"] = [(qid, QUESTIONNAIRE_ZH[qid]) for qid in QUESTIONNAIRE_IDS]
    return render(request, "survey/detail.html", context)


@require_GET
@require_role(*COUNTY_ROLES)
def live(request: HttpRequest, acc, year: int) -> HttpResponse:
    return render(request, "survey/live.html", _context(request, acc, survey_for(acc, year)))


ACTIONS = {"replan": services.replan, "visits": services.set_visits, "official": services.set_official,
           "rotate": services.rotate_link, "rules": services.set_rules}


@require_POST
@require_role(*COUNTY_ROLES)
def action(request: HttpRequest, acc, year: int, name: str) -> HttpResponse:
    survey = survey_for(acc, year)
    if name != "visits":  # inspectors enter what they saw on their visits; everything else is the bureau's
        require_bureau(acc)
    try:
        if name in ("open", "closed"):
            services.set_state(acc, survey, name, request.POST.get("version"), request)
        elif name in ACTIONS:
            ACTIONS[name](acc, survey, request.POST, request)
        else:
            raise Http404("未知操作")
    except WorkflowError as exc:
        messages.error(request, str(exc))
        context = _context(request, acc, survey)
        context.update(params=params_of(survey).rows(), form=request.POST, failed=name,
                       questionnaire_ids=[(qid, QUESTIONNAIRE_ZH[qid]) for qid in QUESTIONNAIRE_IDS])
        return render(request, "survey/detail.html", context, status=400)
    messages.success(request, {"open": "调查已重新开放", "closed": "调查已结束，结果将用于 S1 社会认可度",
                               "replan": "已按新的常住人口重新计算抽样方案", "visits": "已保存实地走访情况",
                               "official": "已保存国家调查结果",
                               "rotate": "已更换二维码，原二维码已作废，请重新打印该码",
                               "rules": "已保存本调查的防刷票设置"}[name])
    return redirect("survey:detail", year)


@require_POST
@require_role(Role.BUREAU)
def problems(request: HttpRequest, acc, year: int) -> HttpResponse:
    survey = survey_for(acc, year)
    chosen = request.POST.getlist("item")
    if not chosen:
        messages.error(request, "请勾选要列入问题清单的题目")
        return redirect("survey:detail", year)
    created = services.raise_problems(acc, state_of(survey), chosen, request)
    messages.success(request, f"已列入问题清单 {created} 个问题（已在清单中的题目不重复列入）")
    return redirect("problems", year)


@require_http_methods(["GET", "POST"])
@require_role(*COUNTY_ROLES)
def questionnaire(request: HttpRequest, acc, year: int, qid: str) -> HttpResponse:
    survey = survey_for(acc, year)
    if qid not in QUESTIONNAIRE_IDS:
        raise Http404("没有这份问卷")
    text = survey.questionnaires.get(qid, "")
    status = 200
    if request.method == "POST":
        require_bureau(acc)
        text = request.POST.get("text", "")
        try:
            services.set_questionnaire(acc, survey, qid, text, request.POST.get("version"), request)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, f"已保存{QUESTIONNAIRE_ZH[qid]}")
            return redirect("survey:questionnaire", year, qid)
    return render(request, "survey/questionnaire.html", {"survey": survey, "qid": qid, "name": QUESTIONNAIRE_ZH[qid],
                                                         "text": text}, status=status)


def respond_url(request: HttpRequest, link: Link) -> str:
    return request.build_absolute_uri(reverse("survey:respond", args=[link.token]))


@require_GET
@require_role(Role.BUREAU)
def qr_sheets(request: HttpRequest, acc, year: int) -> HttpResponse:
    """One printable page per school (its groups' codes) and one per area for the county-wide groups."""
    survey = survey_for(acc, year)
    links = survey.links.filter(quota__gt=0).select_related("school")
    school = request.GET.get("school", "")
    if school:
        links = links.filter(school__code=school)
    pages: dict[str, dict] = {}
    for link in links:
        key = link.school.code if link.school_id else f"~{AREAS.index(link.area)}"
        page = pages.setdefault(key, {"title": link.school.name if link.school_id else f"{link.area}（全县）",
                                      "area": link.area, "codes": []})
        page["codes"].append({"group": GROUP_ZH[link.group], "quota": link.quota, "url": respond_url(request, link),
                              "svg": qr_svg(respond_url(request, link)), "token": link.token,
                              "questionnaire": QUESTIONNAIRE_ZH[QUESTIONNAIRE_OF[link.group]],
                              "grades": bool(GRADE_GROUPS.get(link.group))})
    order = {g: n for n, g in enumerate(GROUP_ZH.values())}
    for page in pages.values():
        page["codes"].sort(key=lambda c: order[c["group"]])
    return render(request, "survey/qr.html", {"survey": survey, "pages": [pages[k] for k in sorted(pages)]})


@require_GET
@require_role(Role.BUREAU)
def qr_image(request: HttpRequest, acc, year: int, token: str, kind: str) -> HttpResponse:
    survey = survey_for(acc, year)
    link = survey.links.filter(token=token).first()
    if link is None or kind not in ("svg", "png"):
        raise Http404("没有这个二维码")
    response = HttpResponse(qr_file(respond_url(request, link), kind),
                            content_type="image/svg+xml" if kind == "svg" else "image/png")
    response["Content-Disposition"] = f'attachment; filename="survey-{year}-{link.group}-{token[:6]}.{kind}"'
    return response


@require_GET
@require_role(*COUNTY_ROLES)
def export_xlsx(request: HttpRequest, acc, year: int) -> HttpResponse:
    survey = survey_for(acc, year)
    response = HttpResponse(export.workbook(state_of(survey)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{survey.county.name}{year}年度社会认可度调查.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"survey-{year}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response

