"""The survey in Chromium: a phone answers on a 390 px page, a second try from the same phone is
refused, and the bureau's page shows the quota and the rate move without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import CHROMIUM, browser, shot, sign_in  # noqa: F401  (the same Chromium fixtures)

from junheng.web.models import Account
from junheng.web.survey import services
from junheng.web.survey.models import Response, Survey

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]

RESIDENTS = {"residents_城区": "300000", "residents_镇区": "120000", "residents_乡村": "80000"}


def answer_every_item(phone) -> None:
    """Tap the first 满意 option of each question, as a satisfied parent would."""
    phone.locator("fieldset.q").first.locator("label").nth(4).click()  # grade 5
    for item in phone.locator("fieldset.q[id^=q-]").all():
        labels = item.locator("label")
        texts = labels.all_inner_texts()
        choice = next(n for n, t in enumerate(texts) if t.strip() in ("满意", "适中", "不存在"))
        labels.nth(choice).click()


def test_phone_answers_stuffing_refused_bureau_page_updates(live_world, sign_in, live_server, browser):  # noqa: F811
    w = live_world
    survey = services.create_survey(Account.objects.get(user=w.bureau), w.year, RESIDENTS)
    Survey.objects.filter(pk=survey.pk).update(min_seconds_per_item="0.1")  # 2 s for the 12 items
    link = survey.links.filter(group="parent", school=w.school_a).get()

    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/survey/{w.year}/")
    assert bureau.locator("#valid-count").inner_text() == "0 / 750"
    assert bureau.locator("#combined-rate").inner_text() == "—"
    parent_row = bureau.locator("#groups tr[data-group=parent]")
    assert parent_row.locator("td.valid").inner_text() == "0"

    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/survey/r/{link.token}/")
    assert "社会卷" in phone.title()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert phone.evaluate("document.scripts.length") == 0
    box = phone.locator("fieldset.q[id^=q-] label").first.bounding_box()
    assert box["height"] >= 44 and box["width"] > 300  # a thumb-sized target across the screen
    answer_every_item(phone)
    phone.wait_for_timeout(2100)
    shot(phone, "survey-phone-form")
    phone.click("#submit")
    assert "提交成功" in phone.locator("#result").inner_text()
    shot(phone, "survey-phone-thanks")

    phone.goto(f"{live_server.url}/survey/r/{link.token}/")  # the same phone tries to vote again
    answer_every_item(phone)
    phone.wait_for_timeout(2100)
    phone.click("#submit")
    assert "本设备已提交过这份问卷" in phone.locator("#result").inner_text()
    shot(phone, "survey-phone-stuffing-refused")
    context.close()

    # the page refreshes itself; expect() polls from outside (the pages' CSP forbids evaluated strings)
    expect(bureau.locator("#valid-count")).to_have_text(re.compile(r"^1 /"), timeout=15000)
    expect(bureau.locator("#rejected-count")).to_have_text("1", timeout=15000)
    assert bureau.locator("#combined-rate").inner_text() == "100.00%"
    assert parent_row.locator("td.valid").inner_text() == "1"
    assert parent_row.locator("td.rate").inner_text() == "100.00%"
    school_row = bureau.locator(f"#schools tr[data-school='{w.school_a.code}']")
    assert school_row.locator("td").nth(2).inner_text().startswith("1 / ")
    shot(bureau, "survey-bureau-live")
    assert Response.objects.count() == 1

    bureau.goto(f"{live_server.url}/survey/{w.year}/qr/?school={w.school_a.code}")
    assert bureau.locator("section.sheet svg").count() == 4  # 家长、学生、教师、校长
    assert "家长" in bureau.locator("section.sheet").inner_text()
    shot(bureau, "survey-qr-sheet")
