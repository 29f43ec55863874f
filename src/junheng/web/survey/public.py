"""The respondent's page: no login, no session, no script. Reachable only through a link token;
nothing posted here can name another survey, county or page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from junheng.survey import GROUP_ZH

from .models import Link, RejectReason
from .respond import (
    REJECT_MESSAGES,
    Answering,
    FormProblem,
    Rejected,
    device_of,
    grade_choices,
    issue_ticket,
    min_seconds,
    questionnaire_for,
    remember_device,
    submit,
)

TOKEN_MAX = Link._meta.get_field("token").max_length


def _page(request: HttpRequest, link: Link, device: str, *, status: int = 200, **extra) -> HttpResponse:
    q = questionnaire_for(link)
    context = {"link": link, "q": q, "group": GROUP_ZH[link.group], "grades": grade_choices(link),
               "where": link.school.name if link.school_id else f"{link.survey.county.name}{link.area}",
               "county": link.survey.county.name, "year": link.survey.year,
               "ticket": extra.pop("ticket", None) or issue_ticket(link, device),
               "min_seconds": min_seconds(link.survey, q), **extra}
    context["items"] = [{"n": n, "item": item, "options": list(enumerate(item.scale.options)),
                         "chosen": str(context.get("answers", {}).get(item.id, ""))}
                        for n, item in enumerate(q.items, start=1)]
    return render(request, "survey/respond.html", context, status=status)


def _message(request: HttpRequest, link: Link, message: str, status: int, thanks: bool = False) -> HttpResponse:
    return render(request, "survey/message.html", {"message": message, "thanks": thanks,
                                                   "county": link.survey.county.name, "year": link.survey.year},
                  status=status)


# No CSRF cookie: there is no session to protect (anyone may answer), and a phone that refuses
# cookies must still be able to answer; the signed one-time ticket is what the form must carry.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > TOKEN_MAX:
        raise Http404("二维码无效")
    link = Link.objects.filter(token=token, quota__gt=0).select_related("survey__county", "school").first()
    if link is None:
        raise Http404("二维码无效或已停用，请联系发放二维码的学校或教育局")
    device, new_device = device_of(request)
    if request.method == "GET":
        if not link.survey.is_open:
            response = _message(request, link, REJECT_MESSAGES[RejectReason.CLOSED], 200)
        else:
            response = _page(request, link, device)
        if new_device:
            remember_device(response, device)
        return response
    q = questionnaire_for(link)
    raw = {item.id: request.POST.get(item.id, "")[:3] for item in q.items}  # only this questionnaire's items
    answering = Answering(link, q, raw, request.POST.get("grade", "")[:3],
                          request.POST.get("ticket", "")[:600], request.META.get("REMOTE_ADDR", ""))
    try:
        submit(answering)
    except Rejected as rejected:
        status = 429 if rejected.reason == RejectReason.RATE_LIMITED else 403
        return _message(request, link, rejected.message, status)
    except FormProblem as problem:
        return _page(request, link, device, status=400, ticket=answering.ticket, missing=problem.missing,
                     answers=answering.raw, grade=answering.grade)
    return _message(request, link, "提交成功，感谢您的参与！", 200, thanks=True)
