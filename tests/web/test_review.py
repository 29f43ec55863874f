"""The reviewers' app: accounts by 行政区划 prefix, the roll-up from stored summaries, its Excel
export, the read-only drill-down, findings that become the county's problems, cross-checks."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from review_world import make_region

from junheng.web.accounts.services import create_account
from junheng.web.models import (
    Account,
    AuditEntry,
    CollectionYear,
    County,
    Problem,
    ProblemStatus,
    Role,
    Status,
    Submission,
)
from junheng.web.results import bump_revision, result_of
from junheng.web.review.models import CountyCheck, CountySummary, CrossCheck
from junheng.web.services import WorkflowError, add_evidence

pytestmark = pytest.mark.django_db
SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def region(world):
    return make_region(world)


@pytest.mark.parametrize(("role", "region_code", "county", "message"), [
    (Role.CITY, "33", None, "市级督导的行政区划代码须为 4 位数字"),
    (Role.PROVINCE, "3301", None, "省级督导的行政区划代码须为 2 位数字"),
    (Role.CITY, "33a1", None, "须为 4 位数字"),
    (Role.CITY, "３３０１", None, "须为 4 位数字"),  # full-width digits are not a code
    (Role.CITY, "", None, "须为 4 位数字"),
    (Role.CITY, "3301", "county", "不属于某个县(区)"),
    (Role.BUREAU, "3301", "county", "只有市级督导、省级督导账号需要行政区划代码"),
    (Role.INSPECTOR, "", None, "请指定县(区)"),
])
def test_reviewer_accounts_need_a_prefix_of_their_level(world, role, region_code, county, message, password):
    with pytest.raises(WorkflowError, match=re.escape(message)):
        create_account("x", role, world.county if county else None, None, password, region_code=region_code)


def test_cli_creates_reviewers_and_refuses_a_bad_prefix(tmp_path):
    env = {"JUNHENG_DATA": str(tmp_path), "PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}

    def junheng(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import sys; from junheng.cli import main; sys.exit(main())",
                               "users", "add", *args], input="Shi-dudao-2024\n", env=env, capture_output=True, text=True)

    done = junheng("shi", "--role", "city", "--region", "3201")
    assert done.returncode == 0, done.stderr
    assert "已添加用户：shi" in done.stdout
    bad = junheng("shi2", "--role", "city", "--region", "320")
    assert bad.returncode == 2 and "市级督导的行政区划代码须为 4 位数字" in bad.stderr and "Traceback" not in bad.stderr
    assert junheng("sheng", "--role", "province").returncode == 2
    mixed = junheng("sheng", "--role", "province", "--region", "32", "--county", "清溪县")
    assert mixed.returncode == 2 and "只用 --region" in mixed.stderr
    assert junheng("sheng", "--role", "province", "--region", "32").returncode == 0


def test_a_bureau_cannot_create_reviewer_accounts(world, login, password):
    client = login(world.bureau)
    page = client.get("/users/").content.decode()
    assert "市级督导" not in page
    client.post("/users/", {"action": "create", "username": "shi", "role": "city", "password": password})
    assert not County.objects.get(pk=world.county.pk).accounts.filter(user__username="shi").exists()
    assert not Problem.objects.filter(source="review").exists()


def test_reviewer_lands_on_the_rollup_of_its_counties_only(world, region, client, password):
    response = client.post("/login/", {"username": "shidudao", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/review/"
    page = response.content.decode()
    assert "清溪县" in page and "青山区" in page and "远方县" not in page
    assert "行政区划 3301 · 市级督导 · shidudao" in page
    assert AuditEntry.objects.filter(action="login", actor=region.city).exists()
    client.force_login(region.far_province)
    page = client.get("/review/").content.decode()
    assert "远方县" in page and "清溪县" not in page


def test_rollup_shows_verdict_progress_and_puts_the_worst_first(world, region, login):
    client = login(region.province)
    problems = Problem.objects.filter(county=world.county, year=world.year)
    page = client.get("/review/").content.decode()  # the first visit computes the result and opens its problems
    assert problems.exists()
    first = page[page.index('data-county="330101"'):page.index('data-county="330102"')]
    assert f"0/{problems.count()}" in first  # counted on the visit that opened them
    Problem.objects.filter(pk=problems.first().pk).update(status=ProblemStatus.CLOSED)
    Submission.objects.filter(school=world.school_b).update(status=Status.SUBMITTED)
    bump_revision(world.county.id)
    page = client.get("/review/").content.decode()
    qingxi = page[page.index('data-county="330101"'):page.index('data-county="330102"')]
    assert f"3/{world.county.schools.count()}" in qingxi  # schools accepted / schools
    assert f"1/{problems.count()}" in qingxi  # problems closed / problems
    assert "未达标" in qingxi and "最高：" in qingxi
    assert page.index('data-county="330101"') < page.index('data-county="330102"')  # a result before none
    assert "还没有审核通过的学校数据" in page[page.index('data-county="330102"'):]


def test_rollup_reads_one_stored_summary_per_county_revision(world, region, login, django_assert_max_num_queries):
    client = login(region.city)
    client.get("/review/")
    stored = CountySummary.objects.get(county=world.county)
    assert stored.revision == County.objects.get(pk=world.county.pk).revision
    assert stored.summary["verdict"]["reasons"] and "units" not in stored.summary  # compact: no school lists
    with django_assert_max_num_queries(12):  # the same few queries for 2 counties or 120
        assert client.get("/review/").status_code == 200
    bump_revision(world.county.id)
    client.get("/review/")  # no stored result of the new revision: computed, then cut
    assert list(CountySummary.objects.filter(county=world.county).values_list("revision", flat=True)) == [
        stored.revision + 1]  # the old revision's summary is replaced, not kept
    bump_revision(world.county.id)
    result_of(world.cy)  # e.g. the bureau's dashboard stored the new revision's result first
    client.get("/review/")
    assert list(CountySummary.objects.filter(county=world.county).values_list("revision", flat=True)) == [
        stored.revision + 2]


def test_export_is_the_rollup_in_excel_and_is_audited(world, region, login):
    client = login(region.city)
    response = client.get(f"/review/export/?year={world.year}")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=5)]
    assert [r[1] for r in rows] == ["清溪县", "青山区"]
    headers = [c.value for c in sheet[4]]
    qingxi = dict(zip(headers, rows[0], strict=True))
    assert qingxi["总体结论"] == "否" and qingxi["学校数"] == 4 and qingxi["审核通过"] == 4
    reasons = CountySummary.objects.get(county=world.county).summary["verdict"]["reasons"]
    assert qingxi["未通过项数"] == len(reasons) and qingxi["未通过原因"].split("\n") == reasons
    assert AuditEntry.objects.filter(action="review.export", actor=region.city).count() == 1
    assert client.get("/review/export/?year=1999").status_code == 404


def test_drill_down_shows_the_county_read_only(world, region, login):
    client = login(region.city)
    base = f"/review/county/{world.county.pk}/{world.year}/"
    page = client.get(base).content.decode()
    assert 'id="county-verdict"' in page and world.school_a.name in page
    assert page.count('method="post"') == 1  # the header's 退出 only: nothing to write here
    Submission.objects.filter(school=world.school_b).update(status=Status.SUBMITTED)
    assert "还没有审核通过的数据" in client.get(f"{base}schools/{world.school_b.code}/").content.decode()
    accepted = client.get(f"{base}schools/{world.school_a.code}/").content.decode()
    assert 'data-field="primary_students"' in accepted
    problem = Problem.objects.filter(county=world.county).first()
    assert problem.message in client.get(f"{base}problems/").content.decode()
    assert client.get(f"{base}problems/{problem.pk}/").status_code == 200


def finding_form(world, **changes) -> dict:
    return {"county": world.county.pk, "year": world.year, "school": world.school_a.code, "item": "L5",
            "message": "复核发现：运动场地被临时占用作停车场", "deadline": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
            **changes}


def test_finding_becomes_a_problem_of_the_county(world, region, login):
    result_of(world.cy)
    revision = County.objects.get(pk=world.county.pk).revision
    client = login(region.city)
    form = client.get(f"/review/findings/new/?county={world.county.pk}&year={world.year}").content.decode()
    assert world.school_a.name in form and "L5 生均体育运动场馆面积" in form
    response = client.post("/review/findings/new/", finding_form(world))
    problem = Problem.objects.get(source="review")
    assert response.status_code == 302 and response["Location"].endswith(f"/problems/{problem.pk}/")
    assert (problem.county, problem.school, problem.item, problem.raised_by) == (world.county, world.school_a, "L5", region.city)
    assert problem.status == ProblemStatus.OPEN and not problem.blocking and problem.deadline
    assert County.objects.get(pk=world.county.pk).revision == revision  # nothing the result is computed from
    entry = AuditEntry.objects.get(action="review.finding")
    assert entry.county == world.county and entry.actor == region.city
    bureau = login(world.bureau)
    assert problem.message in bureau.get(f"/{world.year}/problems/?school={world.school_a.code}").content.decode()
    assert "市省复核" in bureau.get("/audit/?kind=review").content.decode()


@pytest.mark.parametrize(("changes", "error"), [
    ({"message": "  "}, "请填写问题描述"),
    ({"deadline": "2020-01-01"}, "整改时限不能早于今天"),
    ({"deadline": "明年"}, "整改时限“明年”不是有效日期"),
    ({"school": "3201010001"}, "清溪县没有学校标识码为“3201010001”的学校"),
    ({"item": "X9"}, "“X9”不是该县评估标准中的指标"),
    ({"year": "1999"}, "清溪县没有开设“1999”年度"),
    ({"county": "far"}, "请选择本辖区内的县(区)"),
    ({"county": "99999999999999999999"}, "请选择本辖区内的县(区)"),
])
def test_finding_form_errors_are_chinese_and_keep_the_input(world, region, login, changes, error):
    client = login(region.city)
    if changes.get("county") == "far":
        changes["county"] = region.far.pk
    response = client.post("/review/findings/new/", finding_form(world, **changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    if "message" not in changes and changes.get("county") is None:
        assert "运动场地被临时占用作停车场" in page
    assert not Problem.objects.filter(source="review").exists()


def test_reviewer_sees_the_bureau_close_its_finding(world, region, login):
    client = login(region.city)
    client.post("/review/findings/new/", finding_form(world))
    problem = Problem.objects.get(source="review")
    bureau = login(world.bureau)
    add_evidence(Account.objects.get(user=world.bureau), problem, SimpleUploadedFile("整改照片.png", b"\x89PNG moved"))
    for to in (ProblemStatus.SUBMITTED, ProblemStatus.CLOSED):
        bureau.post(f"/{world.year}/problems/{problem.pk}/", {"action": "move", "to": to, "version": problem.version})
        problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED
    client = login(region.city)
    page = client.get("/review/findings/").content.decode()
    assert "已销号" in page and problem.message in page
    evidence = problem.evidence.get()
    download = client.get(f"/review/county/{world.county.pk}/{world.year}/problems/{problem.pk}/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == b"\x89PNG moved"


def test_cross_checks_compare_with_last_year_and_the_county_sheet(world, region, login):
    last = CollectionYear.objects.create(county=world.county, year=world.year - 1)
    sub = Submission.objects.get(school=world.school_a, year=world.year)
    old = {**sub.values, "year": last.year, "school_name": "清溪县实验小学（旧名）",
           "primary_students": sub.values["primary_students"] * 3}
    Submission.objects.create(school=world.school_a, year=last.year, status=Status.ACCEPTED, values=old)
    cy = world.cy
    cy.county_values = {**cy.county_values, "teachers_total": 1}
    cy.county_table_supplied = True
    cy.save()
    Submission.objects.filter(pk=sub.pk).update(explanations={"primary_students": "学区调整，分流至新校"})
    client = login(region.city)
    page = client.get(f"/review/checks/?year={world.year}").content.decode()
    kinds = {f["kind"] for f in CrossCheck.objects.get().flags}
    assert {"name_changed", "school_new", "total_mismatch", "yoy_change"} <= kinds
    assert "清溪县实验小学（旧名）" in page and "学区调整，分流至新校" in page
    assert "专任教师总数" in page
    stored = CrossCheck.objects.get()
    client.get(f"/review/checks/?year={world.year}")
    assert CrossCheck.objects.get().pk == stored.pk  # stored per revision stamp, not recomputed
    neighbour = CountyCheck.objects.get(county=region.neighbour)
    bump_revision(world.county.id)
    client.get(f"/review/checks/?year={world.year}")
    assert CrossCheck.objects.get().stamp != stored.stamp
    assert CountyCheck.objects.get(county=region.neighbour).pk == neighbour.pk  # only the changed county again
    assert CountyCheck.objects.filter(county=world.county).count() == 1


def test_cross_checks_find_a_school_in_two_counties(world, region, login):
    """The same 学校标识码 in two counties' accepted data (a school registered twice by mistake)."""
    twin = region.neighbour.schools.get()
    values = {**Submission.objects.get(school=world.school_a).values, "county_code": "330102", "county_name": "青山区"}
    Submission.objects.create(school=twin, year=world.year, status=Status.ACCEPTED, values=values)
    page = login(region.city).get(f"/review/checks/?year={world.year}&kind=two_counties").content.decode()
    assert f"{world.school_a.name}（{world.school_a.code}）同时出现在 330101、330102 两个县（区）的数据中" in page
