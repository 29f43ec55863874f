"""年度监测 in Chromium against a live server: a school explains a large move on its new year's
form; the bureau sees the warnings load into its dashboard and turns one into a problem."""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, browser, shot, sign_in  # noqa: F401  (the same Chromium fixtures)
from test_years_warnings import two_years

from junheng.web.accounts.services import change_year
from junheng.web.models import Account, Problem, Status, Submission

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]


def test_a_school_explains_a_large_move_on_its_new_years_form(live_world, sign_in, live_server):  # noqa: F811
    w = live_world
    change_year(Account.objects.get(user=w.bureau), {"year": str(w.year + 1)})
    last = Submission.objects.get(school=w.school_a, year=w.year)
    # the school has typed this year's figures into the carried draft
    Submission.objects.filter(school=w.school_a, year=w.year + 1).update(values={**last.values, "year": w.year + 1})

    school = sign_in("school-a")
    school.goto(f"{live_server.url}/{w.year + 1}/schools/{w.school_a.code}/")
    assert school.locator("#last-sports_field_area").inner_text().startswith(f"上年（{w.year}）")
    school.fill("#f-primary_key_teachers", str(last.values["primary_key_teachers"] * 4))
    school.click("#save")
    assert "+300%" in school.locator("#form-errors").inner_text()
    assert school.locator("#f-primary_key_teachers").input_value() == str(last.values["primary_key_teachers"] * 4)
    shot(school, "years-explanation-asked")
    school.fill("#explain-primary_key_teachers", "本年度新评选县级骨干教师")
    school.click("#save")
    assert "已保存" in school.locator(".messages").inner_text()
    school.click("button:has-text('提交审核')")
    assert school.locator("#submission-status").inner_text() == "已提交待审核"

    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/{w.year + 1}/schools/{w.school_a.code}/")
    review = bureau.locator("#year-review").inner_text()
    assert "+300%" in review and "本年度新评选县级骨干教师" in review
    shot(bureau, "years-bureau-review")
    assert Submission.objects.get(school=w.school_a, year=w.year + 1).status == Status.SUBMITTED


def test_the_dashboard_loads_the_warnings_and_one_becomes_a_problem(small_dataset, new_world, sign_in,  # noqa: F811
                                                                     live_server):
    w, code, cy = two_years(small_dataset, new_world)
    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/2024/dashboard/")
    section = bureau.locator("#dashboard-warnings")
    section.wait_for()
    assert "1051" in section.inner_text()
    shot(bureau, "years-dashboard-warnings")
    section.locator("button:has-text('转为问题')").first.click()
    bureau.wait_for_load_state()
    problem = Problem.objects.get(source="warning")
    assert bureau.url.endswith(f"/2024/problems/{problem.pk}/")
    bureau.goto(f"{live_server.url}/2024/dashboard/")
    assert f"问题 #{problem.pk}" in bureau.locator("#dashboard-warnings").inner_text()
