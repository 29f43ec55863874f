"""Ordinary use (issue 10): county-level problems, the small defects of item 8, API tokens, the
client address behind a proxy, CSP, offline API docs and the health endpoint."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from junheng.web.models import Account, ApiToken, CollectionYear, Problem, ProblemStatus, Status, Submission
from junheng.web.results import result_of

pytestmark = pytest.mark.django_db


# ── defect 6: county-level failures are the bureau's problems ───────────────────────────────


def test_a_failed_county_item_is_a_bureau_problem_through_to_the_effects_list(world, login):
    result, _ = result_of(world.cy)
    assert result["counties"][0]["areas"]["government"]["items"]["G11"]["pass"] is False
    g11 = Problem.objects.get(county=world.county, item="G11", school=None)
    assert g11.county_level and g11.kind == "county_item" and "交流轮岗" in g11.message
    # Items failed by named schools stay with those schools (no county copy of G3, G4, G5).
    assert not Problem.objects.filter(school=None, item__in=("G3", "G4", "G5")).exists()

    school = login(world.user_a)
    assert g11.message not in school.get(reverse("problems", args=[world.year])).content.decode()
    assert school.get(reverse("problem", args=[world.year, g11.pk])).status_code == 404

    bureau = login(world.bureau)
    url = reverse("problem", args=[world.year, g11.pk])
    page = bureau.get(url).content.decode()
    assert "县级问题（教育局负责整改）" in page
    bureau.post(url, {"action": "edit", "owner": "人事股", "measure": "骨干教师交流轮岗不少于 20%",
                      "deadline": "2025-12-31", "version": g11.version})
    bureau.post(url, {"action": "evidence", "file": SimpleUploadedFile("交流轮岗名单.pdf", b"%PDF list")})
    g11.refresh_from_db()
    bureau.post(url, {"action": "move", "to": "submitted", "version": g11.version})
    g11.refresh_from_db()
    bureau.post(url, {"action": "move", "to": "closed", "version": g11.version})
    g11.refresh_from_db()
    assert g11.status == ProblemStatus.CLOSED and g11.owner == "人事股"
    effects = bureau.get(reverse("effects", args=[world.year])).content.decode()
    assert g11.message in effects and "骨干教师交流轮岗" in effects
    book = openpyxl.load_workbook(io.BytesIO(bureau.get(reverse("download", args=[world.year, "effects"])).content))
    rows = [[c.value for c in r] for r in book["成效清单"].iter_rows(min_row=4)]
    assert any(r[1] == world.county.name and r[3] == "G11" for r in rows)


# ── defect 8: the small things ───────────────────────────────────────────────────────────────


def draft_of(school) -> Submission:
    sub = Submission.objects.get(school=school)
    Submission.objects.filter(pk=sub.pk).update(status=Status.DRAFT)
    sub.refresh_from_db()
    return sub


def test_a_school_cannot_rename_itself_in_its_data(world, login, client):
    from test_collection import form_data

    sub = draft_of(world.school_a)
    response = login(world.user_a).post(reverse("school", args=[world.year, world.school_a.code]),
                                        form_data(sub, school_name="改名后的学校", version=sub.version))
    assert response.status_code == 302
    sub.refresh_from_db()
    world.school_a.refresh_from_db()
    assert sub.values["school_name"] == world.school_a.name != "改名后的学校"
    token = ApiToken.issue(world.user_a)
    body = {"values": {**sub.values, "school_name": "又改了名"}, "rooms": sub.rooms}
    answer = client.put(f"/api/submissions/{world.year}/{world.school_a.code}", body,
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200 and answer.json()["values"]["school_name"] == world.school_a.name


def test_the_new_account_form_asks_for_a_role(world, login):
    client = login(world.bureau)
    html = client.get(reverse("users")).content.decode()
    assert '<option value="" selected>（请选择角色）</option>' in html
    response = client.post(reverse("users"), {"action": "create", "username": "newbie", "role": "",
                                              "password": "Qingxi-test-2024"}, follow=True)
    assert "请选择角色" in response.content.decode()
    assert not Account.objects.filter(user__username="newbie").exists()


def test_a_deadline_in_year_one_is_refused(world, login, client):
    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    response = login(world.user_a).post(reverse("problem", args=[world.year, problem.pk]),
                                        {"action": "edit", "owner": "王校长", "measure": "改建",
                                         "deadline": "0001-01-01", "version": problem.version})
    html = response.content.decode()
    assert response.status_code == 400 and "年份须在 2000 到 2100 之间" in html and 'value="王校长"' in html
    token = ApiToken.issue(world.bureau)
    answer = client.patch(f"/api/problems/{problem.pk}", {"deadline": "0001-01-01"}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 409 and "年份须在" in answer.json()["detail"]
    problem.refresh_from_db()
    assert problem.deadline is None


def test_closing_the_year_locks_school_drafts(world, login):
    from test_collection import form_data

    sub = draft_of(world.school_a)
    login(world.bureau).post(reverse("years"), {"year": world.year, "is_open": "0"})
    assert not CollectionYear.objects.get(pk=world.cy.pk).is_open
    school = login(world.user_a)
    url = reverse("school", args=[world.year, world.school_a.code])
    page = school.get(url).content.decode()
    assert "填报已关闭" in page and 'id="save"' not in page
    assert school.post(url, form_data(sub, multimedia_rooms="99", version=sub.version)).status_code == 403
    from junheng.web.services import WorkflowError, save_values

    with pytest.raises(WorkflowError, match="填报已关闭"):
        save_values(Account.objects.get(user=world.user_a), sub, {**sub.values, "multimedia_rooms": 99}, sub.rooms)
    sub.refresh_from_db()
    assert sub.values["multimedia_rooms"] != 99


def test_a_refused_csrf_token_gets_a_chinese_page_with_the_input(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bureau)
    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    response = client.post(reverse("problem", args=[world.year, problem.pk]),
                           {"action": "edit", "measure": "调剂两间教室改建为音乐教室", "password": "secret"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，本次提交未保存" in html and "调剂两间教室改建为音乐教室" in html
    assert "secret" not in html and "CSRF verification failed" not in html


def test_api_validation_errors_are_chinese(world, client):
    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    token = ApiToken.issue(world.bureau)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answer = client.patch(f"/api/problems/{problem.pk}", {"deadline": 123, "owner": "x" * 60},
                          content_type="application/json", **auth)
    assert answer.status_code == 422
    detail = answer.json()
    assert "请求数据有误" in detail["detail"] and "最多 50 个字符" in detail["detail"]
    assert {e["field"] for e in detail["errors"]} == {"deadline", "owner"}
    answer = client.put(f"/api/submissions/{world.year}/{world.school_a.code}", {"values": [1]},
                        content_type="application/json", **auth)
    assert answer.status_code == 422 and "须为对象" in answer.json()["detail"]
    answer = client.get("/api/schools?year=abc", **auth)
    assert answer.status_code == 422 and "须为整数" in answer.json()["detail"]


# ── API tokens ───────────────────────────────────────────────────────────────────────────────


def test_tokens_expire_are_listed_and_revoked(world, login, client):
    def status(token):
        return client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    token = ApiToken.issue(world.bureau)
    stored = ApiToken.objects.get(digest=ApiToken.hash(token))
    assert stored.expires_at > timezone.now() + dt.timedelta(days=80) and status(token) == 200
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert status(token) == 401

    token = ApiToken.issue(world.bureau)
    stored = ApiToken.objects.get(digest=ApiToken.hash(token))
    page = login(world.bureau)
    listing = page.get(reverse("token")).content.decode()
    assert 'id="tokens"' in listing and "已过期" in listing and "有效" in listing
    page.post(reverse("token"), {"action": "revoke", "id": stored.pk})
    assert status(token) == 401 and "已撤销" in page.get(reverse("token")).content.decode()


def test_a_password_reset_or_change_revokes_the_tokens(world, login, client, password):
    def status(token):
        return client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    token = ApiToken.issue(world.user_a)
    login(world.bureau).post(reverse("users"), {"action": "password", "username": "school-a",
                                                "password": "Another-pass-2024"})
    assert status(token) == 401
    token = ApiToken.issue(world.bureau)
    own = login(world.bureau)
    own.post(reverse("password"), {"old_password": password, "new_password1": "Changed-pass-2024",
                                   "new_password2": "Changed-pass-2024"})
    assert status(token) == 401


# ── running for real ─────────────────────────────────────────────────────────────────────────


def test_the_client_address_comes_from_a_trusted_proxy_only(settings):
    from junheng.web.audit import client_ip

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    factory = RequestFactory()
    via_proxy = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(via_proxy) == "203.0.113.7"  # the address the proxy itself saw
    forged = factory.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(forged) == "198.51.100.9"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbage) == "10.0.0.1"


def test_pages_carry_a_content_security_policy_and_the_api_docs_work_offline(world, login):
    response = login(world.bureau).get(reverse("dashboard", args=[world.year]))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    docs = login(world.bureau).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_health_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_a_school_cannot_submit_a_runaway_number_of_rooms(world, client, settings):
    sub = draft_of(world.school_a)
    token = ApiToken.issue(world.user_a)
    room = {"room_type": "音乐", "area": 96}
    body = {"values": sub.values, "rooms": [room] * (settings.SCHOOL_MAX_ROOMS + 1), "version": sub.version}
    answer = client.put(f"/api/submissions/{world.year}/{world.school_a.code}", body,
                        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 409 and "超过每校 500 间的上限" in answer.json()["detail"]
    sub.refresh_from_db()
    assert len(sub.rooms) < settings.SCHOOL_MAX_ROOMS


def test_the_audit_log_filters_and_keeps_the_filter_across_pages(world, login):
    from junheng.web import audit

    for n in range(60):
        audit.record(world.bureau, "problem.edit", county=world.county, target=f"问题 #{n} 清溪县", summary="修改整改信息")
    client = login(world.bureau)
    html = client.get(reverse("audit"), {"kind": "problem", "actor": "jyj"}).content.decode()
    assert "共 60 条" in html and "kind=problem" in html and "actor=jyj" in html
    only = client.get(reverse("audit"), {"target": "问题 #7 "}).content.decode()
    assert "共 1 条" in only
    odd = client.get(reverse("audit"), {"since": "2024-02-30", "kind": "x"})
    assert odd.status_code == 200


def test_the_problem_list_filters_the_county_level_problems(world, login):
    result_of(world.cy)
    html = login(world.bureau).get(reverse("problems", args=[world.year]), {"school": "county"}).content.decode()
    g11 = Problem.objects.get(county=world.county, item="G11", school=None)
    assert g11.message in html and "县级问题" in html
    assert world.school_a.name not in html.split('id="problem-list"')[1]
