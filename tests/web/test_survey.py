"""The 社会认可度 survey in the web app: planning, answering, abuse checks, results, S1 feed."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.test import Client

from junheng.web.accounts.services import create_account
from junheng.web.models import Account, CollectionYear, County, Problem, Role, School
from junheng.web.results import bump_revision, result_of
from junheng.web.survey import services
from junheng.web.survey.models import Link, Rejection, Response, Survey
from junheng.web.survey.respond import DEVICE_COOKIE, DEVICE_SALT, issue_ticket
from junheng.web.survey.tally import questionnaires_of, state_of

RESIDENTS = {"residents_城区": "300000", "residents_镇区": "120000", "residents_乡村": "80000"}


@pytest.fixture
def survey(world):
    acc = Account.objects.get(user=world.bureau)
    return services.create_survey(acc, world.year, RESIDENTS)


def link_of(survey, group="parent", school=None) -> Link:
    links = survey.links.filter(group=group, quota__gt=0)
    return (links.filter(school=school) if school else links).first()


def good_answers(link: Link) -> dict[str, str]:
    """Every item answered with its first 满意 option (an honest, satisfied respondent)."""
    q = questionnaires_of(link.survey)[{"parent": "society", "deputy": "society", "public": "society",
                                         "teacher": "staff", "principal": "staff", "student": "student"}[link.group]]
    data = {i.id: str(min(i.scale.satisfied)) for i in q.items}
    if link.group in ("parent", "student"):
        data["grade"] = "5"
    return data


def answer(link: Link, data: dict | None = None, *, device: str | None = None, opened: float | None = None,
           address: str = "10.0.0.1", client: Client | None = None, ticket: str | None = None):
    """POST a questionnaire as a phone would (opened ten minutes ago unless told otherwise)."""
    client = client or Client()
    device = device or f"{time.time_ns():032x}"[-32:]
    client.cookies[DEVICE_COOKIE] = _signed_device(client, device)
    payload = {**(good_answers(link) if data is None else data),
               "ticket": ticket or issue_ticket(link, device, time.time() - 600 if opened is None else opened)}
    return client.post(f"/survey/r/{link.token}/", payload, REMOTE_ADDR=address)


def _signed_device(client: Client, device: str) -> str:
    from django.core.signing import get_cookie_signer

    return get_cookie_signer(salt=DEVICE_COOKIE + DEVICE_SALT).sign(device)


def rejected(survey, reason: str) -> int:
    return sum(Rejection.objects.filter(survey=survey, reason=reason).values_list("count", flat=True))


def test_bureau_creates_a_survey_and_sees_quotas_per_group_and_school(world, login):
    client = login(world.bureau)
    page = client.post("/survey/", {"year": str(world.year), **RESIDENTS})
    assert page.status_code == 302
    survey = Survey.objects.get(county=world.county, year=world.year)
    # 500,000 residents × 1.5‰ = 750; parents ⌈375⌉ = 375; 4 schools → 4 principals; the other
    # 371 shared by students, teachers, deputies and public: 92.75 → 93, 93, 93, 92.
    assert survey.plan["total"] == 750
    assert survey.plan["groups"] == {"parent": 375, "student": 93, "teacher": 93, "principal": 4,
                                     "deputy": 93, "public": 92}
    detail = client.get(f"/survey/{world.year}/").content.decode()
    assert "750" in detail and world.school_a.name in detail and "家长" in detail
    assert sum(Link.objects.filter(survey=survey).values_list("quota", flat=True)) == 750
    assert client.post("/survey/", {"year": str(world.year), **RESIDENTS}).status_code == 200  # exists: form error


def test_respondent_answers_on_the_form_page_and_is_counted(survey, settings):
    link = link_of(survey)
    Survey.objects.filter(pk=survey.pk).update(min_seconds_per_item=0)
    phone = Client()
    page = phone.get(f"/survey/r/{link.token}/")
    assert page.status_code == 200 and DEVICE_COOKIE in page.cookies
    html = page.content.decode()
    assert "<script" not in html and "社会卷" in html
    css = re.search(r'href="(/static/survey/respond[^"]*\.css)"', html).group(1)
    assert phone.get(css).status_code == 200  # the page's only other file, served by the app itself
    ticket = re.search(r'name="ticket" value="([^"]+)"', html).group(1)
    done = phone.post(f"/survey/r/{link.token}/", {**good_answers(link), "ticket": ticket})
    assert done.status_code == 200 and "提交成功" in done.content.decode()
    response = Response.objects.get()
    assert response.satisfied and response.grade == 5 and response.school_id == link.school_id
    assert state_of(survey).table.questionnaire_rate == 100
    no_cookies = Client()  # a phone that keeps no cookies can still answer (the ticket carries its device)
    html = no_cookies.get(f"/survey/r/{link.token}/").content.decode()
    no_cookies.cookies.clear()
    ticket = re.search(r'name="ticket" value="([^"]+)"', html).group(1)
    data = {**good_answers(link), "S01": "1", "ticket": ticket}
    assert "提交成功" in no_cookies.post(f"/survey/r/{link.token}/", data).content.decode()
    assert Response.objects.count() == 2


def test_incomplete_answers_keep_the_form_and_are_not_counted(survey):
    link = link_of(survey)
    data = good_answers(link)
    del data["S03"]
    page = answer(link, data)
    assert page.status_code == 400
    assert "第 3 题" in page.content.decode()
    assert not Response.objects.exists() and not Rejection.objects.exists()


def test_stuffing_with_one_ticket_is_rejected_and_counted_never_rated(survey):
    link = link_of(survey)
    device = "a" * 32
    ticket = issue_ticket(link, device, time.time() - 600)
    assert answer(link, device=device, ticket=ticket).status_code == 200
    replay = answer(link, device="b" * 32, ticket=ticket, address="10.0.0.2")
    assert replay.status_code == 403 and "已经提交过" in replay.content.decode()
    again = answer(link, device=device, address="10.0.0.3")  # a fresh ticket from the same phone
    assert again.status_code == 403 and "本设备已提交过" in again.content.decode()
    assert Response.objects.count() == 1
    assert rejected(survey, "reused_ticket") == 1 and rejected(survey, "device_repeat") == 1
    state = state_of(survey)
    assert state.table.valid == 1 and state.table.received == 3


def test_too_fast_straight_lined_and_forged_answers_are_rejected(survey):
    link = link_of(survey)
    fast = answer(link, opened=time.time() - 3)
    assert fast.status_code == 403 and "答题时间过短" in fast.content.decode()
    lined = {k: "0" for k in good_answers(link)}
    lined["grade"] = "5"
    line = answer(link, lined)
    assert line.status_code == 403 and "同一位置" in line.content.decode()
    forged = answer(link, ticket="eyJsIjoxfQ:forged:signature")
    assert forged.status_code == 403 and "重新扫描二维码" in forged.content.decode()
    expired = answer(link, opened=time.time() - 3 * 3600)
    assert expired.status_code == 403
    assert not Response.objects.exists()
    counts = state_of(survey).rejected
    assert counts["too_fast"] == 1 and counts["straight_lining"] == 1 and counts["bad_ticket"] == 1
    assert counts["expired"] == 1


def test_identical_answers_from_one_address_beyond_the_limit_are_duplicates(survey):
    link = link_of(survey)
    results = [answer(link, address="10.9.9.9").status_code for _ in range(4)]
    assert results == [200, 200, 200, 403]
    assert rejected(survey, "duplicate") == 1
    assert answer(link, address="10.9.9.10").status_code == 200  # another network is fine


def test_rate_limit_per_address(survey):
    Survey.objects.filter(pk=survey.pk).update(per_address_per_minute=2)
    link = link_of(survey)
    data = good_answers(link)
    codes = []
    for n in range(3):
        codes.append(answer(link, {**data, "S01": str(n % 2)}, address="10.1.1.1").status_code)
    assert codes == [200, 200, 429]
    assert rejected(survey, "rate_limited") == 1


def test_closed_survey_refuses_answers_in_chinese(survey, world, login):
    link = link_of(survey)
    ticket = issue_ticket(link, "c" * 32, time.time() - 600)
    services.set_state(Account.objects.get(user=world.bureau), survey, "closed", survey.version)
    page = Client().get(f"/survey/r/{link.token}/")
    assert "本次调查已结束" in page.content.decode() and 'name="ticket"' not in page.content.decode()
    late = answer(link, ticket=ticket, device="c" * 32)
    assert late.status_code == 403 and "本次调查已结束" in late.content.decode()
    assert rejected(survey, "closed") == 1 and not Response.objects.exists()


def test_nothing_a_respondent_sends_reaches_another_county(survey, world, password):
    other = County.objects.create(name="邻县", code="330199")
    CollectionYear.objects.create(county=other, year=world.year)
    school = School.objects.create(county=other, code="3301999999", name="邻县小学")
    boss = create_account("linxian", Role.BUREAU, other, None, password)
    theirs = services.create_survey(boss, world.year, RESIDENTS)
    assert not Link.objects.filter(survey=theirs, school=school).exists()  # no 城乡类型: named in a notice
    assert any("邻县小学" in n for n in theirs.plan["notices"])
    mine, their_link = link_of(survey), link_of(theirs, "deputy")
    ticket = issue_ticket(mine, "d" * 32, time.time() - 600)
    crossed = answer(their_link, good_answers(their_link), ticket=ticket)  # county A's ticket at county B
    assert crossed.status_code == 403 and not Response.objects.exists()
    assert rejected(theirs, "bad_ticket") == 1 and rejected(survey, "bad_ticket") == 0
    # A respondent is anonymous: the bureau's pages and the other county's pages stay closed.
    phone = Client()
    assert phone.get(f"/survey/{world.year}/").status_code == 302
    assert phone.get(f"/survey/{world.year}/export/").status_code == 302
    assert phone.get("/survey/r/not-a-token/").status_code == 404
    neighbour = Client()
    neighbour.force_login(boss.user)
    assert neighbour.get(f"/survey/{world.year}/").content.decode().count(world.county.name) == 0
    assert neighbour.get(f"/survey/{world.year}/qr/?school={world.school_a.code}").content.decode() \
        .count(world.school_a.name) == 0


def test_closed_survey_feeds_s1_unless_the_official_figure_is_imported(survey, world, login):
    acc = Account.objects.get(user=world.bureau)
    link = link_of(survey)
    for n in range(4):
        data = good_answers(link)
        if n == 3:  # one respondent is not satisfied overall
            data["S12"] = "4"
        assert answer(link, data, address=f"10.2.0.{n}").status_code == 200
    services.set_visits(acc, survey, {"visited": "6", "visit_satisfied": "5", "version": survey.version})
    before, _ = result_of(world.cy)
    county_s1 = before["counties"][0]["areas"]["recognition"]["value"]
    assert county_s1 == pytest.approx(float(world.cy.county_values["recognition_rate"]))  # open: table figure
    services.set_state(acc, survey, "closed", survey.version)
    after, _ = result_of(world.cy)
    # (3 satisfied questionnaires + 5 satisfied visitors) / (4 + 6) = 80%
    assert after["counties"][0]["areas"]["recognition"]["value"] == pytest.approx(80.0)
    assert after["counties"][0]["areas"]["recognition"]["pass"] is False
    # 表Ⅵ's counts travel with S1 to the 测算表 and the report
    assert after["counties"][0]["areas"]["recognition"]["note"] == (
        "80%（标准 85%）；问卷总数 4 份，有效问卷数 4 份，满意问卷数 3 份，实地走访人数 6 人，走访满意人数 5 人")
    page = login(world.bureau).get(f"/survey/{world.year}/live/").content.decode()
    assert "本县自查调查结果：80.00%" in page
    services.set_official(acc, survey, {"official_rate": "91.36", "official_source": "国家督导反馈意见",
                                        "version": survey.version})
    official, _ = result_of(world.cy)
    assert official["counties"][0]["areas"]["recognition"]["value"] == pytest.approx(91.36)
    assert "国家调查结果（已导入，优先于本县自查结果）：91.36%" in login(world.bureau).get(
        f"/survey/{world.year}/live/").content.decode()
    bump_revision(world.county.id)


def test_stale_edits_and_bad_figures_are_refused_keeping_the_input(survey, world, login):
    client = login(world.bureau)
    stale = client.post(f"/survey/{world.year}/do/visits/", {"visited": "12", "visit_satisfied": "11",
                                                             "version": str(survey.version - 1)})
    assert stale.status_code == 400
    html = stale.content.decode()
    assert "已被他人修改" in html and 'value="12"' in html
    bad = client.post(f"/survey/{world.year}/do/visits/", {"visited": "5", "visit_satisfied": "6",
                                                           "version": str(survey.version)})
    assert "满意人数不能多于实地走访人数" in bad.content.decode()
    wrong = client.post(f"/survey/{world.year}/do/official/", {"official_rate": "120", "official_source": "x",
                                                               "version": str(survey.version)})
    assert wrong.status_code == 400 and "0 到 100" in wrong.content.decode()


def test_inspector_enters_visits_but_cannot_close_and_schools_are_kept_out(survey, world, login):
    inspector = login(world.inspector)
    ok = inspector.post(f"/survey/{world.year}/do/visits/", {"visited": "3", "visit_satisfied": "3",
                                                             "version": str(survey.version)})
    assert ok.status_code == 302
    assert inspector.post(f"/survey/{world.year}/do/closed/", {"version": "2"}).status_code == 403
    school = Client()
    school.force_login(world.user_a)
    assert school.get(f"/survey/{world.year}/").status_code == 403
    assert school.get(f"/survey/{world.year}/qr/").status_code == 403


def test_questionnaire_is_editable_until_answers_arrive(survey, world, login):
    client = login(world.bureau)
    url = f"/survey/{world.year}/questionnaires/society/"
    text = survey.questionnaires["society"].replace("您对本县教师的师德师风是否满意？", "您对教师的师德师风是否满意？")
    assert client.post(url, {"text": text, "version": str(survey.version)}).status_code == 302
    survey.refresh_from_db()
    assert "您对教师的师德师风是否满意？" in survey.questionnaires["society"]
    broken = client.post(url, {"text": text.replace("overall: S12", "overall: S77"), "version": str(survey.version)})
    assert broken.status_code == 400 and "overall" in broken.content.decode()
    assert answer(link_of(survey)).status_code == 200
    locked = client.post(url, {"text": text, "version": str(survey.version)})
    assert "已有答卷，不能再修改题目" in locked.content.decode()


def test_qr_sheets_export_and_problems(survey, world, login):
    link = link_of(survey, school=world.school_a)
    for n in range(3):
        data = good_answers(link)
        data["S07"] = "0"  # 课业负担过重: the lowest item
        assert answer(link, data, address=f"10.3.0.{n}").status_code == 200
    client = login(world.bureau)
    sheets = client.get(f"/survey/{world.year}/qr/").content.decode()
    assert sheets.count("<svg") == Link.objects.filter(survey=survey, quota__gt=0).count()
    assert f"/survey/r/{link.token}/" in sheets and "<script" not in sheets
    png = client.get(f"/survey/{world.year}/qr/{link.token}.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(f"/survey/{world.year}/export/").content))
    assert book.sheetnames[:3] == ["表Ⅵ", "分项满意度", "配额进度"]
    table = {row[0]: row[1] for row in book["表Ⅵ"].iter_rows(min_row=4, max_row=11, values_only=True)}
    assert table["有效问卷数"] == 3 and table["满意问卷数"] == 3 and table["综合满意度"] == 100
    answers = list(book["答卷（匿名）"].iter_rows(min_row=3, values_only=True))
    header = answers[0]
    assert len(answers) == 4 and not any(h and ("地址" in h or "设备" in h or "IP" in h) for h in header)
    assert answers[1][header.index("社会卷 S07")] == "过重"

    done = client.post(f"/survey/{world.year}/problems/", {"item": ["society:S07"]})
    assert done.status_code == 302
    problem = Problem.objects.get(source="survey")
    assert problem.value == 0 and problem.standard == 85 and problem.shortfall == 85 and not problem.blocking
    assert "课业负担" in problem.message
    client.post(f"/survey/{world.year}/problems/", {"item": ["society:S07"]})
    assert Problem.objects.filter(source="survey").count() == 1


# Who may use each survey route: every route is listed, so a new one needs a decision.
SURVEY_RULES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # name: (school user, inspector, url arguments); anonymous visitors are sent to sign in.
    "home": ("403", "own", ()),
    "respond": ("public", "public", ("token",)),
    "detail": ("403", "own", ("year",)),
    "live": ("403", "own", ("year",)),
    "action": ("403", "403", ("year", "name")),
    "problems": ("403", "403", ("year",)),
    "questionnaire": ("403", "own", ("year", "qid")),
    "qr": ("403", "403", ("year",)),
    "qr_image": ("403", "403", ("year", "token", "kind")),
    "export": ("403", "own", ("year",)),
}


def test_every_survey_route_has_an_access_rule(survey, world):
    from django.urls import reverse

    from junheng.web.survey import urls as survey_urls

    assert sorted(p.name for p in survey_urls.urlpatterns) == sorted(SURVEY_RULES)
    link = link_of(survey)
    values = {"year": world.year, "token": link.token, "name": "closed", "qid": "society", "kind": "png"}
    school, inspector, anonymous = Client(), Client(), Client()
    school.force_login(world.user_a)
    inspector.force_login(world.inspector)
    for name, (school_rule, inspector_rule, args) in SURVEY_RULES.items():
        url = reverse(f"survey:{name}", kwargs={k: values[k] for k in args})
        method = "post" if name in ("action", "problems") else "get"
        for client, rule in ((school, school_rule), (inspector, inspector_rule)):
            status = getattr(client, method)(url).status_code
            assert status == (403 if rule == "403" else 200), (name, rule, status)
        if school_rule != "public":
            assert getattr(anonymous, method)(url).status_code == 302, name
    survey.refresh_from_db()
    assert survey.is_open and not Response.objects.exists()



def test_a_leaked_code_is_replaced_and_refusals_are_shown_per_school(survey, world, login):
    link = link_of(survey, school=world.school_a)
    old = link.token
    assert answer(link, opened=time.time() - 1).status_code == 403  # too fast: counted against school A
    client = login(world.bureau)
    row = re.search(rf'<tr data-school="{world.school_a.code}">.*?</tr>',
                    client.get(f"/survey/{world.year}/live/").content.decode(), re.S).group(0)
    assert '<td class="n refused">1</td>' in row
    assert client.post(f"/survey/{world.year}/do/rotate/", {"token": old}).status_code == 302
    link.refresh_from_db()
    assert link.token != old
    assert Client().get(f"/survey/r/{old}/").status_code == 404
    assert Client().get(f"/survey/r/{link.token}/").status_code == 200
    assert "原码作废" in client.get(f"/survey/{world.year}/qr/").content.decode()
    other = Client()
    other.force_login(world.inspector)
    assert other.post(f"/survey/{world.year}/do/rotate/", {"token": link.token}).status_code == 403


def test_bureau_raises_the_address_limit_for_a_parents_meeting(survey, world, login):
    client = login(world.bureau)
    url = f"/survey/{world.year}/do/rules/"
    bad = client.post(url, {"min_seconds_per_item": "-1", "per_address_per_minute": "80", "version": survey.version})
    assert bad.status_code == 400 and "0 到 60" in bad.content.decode() and 'value="80"' in bad.content.decode()
    ok = client.post(url, {"min_seconds_per_item": "1.5", "per_address_per_minute": "80", "version": survey.version})
    assert ok.status_code == 302
    survey.refresh_from_db()
    assert survey.per_address_per_minute == 80 and str(survey.min_seconds_per_item) == "1.5"
