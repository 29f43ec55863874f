"""实地督导 pages: the counties (home), a county's visits and draw, a school's phone checklist and
findings, the 整改通知 and the school's 整改报告."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from junheng.inspection.findings import rectification_deadline
from junheng.inspection.sampling import load_sampling_parameters
from junheng.web.access import ALL_ROLES, county_for, require_role, visible_counties
from junheng.web.forms import display, newer_values, posted_version
from junheng.web.models import Account, CollectionYear, Evidence, Role
from junheng.web.services import ConflictError, WorkflowError

from . import draws, files, services
from .access import VIEWING_ROLES, may_inspect, sampled_for, schools_hidden
from .models import ReportStatus, SampledSchool, Visit


@require_role(*ALL_ROLES, Role.CITY, Role.PROVINCE)
@require_GET
def home(request: HttpRequest, acc: Account) -> HttpResponse:
    if acc.role == Role.SCHOOL:
        mine = SampledSchool.objects.filter(school=acc.school_id).select_related("visit").order_by("-visit__visit_date")
        notices = mine.filter(findings__isnull=False).select_related("report")
        # From the notice date the school knows it will be visited (and not before).
        visits = mine.filter(findings__isnull=True, visit__notice_date__lte=timezone.localdate())
        return render(request, "onsite/mine.html", {"notices": notices, "visits": visits})
    counties = visible_counties(acc).order_by("code", "name")
    visits = {(row["county"], row["year"]): row["n"]
              for row in Visit.objects.filter(county__in=counties).values("county", "year").annotate(n=Count("id"))}
    years: dict[int, list[tuple[int, int]]] = {}
    for county_id, year in CollectionYear.objects.filter(county__in=counties).values_list("county_id", "year"):
        years.setdefault(county_id, []).append((year, visits.get((county_id, year), 0)))
    rows = [{"county": c, "years": years.get(c.pk, [])} for c in counties]
    return render(request, "onsite/home.html", {"rows": rows})


def _year(county, year: int) -> CollectionYear:
    cy = CollectionYear.objects.filter(county=county, year=year).select_related("county").first()
    if cy is None:
        raise Http404("该年度尚未开设")
    return cy


@require_role(*VIEWING_ROLES)
@require_http_methods(["GET", "POST"])
def county_year(request: HttpRequest, acc: Account, county: int, year: int) -> HttpResponse:
    cy = _year(county_for(acc, county), year)
    form, error = {}, ""
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("visit_date", "seed")}
        replacing = request.POST.get("replace") == "1"
        try:
            visit = draws.draw(acc, cy, draws.parse_date(form["visit_date"], "督导日期"), draws.parse_seed(form["seed"]),
                               replace_version=posted_version(request.POST) if replacing else None, request=request)
        except WorkflowError as exc:
            error = str(exc)
        else:
            messages.success(request, f"已抽取 {visit.schools.count()} 所学校（随机种子 {visit.seed}，已记录）")
            return redirect("onsite:county_year", county=county, year=year)
    params = load_sampling_parameters(year)
    visits = [_visit_card(acc, v) for v in Visit.objects.filter(county=cy.county_id, year=year)]
    return render(request, "onsite/county_year.html", {"cy": cy, "visits": visits, "form": form, "error": error,
                                                        "params": params, "rate": f"{float(params.rate):.0%}"}, status=400 if error else 200)


def _visit_card(acc: Account, visit: Visit) -> dict:
    hidden = schools_hidden(acc, visit)
    schools = [] if hidden else list(visit.schools.select_related("school", "report"))
    return {"visit": visit, "hidden": hidden, "may_inspect": may_inspect(acc, visit),
            "reproduces": None if hidden else draws.reproduces(visit),
            "strata": sorted(visit.strata.items()),
            "schools": [{"sampled": s, "checked": len(s.observed), "items": len(s.items),
                         "findings": None if s.findings is None else len(s.findings),
                         "stale": s.findings is not None and s.findings_version != s.version,
                         "report": getattr(s, "report", None)} for s in schools]}


@require_role(*VIEWING_ROLES)
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, acc: Account, pk: int) -> HttpResponse:
    sampled = sampled_for(acc, pk)
    typed, notes, errors, error, newer, status = None, None, {}, "", [], 200
    action = request.POST.get("action")
    if request.method == "POST":
        version = posted_version(request.POST)
        try:
            if action == "findings":  # what the form holds is saved first (nothing, if unchanged)
                deadline = draws.parse_date(request.POST.get("deadline", ""), "整改时限")
                if any(key.startswith("seen-") for key in request.POST):
                    version = services.save_checklist(acc, sampled, _posted(request, "seen"), _posted(request, "note"),
                                                      version, request).version
                found = services.generate_findings(acc, sampled, deadline, request.POST.get("issuer", ""), version,
                                                   request)
                messages.success(request, f"已生成核查发现 {len(found)} 项" + ("，已列入问题清单并生成整改通知" if found else
                                                                            "：实地核查与报送一致，无需整改"))
            else:
                services.save_checklist(acc, sampled, _posted(request, "seen"), _posted(request, "note"), version,
                                        request)
                messages.success(request, "核查表已保存")
            return redirect("onsite:checklist", pk=pk)
        except ConflictError as exc:
            typed, notes, error, newer, status = _posted(request, "seen"), _posted(request, "note"), str(exc), \
                newer_values(exc.newer), 409
            sampled.version = exc.version
        except services.ChecklistInputError as exc:
            typed, notes, errors, error, status = _posted(request, "seen"), _posted(request, "note"), exc.errors, \
                str(exc), 400
        except WorkflowError as exc:
            error, status = str(exc), 400
    typed = typed if typed is not None else {k: display(v) for k, v in sampled.observed.items()}
    notes = notes if notes is not None else sampled.notes
    rows = [{**item, "reported_text": display(item["reported"]) or "未报送", "typed": typed.get(item["field"], ""),
             "note": notes.get(item["field"], ""), "error": errors.get(item["field"], "")} for item in sampled.items]
    visit = sampled.visit
    default_deadline = sampled.deadline or rectification_deadline(visit.year, timezone.localdate())
    return render(request, "onsite/checklist.html", {
        "sampled": sampled, "visit": visit, "rows": rows, "error": error, "newer": newer,
        "may_inspect": may_inspect(acc, visit), "findings": sampled.findings,
        "stale": sampled.findings is not None and sampled.findings_version != sampled.version,
        "problem_links": acc.county_id == visit.county_id,
        "deadline": request.POST.get("deadline") or default_deadline.isoformat(),
        "issuer": request.POST.get("issuer") or sampled.issuer or f"{visit.county.name}实地督导组"}, status=status)


def _posted(request: HttpRequest, prefix: str) -> dict[str, str]:
    return {k.removeprefix(f"{prefix}-"): v for k, v in request.POST.items() if k.startswith(f"{prefix}-")}


@require_role(*ALL_ROLES, Role.CITY, Role.PROVINCE)
@require_GET
def notice(request: HttpRequest, acc: Account, pk: int) -> HttpResponse:
    sampled = sampled_for(acc, pk, school_may_see=True)
    if not sampled.findings:
        raise Http404("该校实地核查与报送一致，没有整改通知")
    return files.notice_response(sampled)


def _report_of(acc: Account, pk: int):
    sampled = sampled_for(acc, pk, school_may_see=True)
    report = getattr(sampled, "report", None)
    if report is None or not sampled.findings:  # none yet, or none left after a re-check
        raise Http404("该校没有需要整改的核查发现")
    return sampled, report


@require_role(*ALL_ROLES, Role.CITY, Role.PROVINCE)
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, acc: Account, pk: int) -> HttpResponse:
    sampled, rectification = _report_of(acc, pk)
    typed, error, newer, status = None, "", [], 200
    if request.method == "POST":
        action, version = request.POST.get("action"), posted_version(request.POST)
        try:
            if action == "return":
                services.return_report(acc, rectification, request.POST.get("reason", ""), version, request)
                messages.success(request, "整改报告已退回学校修改")
            else:
                services.save_report(acc, rectification, _posted(request, "answer"), version,
                                     submit=action == "submit", request=request)
                messages.success(request, "整改报告已提交" if action == "submit" else "整改报告已保存")
            return redirect("onsite:report", pk=pk)
        except ConflictError as exc:
            typed, error, newer, status = _posted(request, "answer"), str(exc), newer_values(exc.newer), 409
            rectification.version = exc.version
        except WorkflowError as exc:
            typed, error, status = _posted(request, "answer"), str(exc), 400
    answers = typed if typed is not None else rectification.answers
    evidence = {p: [] for p in (f["problem"] for f in sampled.findings)}
    for item in Evidence.objects.filter(problem__in=evidence).order_by("pk"):
        evidence[item.problem_id].append(item)
    rows = [{**f, "answer": answers.get(f["row"]["field"], ""), "evidence": evidence[f["problem"]]}
            for f in sampled.findings]
    is_school = acc.role == Role.SCHOOL
    return render(request, "onsite/report.html", {
        "sampled": sampled, "report": rectification, "rows": rows, "error": error, "newer": newer,
        "editable": is_school and rectification.editable, "may_return": not is_school
        and rectification.status == ReportStatus.SUBMITTED, "problem_links": acc.county_id == sampled.visit.county_id,
    }, status=status)


@require_role(*ALL_ROLES, Role.CITY, Role.PROVINCE)
@require_GET
def report_docx(request: HttpRequest, acc: Account, pk: int) -> HttpResponse:
    _, rectification = _report_of(acc, pk)
    if rectification.status != ReportStatus.SUBMITTED:
        raise Http404("整改报告尚未提交")
    return files.report_response(rectification)
