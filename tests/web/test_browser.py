"""Real flows in Chromium (Playwright) against a live server, one per role.

Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from junheng.web.models import Problem, ProblemStatus, Status, Submission
from junheng.web.results import result_of

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed")]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def sign_in(browser, live_server, password):
    contexts = []

    def page_for(username: str):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield page_for
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def displayed_cv(page, stage: str, indicator_index: int) -> str:
    return page.locator(f'td[data-cv="{stage}-{indicator_index}"]').inner_text()


def test_school_fills_bureau_accepts_dashboard_updates(live_world, sign_in, live_server):
    w = live_world
    Submission.objects.filter(school=w.school_a).update(status=Status.DRAFT)
    before, _ = result_of(w.cy)
    l7_index = list(before["counties"][0]["stages"]["primary"]["indicators"]).index("L7")

    school = sign_in("school-a")
    assert school.url.endswith(f"/{w.year}/schools/{w.school_a.code}/")
    assert school.locator("#f-primary_teachers").is_visible()
    assert not school.locator("#f-junior_teachers").is_visible()  # a 小学 has no 初中 fields to fill
    school.fill("#f-primary_students", "不详")
    school.fill("#f-multimedia_rooms", "90")
    school.click("#save")
    errors = school.locator("#form-errors").inner_text()
    assert "小学在校生数(人)：值“不详”不是非负整数" in errors
    shot(school, "school-form-error")
    school.fill("#f-primary_students", str(Submission.objects.get(school=w.school_a).values["primary_students"]))
    school.click("#save")
    assert "已保存" in school.locator(".messages").inner_text()
    school.click("button:has-text('提交审核')")
    assert school.locator("#submission-status").inner_text() == "已提交待审核"

    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/{w.year}/dashboard/")
    old_cv = displayed_cv(bureau, "primary", l7_index)
    bureau.goto(f"{live_server.url}/{w.year}/schools/")
    bureau.click(f"#schools a[href$='/schools/{w.school_a.code}/']")
    bureau.click("button:has-text('审核通过')")
    assert bureau.locator("#submission-status").inner_text() == "已审核通过"
    bureau.goto(f"{live_server.url}/{w.year}/dashboard/")
    after, _ = result_of(w.cy)
    new = after["counties"][0]["stages"]["primary"]["indicators"]["L7"]["cv"]
    assert displayed_cv(bureau, "primary", l7_index) == f"{new:.3f}" != old_cv
    bureau.wait_for_function("document.querySelector('#cv-primary canvas') !== null")
    assert bureau.locator("#unit-grid").inner_text().count(w.school_a.name) >= 1
    shot(bureau, "dashboard-bureau")


def test_problem_closed_with_evidence_reaches_the_effects_list(live_world, sign_in, live_server, tmp_path):
    w = live_world
    result_of(w.cy)
    problem = Problem.objects.filter(school=w.school_a, source="evaluation").first()
    evidence = tmp_path / "整改验收照片.png"
    evidence.write_bytes(b"\x89PNG\r\n\x1a\n evidence")

    school = sign_in("school-a")
    school.goto(f"{live_server.url}/{w.year}/problems/{problem.pk}/")
    school.fill("textarea[name=measure]", "调剂两间教室改建为网络多媒体教室")
    school.fill("input[name=owner]", "李校长")
    school.fill("input[name=deadline]", "2025-08-31")
    school.click("#save-problem")
    school.set_input_files("input[type=file]", str(evidence))
    school.click("#upload-evidence")
    assert "整改验收照片.png" in school.locator("#evidence").inner_text()
    school.click("#move-submitted")
    assert school.locator("#problem-status").inner_text() == "待核验"
    shot(school, "problem-submitted")

    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/{w.year}/problems/{problem.pk}/")
    bureau.click("#move-closed")
    assert bureau.locator("#problem-status").inner_text() == "已销号"
    bureau.goto(f"{live_server.url}/{w.year}/effects/")
    effects = bureau.locator("#effects").inner_text()
    assert problem.message in effects and "调剂两间教室" in effects
    shot(bureau, "effects-list")
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_inspector_reads_the_county_and_raises_a_finding(live_world, sign_in, live_server):
    w = live_world
    inspector = sign_in("zhuanjia")
    assert inspector.url.endswith(f"/{w.year}/dashboard/")
    assert inspector.locator("#county-verdict").inner_text() in ("达标", "未达标", "未评估")
    shot(inspector, "dashboard-inspector")
    inspector.goto(f"{live_server.url}/{w.year}/schools/{w.school_b.code}/")
    assert inspector.locator("#save").count() == 0  # read-only
    inspector.goto(f"{live_server.url}/{w.year}/problems/new/")
    inspector.select_option("select[name=school]", w.school_b.code)
    inspector.fill("input[name=item]", "Q7")
    inspector.fill("textarea[name=message]", "复评发现：综合实践活动课时未开足")
    inspector.click("#raise-finding")
    assert "复评反馈已加入问题清单" in inspector.locator(".messages").inner_text()
    assert Problem.objects.filter(source="inspection", school=w.school_b).exists()


def test_a_stale_edit_shows_a_conflict_and_keeps_what_was_typed(live_world, sign_in, live_server):
    w = live_world
    result_of(w.cy)
    problem = Problem.objects.filter(school=w.school_a, source="evaluation").first()
    url = f"{live_server.url}/{w.year}/problems/{problem.pk}/"
    school = sign_in("school-a")
    school.goto(url)
    bureau = sign_in("jyj")
    bureau.goto(url)
    bureau.fill("input[name=owner]", "李科长")
    bureau.fill("textarea[name=measure]", "教育局统筹调剂场地")
    bureau.click("#save-problem")
    assert "整改信息已保存" in bureau.locator(".messages").inner_text()

    school.fill("input[name=owner]", "王校长")
    school.fill("textarea[name=measure]", "本校自筹资金改建")
    school.click("#save-problem")
    conflict = school.locator("#problem-error").inner_text()
    assert "已被他人修改" in conflict and "李科长" in school.locator("#newer-values").inner_text()
    assert school.input_value("input[name=owner]") == "王校长"
    assert school.input_value("textarea[name=measure]") == "本校自筹资金改建"
    shot(school, "problem-conflict")
    school.click("#save-problem")  # having seen the newer values, the user keeps their own
    assert "整改信息已保存" in school.locator(".messages").inner_text()
    problem.refresh_from_db()
    assert problem.owner == "王校长" and problem.measure == "本校自筹资金改建"


def test_bureau_closes_a_county_level_problem(live_world, sign_in, live_server, tmp_path):
    w = live_world
    result_of(w.cy)
    problem = Problem.objects.get(county=w.county, school=None, item="G11")
    evidence = tmp_path / "骨干教师交流轮岗名单.pdf"
    evidence.write_bytes(b"%PDF-1.4 list")
    bureau = sign_in("jyj")
    bureau.goto(f"{live_server.url}/{w.year}/problems/")
    bureau.click(f"a[href$='/problems/{problem.pk}/']")
    assert "县级问题（教育局负责整改）" in bureau.locator("#county-level").inner_text()
    bureau.fill("input[name=owner]", "人事股")
    bureau.fill("textarea[name=measure]", "骨干教师交流轮岗比例提高到 20% 以上")
    bureau.fill("input[name=deadline]", "2025-12-31")
    bureau.click("#save-problem")
    bureau.set_input_files("input[type=file]", str(evidence))
    bureau.click("#upload-evidence")
    bureau.click("#move-submitted")
    bureau.click("#move-closed")
    assert bureau.locator("#problem-status").inner_text() == "已销号"
    bureau.goto(f"{live_server.url}/{w.year}/effects/")
    effects = bureau.locator("#effects").inner_text()
    assert problem.message[:20] in effects and "骨干教师交流轮岗比例" in effects
    shot(bureau, "effects-county-problem")
