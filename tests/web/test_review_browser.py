"""City and province reviewers in Chromium (Playwright) against a live server: each sees only the
counties under its code; a city reviewer's finding reaches the bureau's 问题清单 as a 市省复核意见,
the bureau closes it through the usual workflow, and the reviewer sees it closed."""

from __future__ import annotations

import pytest
from review_world import make_region
from test_browser import CHROMIUM, browser, shot, sign_in  # noqa: F401  (fixtures shared with the county flows)

from junheng.web.models import Problem, ProblemStatus

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]


def county_rows(page) -> list[str]:
    return page.locator("#rollup tr[data-county]").evaluate_all("rows => rows.map(r => r.dataset.county)")


def test_city_finding_is_closed_by_the_bureau(live_world, sign_in, live_server, tmp_path):  # noqa: F811
    w = live_world
    region = make_region(w)
    city = sign_in("shidudao")
    assert city.url == f"{live_server.url}/review/"
    assert county_rows(city) == ["330101", "330102"]  # the county with a result first; 远方县 is not in 3301
    assert "远方县" not in city.content()
    qingxi = city.locator('#rollup tr[data-county="330101"]')
    assert qingxi.locator('[data-progress="collection"]').inner_text().startswith(f"4/{w.county.schools.count()}")
    shot(city, "review-rollup-city")

    city.click("#rollup a:has-text('清溪县')")
    assert city.locator("#county-verdict").inner_text() in ("达标", "未达标", "未评估")
    assert city.locator("#unit-grid").inner_text().count(w.school_a.name) >= 1
    city.click("a:has-text('提出复核意见')")
    city.select_option("select[name=school]", w.school_a.code)
    city.select_option("select[name=item]", "L5")
    city.fill("input[name=deadline]", "2020-01-01")
    city.fill("#finding-message", "复核发现：运动场地被临时占用作停车场")
    city.click("#raise-finding")
    assert "整改时限不能早于今天" in city.locator("#form-errors").inner_text()
    assert city.input_value("#finding-message") == "复核发现：运动场地被临时占用作停车场"  # kept
    city.fill("input[name=deadline]", "2099-08-31")
    city.click("#raise-finding")
    assert "复核意见已加入清溪县的问题清单" in city.locator(".messages").inner_text()
    problem = Problem.objects.get(source="review")
    assert problem.raised_by == region.city and problem.school == w.school_a
    assert city.locator("#problem-status").inner_text() == "待整改"

    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/{w.year}/problems/?school={w.school_a.code}")
    row = bureau.locator(f"table.problems tr:has(a[href$='/problems/{problem.pk}/'])")
    assert "市省复核意见" in row.inner_text()
    row.locator("a").first.click()
    evidence = tmp_path / "场地清理照片.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n cleared")
    bureau.set_input_files("input[type=file]", str(evidence))
    bureau.click("#upload-evidence")
    bureau.click("#move-submitted")
    bureau.click("#move-closed")
    assert bureau.locator("#problem-status").inner_text() == "已销号"

    city.goto(f"{live_server.url}/review/findings/")
    assert city.locator(f'#findings tr[data-problem="{problem.pk}"] .status').inner_text() == "已销号"
    shot(city, "review-findings-closed")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_province_reviewer_sees_its_province_only(live_world, sign_in, live_server):  # noqa: F811
    w = live_world
    make_region(w)
    province = sign_in("shengdudao")
    assert province.url == f"{live_server.url}/review/"
    assert county_rows(province) == ["330101", "330102"]
    assert "省级督导" in province.locator("header .who").first.inner_text()
    with province.expect_download() as download:
        province.click("#export")
    assert download.value.suggested_filename == f"各县汇总-33-{w.year}.xlsx"
    province.goto(f"{live_server.url}/review/county/{w.county.pk}/{w.year}/schools/")
    assert w.school_a.name in province.locator("#schools").inner_text()
    other = sign_in("sududao")
    assert county_rows(other) == ["320101"]
    response = other.goto(f"{live_server.url}/review/county/{w.county.pk}/{w.year}/")
    assert response.status == 404
    shot(province, "review-province-schools")
