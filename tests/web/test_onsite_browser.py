"""实地督导 in Chromium at a phone's width: an inspector draws, fills a school's checklist on a
375 px screen and generates the findings; the school sees the problem and its 整改通知."""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, browser, shot, sign_in  # noqa: F401  (the same Chromium fixtures)

from junheng.web.models import Problem
from junheng.web.onsite.models import SampledSchool

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]

PHONE = {"width": 375, "height": 812}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_inspector_fills_a_checklist_on_a_phone_and_the_school_sees_the_problem(
        live_world, live_server, browser, sign_in, password):  # noqa: F811
    w = live_world
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                  locale="zh-CN")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/login/")
    phone.fill("#id_username", "zhuanjia")
    phone.fill("#id_password", password)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()

    phone.goto(f"{live_server.url}/onsite/")
    phone.click(f"#onsite-counties a:has-text('{w.year} 年度')")
    phone.fill("input[name=visit_date]", "2025-11-20")
    phone.fill("#draw-form input[name=seed]", "4242")
    phone.click("#draw")
    assert "随机种子 4242" in phone.locator(".messages").inner_text()
    assert "复核一致" in phone.locator(".visit").first.inner_text()
    assert no_sideways_scroll(phone)
    shot(phone, "onsite-draw-phone")

    phone.click(f".sampled a:has-text('{w.school_a.name}')")
    sampled = SampledSchool.objects.get(school=w.school_a)
    reported = next(i["reported"] for i in sampled.items if i["field"] == "teaching_area")
    field = phone.locator("#seen-teaching_area")
    box = field.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280  # a thumb-sized input across the screen
    assert no_sideways_scroll(phone)
    field.fill(f"{reported * 0.8:.2f}")
    phone.fill("#note-teaching_area", "实测少一层")
    phone.click("#generate-findings")  # saves what was typed, then compares
    assert "已生成核查发现 1 项" in phone.locator(".messages").inner_text()
    assert "实测少一层" in phone.locator("#findings").inner_text()
    assert no_sideways_scroll(phone)
    shot(phone, "onsite-checklist-phone")
    context.close()

    problem = Problem.objects.get(source="onsite")
    assert problem.school == w.school_a and problem.owner == w.school_a.name
    school = sign_in("school-a")
    school.goto(f"{live_server.url}/{w.year}/problems/")
    assert problem.message in school.locator("body").inner_text()
    school.goto(f"{live_server.url}/onsite/")
    with school.expect_download() as download:
        school.click("#onsite-notices a:has-text('下载整改通知')")
    assert download.value.suggested_filename == f"{w.school_a.name}-整改通知.docx"
