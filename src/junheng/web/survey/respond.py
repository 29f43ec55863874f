"""Answering without an account, and everything that keeps ballot-stuffing out of the rate.

A form is served with a signed one-time ticket (link, moment it was opened, device, nonce). On
submission, in one transaction that starts with a write (the address counter, so SQLite takes its
write lock at once): the survey must be open, the address under its rate limit, the ticket valid,
fresh, for this link and never used, the answering time not below the minimum, the answers
complete and not straight-lined, the device not over its limit, and the same answers not sent
from the same address too often. A refused answer only adds one to a counter per link and reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from math import ceil

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from junheng.digits import ascii_int
from junheng.survey.plan import GRADE_GROUPS, QUESTIONNAIRE_OF
from junheng.survey.questionnaire import Answers, Questionnaire, check_answers, straight_lined

from .models import AddressWindow, Link, Rejection, RejectReason, Response, Survey
from .tally import params_of, questionnaires_of

TICKET_SALT = "junheng.survey.ticket"
DEVICE_COOKIE = "jh_survey_device"
DEVICE_SALT = "junheng.survey.device"

REJECT_MESSAGES = {
    RejectReason.CLOSED: "本次调查已结束，不再接受答卷。感谢您的关注！",
    RejectReason.RATE_LIMITED: "提交过于频繁，请稍后再试。",
    RejectReason.BAD_TICKET: "问卷页面无效，请重新扫描二维码打开问卷。",
    RejectReason.EXPIRED: "问卷打开时间过长，已失效，请重新扫描二维码作答。",
    RejectReason.REUSED_TICKET: "这份问卷已经提交过，不能重复提交。",
    RejectReason.DEVICE_REPEAT: "本设备已提交过这份问卷，每人只需填写一次。感谢参与！",
    RejectReason.TOO_FAST: "答题时间过短，答卷未被采用。请重新扫描二维码，认真阅读每道题后作答。",
    RejectReason.STRAIGHT_LINING: "各题都选了同一位置的选项，与题意矛盾，答卷未被采用。请重新扫描二维码认真作答。",
    RejectReason.DUPLICATE: "同一网络中已收到多份完全相同的答卷，本答卷视为重复，未被采用。",
}


class Rejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return REJECT_MESSAGES[self.reason]


def keyed_hash(survey_id: int, kind: str, value: str) -> str:
    """A hash nobody can reverse or match across surveys without the server's secret key."""
    message = f"{kind}|{survey_id}|{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def device_of(request: HttpRequest) -> tuple[str, bool]:
    """The browser's random device id from its signed cookie; a new one (True) when it has none."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    if value and len(value) == 32:
        return value, False
    return secrets.token_hex(16), True


def remember_device(response, device: str) -> None:
    response.set_signed_cookie(DEVICE_COOKIE, device, salt=DEVICE_SALT, max_age=365 * 24 * 3600,
                               httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


def issue_ticket(link: Link, device: str, opened: float | None = None) -> str:
    return signing.dumps({"l": link.pk, "t": time.time() if opened is None else opened, "d": device,
                          "n": secrets.token_hex(16)}, salt=TICKET_SALT, compress=False)


def min_seconds(survey: Survey, q: Questionnaire) -> int:
    return ceil(len(q.items) * survey.min_seconds_per_item)


@dataclass
class Answering:
    link: Link
    questionnaire: Questionnaire
    raw: dict[str, str]
    grade: str
    ticket: str
    address: str  # the client address as the server saw it (hashed before it is stored)


@dataclass
class FormProblem(Exception):
    """Unanswered items or no grade: shown on the form, which keeps the answers; nothing counted."""

    missing: list[str]


def questionnaire_for(link: Link) -> Questionnaire:
    return questionnaires_of(link.survey)[QUESTIONNAIRE_OF[link.group]]


def grade_choices(link: Link) -> list[int]:
    pid = GRADE_GROUPS.get(link.group)
    return [int(g) for g in params_of(link.survey)[pid]] if pid else []


def _count_rejection(link: Link, reason: str) -> None:
    done = Rejection.objects.filter(survey=link.survey_id, link=link, reason=reason).update(count=F("count") + 1)
    if not done:
        try:
            with transaction.atomic():
                Rejection.objects.create(survey_id=link.survey_id, link=link, reason=reason, count=1)
        except IntegrityError:  # created meanwhile by another request
            Rejection.objects.filter(survey=link.survey_id, link=link, reason=reason).update(count=F("count") + 1)


def _address_count(survey: Survey, address: str) -> int:
    """Add this submission to the address's current minute and return the minute's count."""
    minute = timezone.now().replace(second=0, microsecond=0)
    window = AddressWindow.objects.filter(survey=survey, address=address, minute=minute)
    if not window.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                AddressWindow.objects.create(survey=survey, address=address, minute=minute, count=1)
        except IntegrityError:
            window.update(count=F("count") + 1)
    return window.values_list("count", flat=True).first() or 1


def submit(sub: Answering) -> Response:
    """Accept the answers or raise :class:`Rejected` (counted) or :class:`FormProblem` (not counted)."""
    with transaction.atomic():  # the address counter and a rejection's count are kept either way
        try:
            return _accept(sub)
        except Rejected as rejected:
            _count_rejection(sub.link, rejected.reason)
            failure: Exception = rejected
        except FormProblem as problem:
            failure = problem
    raise failure


def _accept(sub: Answering) -> Response:
    link, survey = sub.link, sub.link.survey
    params = params_of(survey)
    address = keyed_hash(survey.pk, "address", sub.address or "")
    over_limit = _address_count(survey, address) > survey.per_address_per_minute
    survey.refresh_from_db(fields=["state"])  # closed by the bureau a moment ago?
    if not survey.is_open:
        raise Rejected(RejectReason.CLOSED)
    if over_limit:
        raise Rejected(RejectReason.RATE_LIMITED)
    max_age = params.int("ticket.max_age_minutes") * 60
    try:
        ticket = signing.loads(sub.ticket, salt=TICKET_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise Rejected(RejectReason.EXPIRED) from None
    except signing.BadSignature:
        raise Rejected(RejectReason.BAD_TICKET) from None
    if not isinstance(ticket, dict) or ticket.get("l") != link.pk or not isinstance(ticket.get("t"), float | int):
        raise Rejected(RejectReason.BAD_TICKET)
    nonce, device = str(ticket.get("n", "")), str(ticket.get("d", ""))
    if Response.objects.filter(ticket=nonce).exists():
        raise Rejected(RejectReason.REUSED_TICKET)
    seconds = time.time() - float(ticket["t"])
    if seconds > max_age:
        raise Rejected(RejectReason.EXPIRED)
    if seconds < min_seconds(survey, sub.questionnaire):
        raise Rejected(RejectReason.TOO_FAST)
    answers, grade = _checked(sub)
    if straight_lined(sub.questionnaire, answers, params.int("straight_lining.min_items"),
                      params.int("straight_lining.min_contradictions")):
        raise Rejected(RejectReason.STRAIGHT_LINING)
    device_hash = keyed_hash(survey.pk, "device", device)
    if Response.objects.filter(survey=survey, group=link.group, device=device_hash).count() \
            >= params.int("limits.per_device_per_group"):
        raise Rejected(RejectReason.DEVICE_REPEAT)
    fingerprint = hashlib.sha256(repr((link.group, grade, sorted(answers.positions.items()))).encode()).hexdigest()[:32]
    since = timezone.now() - dt.timedelta(minutes=params.int("duplicate.window_minutes"))
    if Response.objects.filter(survey=survey, address=address, fingerprint=fingerprint, submitted_at__gte=since) \
            .count() >= params.int("duplicate.max_identical_per_address"):
        raise Rejected(RejectReason.DUPLICATE)
    try:
        with transaction.atomic():
            return Response.objects.create(
                survey=survey, link=link, group=link.group, area=link.area, school_id=link.school_id, grade=grade,
                questionnaire=sub.questionnaire.id, answers=answers.positions, satisfied=answers.satisfied,
                satisfied_items=answers.satisfied_items, counted_items=answers.counted_items,
                seconds=int(seconds), ticket=nonce, device=device_hash, address=address, fingerprint=fingerprint)
    except IntegrityError:  # the same ticket sent twice at the same moment
        raise Rejected(RejectReason.REUSED_TICKET) from None


def _checked(sub: Answering) -> tuple[Answers, int | None]:
    answers, missing = check_answers(sub.questionnaire, sub.raw)
    grades = grade_choices(sub.link)
    grade = None
    if grades:
        grade = ascii_int(sub.grade)
        grade = grade if grade in grades else None
        if grade is None:
            missing = ["年级", *missing]
    if missing:
        raise FormProblem(missing)
    return answers, grade
