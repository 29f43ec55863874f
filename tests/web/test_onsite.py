"""实地督导 on the web: the recorded, reproducible, stratified draw; the phone checklist and its
versions; findings → problems; the 整改通知 Word; the school's 整改报告; who sees what."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from test_hostile_input import ODD_VALUES

from junheng.demo import demo_dataset
from junheng.inspection.sampling import draw_sample
from junheng.web.models import Account, AuditEntry, Problem, Role
from junheng.web.onsite import files, urls
from junheng.web.onsite.models import RectificationReport, ReportStatus, SampledSchool, Visit

SEED = 20251120
VISIT = dt.date(2025, 11, 20)


@pytest.fixture
def county(db, new_world):
    """The whole demo county (40 schools in 11 strata): a sample of 8 out of them."""
    return new_world(demo_dataset())


def reviewer(name: str, role: str, region: str):
    user = get_user_model().objects.create_user(name, password="unused-password-1")
    Account.objects.create(user=user, role=role, region_code=region)
    return user


def draw(client, w, seed=SEED, visit=VISIT, **extra):
    return client.post(f"/onsite/{w.county.pk}/{w.year}/", {"visit_date": visit.isoformat(), "seed": str(seed), **extra})


def codes(visit: Visit) -> list[str]:
    return sorted(visit.schools.values_list("school__code", flat=True))


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_draw_is_recorded_and_the_same_seed_draws_the_same_schools(county, login):
    w, client = county, login(county.inspector)
    response = draw(client, w)
    assert response.status_code == 302
    visit = Visit.objects.get(county=w.county, year=w.year, visit_date=VISIT)
    assert (visit.seed, visit.drawn_by_name, visit.drawn_by_role) == (SEED, "zhuanjia", Role.INSPECTOR)
    assert visit.notice_date == VISIT - dt.timedelta(days=1)  # sample.notice_days
    expected = draw_sample(demo_dataset().schools, seed=SEED, visit_date=VISIT)  # the CLI's draw
    assert codes(visit) == sorted(expected.schools["school_code"].to_list())
    page = client.get(f"/onsite/{w.county.pk}/{w.year}/").content.decode()
    assert str(SEED) in page and "复核一致" in page and "2025-11-19" in page

    again = draw(client, w)  # the same visit once more: refused, nothing replaced
    assert again.status_code == 400
    assert "已有抽样结果" in again.content.decode()
    assert Visit.objects.get(pk=visit.pk).version == 1

    replaced = draw(client, w, replace="1", version=str(visit.version))  # deliberately, with the same seed
    assert replaced.status_code == 302
    visit.refresh_from_db()
    assert visit.version == 2 and codes(visit) == sorted(expected.schools["school_code"].to_list())
    stale = draw(client, w, seed=7, replace="1", version="1")  # a replacement from an old page
    assert stale.status_code == 400 and "已被他人重抽" in stale.content.decode()
    assert AuditEntry.objects.filter(action="onsite.draw").count() == 2


def test_draw_is_stratified_and_a_blank_seed_is_generated_and_recorded(county, login):
    w, client = county, login(county.inspector)
    assert draw(client, w, seed="").status_code == 302
    visit = Visit.objects.get(county=w.county)
    assert 0 <= visit.seed < 2**63
    sampled = list(visit.schools.all())
    assert 8 <= len(sampled) <= 12
    population = {row["school_code"]: row for row in visit.population}
    assert len(population) == 40
    kinds = {"小学": "小学", "初中": "初中", "完全中学": "初中", "九年一贯制学校": "一贯制", "十二年一贯制学校": "一贯制",
             "教学点": "教学点", "特殊教育学校": "特殊教育学校"}
    for s in sampled:  # each school sits in the stratum of its 城乡 and kind
        row = population[s.school.code]
        assert s.stratum == f"{row['area_type']}·{kinds[row['school_type']]}"
    for stratum, (size, taken) in visit.strata.items():
        assert sum(s.stratum == stratum for s in sampled) == taken <= size
    assert sum(taken for _, taken in visit.strata.values()) == len(sampled)
    # 8 draws over 11 strata: one from each of the 8 largest, never two from one
    assert len({s.stratum for s in sampled}) == len(sampled)
    assert draw(client, w, seed="12x", visit=dt.date(2025, 12, 1)).status_code == 400


def test_draw_by_reviewers_under_their_prefix_only(county, client):
    w = county
    client.force_login(reviewer("shiji", Role.CITY, "3301"))
    assert draw(client, w).status_code == 302
    assert client.get("/onsite/").content.decode().count(w.county.name) >= 1
    client.force_login(reviewer("other-city", Role.CITY, "3302"))
    assert client.get(f"/onsite/{w.county.pk}/{w.year}/").status_code == 404
    sampled = SampledSchool.objects.first()
    assert client.get(f"/onsite/s/{sampled.pk}/").status_code == 404
    assert draw(client, w, visit=dt.date(2025, 12, 2)).status_code == 404
    client.force_login(w.user_a)
    assert client.get(f"/onsite/{w.county.pk}/{w.year}/").status_code == 403


def test_neither_bureau_nor_school_learn_the_draw_before_the_notice_date(county, login):
    w = county
    soon = timezone.localdate() + dt.timedelta(days=5)
    inspector = login(w.inspector)
    draw(inspector, w, seed=seed_drawing(w.school_a.code), visit=soon)
    inspector.get("/onsite/")  # shows (and so clears) the inspector's message naming the seed
    sampled = SampledSchool.objects.get(school=w.school_a)
    bureau = login(w.bureau)
    page = bureau.get(f"/onsite/{w.county.pk}/{w.year}/").content.decode()
    assert "将于通知日期" in page and sampled.school.name not in page and 'class="seed"' not in page
    refused = bureau.post(f"/onsite/{w.county.pk}/{w.year}/", {"visit_date": soon.isoformat()})  # nor by drawing
    assert refused.status_code == 400 and f"随机种子 {Visit.objects.get().seed}" not in refused.content.decode()
    assert bureau.get(f"/onsite/s/{sampled.pk}/").status_code == 404
    assert "本校被抽中" not in login(w.user_a).get("/onsite/").content.decode()

    Visit.objects.update(notice_date=timezone.localdate())  # the notice date has come
    assert sampled.school.name in login(w.bureau).get(f"/onsite/{w.county.pk}/{w.year}/").content.decode()
    told = login(w.user_a).get("/onsite/").content.decode()
    assert "本校被抽中" in told and f"督导日期 {soon.isoformat()}" in told


@functools.cache
def seed_drawing(code: str) -> int:
    """A seed whose draw includes the school ``code`` (so that its account can answer)."""
    schools = demo_dataset().schools
    return next(seed for seed in range(1, 1000)
                if code in draw_sample(schools, seed=seed).schools["school_code"].to_list())


def sampled_school(w, client) -> SampledSchool:
    """School A, drawn."""
    assert draw(client, w, seed=seed_drawing(w.school_a.code)).status_code == 302
    return SampledSchool.objects.get(school=w.school_a)


def fill(client, sampled, version, seen: dict, notes: dict | None = None):
    data = {"action": "save", "version": str(version), **{f"seen-{k}": v for k, v in seen.items()},
            **{f"note-{k}": v for k, v in (notes or {}).items()}}
    return client.post(f"/onsite/s/{sampled.pk}/", data)


def reported(sampled, field):
    return next(i["reported"] for i in sampled.items if i["field"] == field)


def test_checklist_is_prefilled_and_a_stale_save_is_refused_keeping_the_input(county, login):
    w, client = county, login(county.inspector)
    sampled = sampled_school(w, client)
    page = client.get(f"/onsite/s/{sampled.pk}/").content.decode()
    area = reported(sampled, "teaching_area")
    assert "报送值" in page and f"{area:g}" in page and "房产证" in page  # the evidence to see
    assert fill(client, sampled, 1, {"teaching_area": "1000"}).status_code == 302
    sampled.refresh_from_db()
    assert sampled.observed == {"teaching_area": 1000} and sampled.version == 2

    stale = fill(client, sampled, 1, {"teaching_area": "1234.5"})  # typed on a page opened at version 1
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "已被他人修改" in body and 'value="1234.5"' in body and "他人保存的最新值" in body
    sampled.refresh_from_db()
    assert sampled.observed == {"teaching_area": 1000} and sampled.version == 2

    bad = fill(client, sampled, 2, {"teaching_area": "一千", "primary_teachers": "-3", "equipment_value": "nan"})
    body = bad.content.decode()
    assert bad.status_code == 400 and body.count("不是有效数值") == 3 and 'value="一千"' in body
    sampled.refresh_from_db()
    assert sampled.version == 2


def generate(client, sampled, version, deadline="2026-01-31"):
    return client.post(f"/onsite/s/{sampled.pk}/", {"action": "findings", "version": str(version),
                                                    "deadline": deadline, "issuer": "清溪县实地督导组"})


def test_findings_become_problems_of_the_school_once(county, login):
    w, client = county, login(county.inspector)
    sampled = sampled_school(w, client)
    area = reported(sampled, "teaching_area")
    fill(client, sampled, 1, {"teaching_area": str(area * 0.9), "sports_field_area": str(reported(sampled, "sports_field_area")),
                              "primary_teachers": str(reported(sampled, "primary_teachers") or 0)},
         {"teaching_area": "实测教学楼少一层"})
    assert generate(client, sampled, 2).status_code == 302
    problem = Problem.objects.get(source="onsite")
    assert (problem.school, problem.owner, problem.deadline) == (sampled.school, sampled.school.name, dt.date(2026, 1, 31))
    assert problem.key == f"onsite|{sampled.visit_id}|{sampled.school.code}|teaching_area"
    assert "实测教学楼少一层" in problem.message and "多报" in problem.message

    assert generate(client, sampled, 2).status_code == 302  # again: the same one problem
    assert Problem.objects.filter(source="onsite").count() == 1
    assert generate(client, sampled, 1).status_code == 400  # from an old page

    bureau_list = login(w.bureau).get(f"/{w.year}/problems/?school={sampled.school.code}").content.decode()
    assert problem.message in bureau_list
    assert problem.message in login(w.user_a).get(f"/{w.year}/problems/").content.decode()

    client = login(w.inspector)  # (one test client: each login replaces the previous one)
    assert fill(client, sampled, 2, {"teaching_area": str(area)}).status_code == 302  # re-measured: no longer a finding
    assert generate(client, sampled, 3).status_code == 302
    problem.refresh_from_db()
    assert problem.resolved_in_data
    sampled.refresh_from_db()
    assert sampled.findings == []
    assert client.get(f"/onsite/s/{sampled.pk}/report/").status_code == 404  # nothing left to answer
    assert client.get(f"/onsite/s/{sampled.pk}/notice.docx").status_code == 404


def test_the_bureau_cannot_rewrite_what_inspectors_saw(county, login):
    w = county
    sampled = sampled_school(w, login(w.inspector))
    bureau = login(w.bureau)
    assert fill(bureau, sampled, 1, {"teaching_area": "1"}).status_code == 403
    assert generate(bureau, sampled, 1).status_code == 403


@pytest.fixture
def notified(county, login):
    """School A drawn (a visit of the bureau's own: the bureau draws, inspects and sees it all), one finding."""
    w = county
    client = login(w.bureau)
    sampled = sampled_school(w, client)
    fill(client, sampled, 1, {"teaching_area": str(reported(sampled, "teaching_area") * 0.8)}, {"teaching_area": "少一层"})
    generate(client, sampled, 2)
    sampled.refresh_from_db()
    return w, sampled


def test_notice_is_a_word_file_for_the_inspector_and_the_school_only(notified, login, monkeypatch):
    w, sampled = notified
    built = []
    real = files.write_notice
    monkeypatch.setattr(files, "write_notice", lambda *a, **k: built.append(1) or real(*a, **k))
    response = login(w.bureau).get(f"/onsite/s/{sampled.pk}/notice.docx")
    assert response.status_code == 200
    text = docx_text(b"".join(response.streaming_content))
    assert f"关于{w.school_a.name}实地督导核查问题的整改通知" in text
    assert "2026-01-31" in text and "清溪县实地督导组" in text and "少一层" in text
    assert f"{reported(sampled, 'teaching_area'):g}" in text
    school = login(w.user_a).get(f"/onsite/s/{sampled.pk}/notice.docx")
    assert school.status_code == 200 and b"".join(school.streaming_content)
    assert built == [1]  # built once for this checklist version, then served as a file
    assert generate(login(w.bureau), sampled, 2, deadline="2026-02-28").status_code == 302  # a new deadline
    text = docx_text(b"".join(login(w.user_a).get(f"/onsite/s/{sampled.pk}/notice.docx").streaming_content))
    assert "2026-02-28" in text and built == [1, 1]
    assert Problem.objects.get(source="onsite").deadline == dt.date(2026, 2, 28)
    assert login(w.user_b).get(f"/onsite/s/{sampled.pk}/notice.docx").status_code == 404
    assert login(w.user_a).get(f"/onsite/s/{sampled.pk}/").status_code == 403  # the checklist is the inspectors'
    assert f"/onsite/s/{sampled.pk}/notice.docx" in login(w.user_a).get("/onsite/").content.decode()


def test_school_answers_the_notice_with_a_word_report(notified, login):
    w, sampled = notified
    report = RectificationReport.objects.get(sampled=sampled)
    school = login(w.user_a)
    page = f"/onsite/s/{sampled.pk}/report/"
    assert school.get(page).status_code == 200
    missing = school.post(page, {"action": "submit", "version": "1"})
    assert missing.status_code == 400 and "尚未填写" in missing.content.decode()
    problem = Problem.objects.get(source="onsite")
    school.post(f"/{w.year}/problems/{problem.pk}/", {"action": "evidence", "note": "测绘报告",
                                                      "file": SimpleUploadedFile("测绘报告.pdf", b"%PDF-1.4 x")})
    answer = "已重新测绘，报送数据更正为实测面积 <附测绘报告>"
    assert school.post(page, {"action": "save", "version": "1", "answer-teaching_area": answer}).status_code == 302
    stale = school.post(page, {"action": "submit", "version": "1", "answer-teaching_area": "另一版"})
    assert stale.status_code == 409 and "另一版" in stale.content.decode()
    assert school.post(page, {"action": "submit", "version": "2", "answer-teaching_area": answer}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.answers == {"teaching_area": answer}

    bureau = login(w.bureau)
    assert answer.replace("<", "&lt;").replace(">", "&gt;") in bureau.get(page).content.decode()
    word = bureau.get(f"/onsite/s/{sampled.pk}/report.docx")
    text = docx_text(b"".join(word.streaming_content))
    assert f"{w.school_a.name}关于实地督导核查问题的整改报告" in text and answer in text and "测绘报告.pdf" in text
    school = login(w.user_a)  # (one test client: each login replaces the previous one)
    refused = school.post(page, {"action": "save", "version": "3", "answer-teaching_area": "x"})
    assert refused.status_code == 400 and "不能修改" in refused.content.decode()

    assert login(w.bureau).post(page, {"action": "return", "version": "3", "reason": "佐证不足"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert "佐证不足" in login(w.user_a).get(page).content.decode()
    assert login(w.user_b).get(page).status_code == 404


def test_a_report_handed_in_goes_back_when_new_findings_arrive(notified, login):
    w, sampled = notified
    page = f"/onsite/s/{sampled.pk}/report/"
    login(w.user_a).post(page, {"action": "submit", "version": "1", "answer-teaching_area": "已更正"})
    assert RectificationReport.objects.get(sampled=sampled).status == ReportStatus.SUBMITTED
    bureau = login(w.bureau)
    fill(bureau, sampled, 2, {"teaching_area": str(reported(sampled, "teaching_area") * 0.8), "primary_classes": "1"})
    assert generate(bureau, sampled, 3).status_code == 302
    report = RectificationReport.objects.get(sampled=sampled)
    assert report.status == ReportStatus.RETURNED and "核查发现已更新" in report.return_reason
    assert Problem.objects.filter(source="onsite", school=w.school_a).count() == 2


# Route → what school B (not the school of the notice) and a reviewer of another city get.
ONSITE_RULES = {
    "home": (200, 200),
    "county_year": (403, 404),
    "checklist": (403, 404),
    "notice": (404, 404),
    "report": (404, 404),
    "report_docx": (404, 404),
}


def test_every_onsite_route_has_an_access_rule(notified, login, client):
    w, sampled = notified
    assert sorted(p.name for p in urls.urlpatterns) == sorted(ONSITE_RULES)
    login(w.user_a).post(f"/onsite/s/{sampled.pk}/report/", {"action": "submit", "version": "1",
                                                             "answer-teaching_area": "已更正"})
    values = {"county": w.county.pk, "year": w.year, "pk": sampled.pk}
    for name, (other_school, other_city) in ONSITE_RULES.items():
        pattern = next(p for p in urls.urlpatterns if p.name == name)
        url = reverse(f"onsite:{name}", kwargs={k: values[k] for k in pattern.pattern.converters})
        assert login(w.user_b).get(url).status_code == other_school, url
        client.force_login(reviewer(f"city-{name}", Role.CITY, "3302"))
        assert client.get(url).status_code == other_city, url
        client.force_login(reviewer(f"province-{name}", Role.PROVINCE, "33"))  # 浙江: sees it
        assert client.get(url).status_code == 200, url
    client.force_login(reviewer("city-listing", Role.CITY, "3302"))
    assert w.county.name not in client.get("/onsite/").content.decode()  # not even listed


@pytest.mark.parametrize("odd", [*ODD_VALUES, "²", "\x01\x02"], ids=range(len(ODD_VALUES) + 2))
def test_odd_input_on_onsite_pages_is_never_a_server_error(notified, login, odd):
    w, sampled = notified
    keys = ["visit_date", "seed", "replace", "version", "deadline", "issuer", "reason", "answer-teaching_area",
            *(f"{prefix}-{i['field']}" for i in sampled.items for prefix in ("seen", "note"))]
    forms = [f"/onsite/{w.county.pk}/{w.year}/", f"/onsite/s/{sampled.pk}/", f"/onsite/s/{sampled.pk}/report/"]
    for user in (w.bureau, w.inspector, w.user_a):
        client = login(user)
        for url in forms:
            for action in ("save", "findings", "submit", "return", "other"):
                response = client.post(url, {key: odd for key in keys} | {"action": action})
                assert response.status_code < 500, (user, url, action)
    assert Visit.objects.count() == 1 and Problem.objects.filter(source="onsite").count() == 1


def test_one_tap_saves_the_typed_values_and_generates_the_findings(county, login):
    w, client = county, login(county.inspector)
    sampled = sampled_school(w, client)
    form = {"action": "findings", "version": "1", "deadline": "2026-01-31", "issuer": "督导组",
            **{f"seen-{i['field']}": "" for i in sampled.items}, "seen-teaching_area": "1"}
    assert client.post(f"/onsite/s/{sampled.pk}/", form).status_code == 302
    sampled.refresh_from_db()
    assert sampled.observed == {"teaching_area": 1} and sampled.version == 2 and sampled.findings_version == 2
    assert client.post(f"/onsite/s/{sampled.pk}/", form | {"version": "2"}).status_code == 302  # the same again
    sampled.refresh_from_db()
    assert sampled.version == 2 and Problem.objects.filter(source="onsite").count() == 1
    bad = client.post(f"/onsite/s/{sampled.pk}/", form | {"version": "2", "deadline": "明年"})
    assert bad.status_code == 400 and "整改时限“明年”不是有效日期" in bad.content.decode()
