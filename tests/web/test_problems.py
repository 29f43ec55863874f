"""问题清单 → 整改 → 挂牌销号 → 成效清单, and inspector findings."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from junheng.web.models import AuditEntry, Problem, ProblemStatus
from junheng.web.results import result_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem_a(world):
    result, _ = result_of(world.cy)
    assert result["problems"], "the demo schools have shortfalls"
    problem = Problem.objects.filter(school=world.school_a, source="evaluation").first()
    assert problem is not None
    return problem


def test_problems_mirror_the_engine_list(world):
    from junheng.county_problems import county_problems
    from junheng.web.results import problem_key

    result, _ = result_of(world.cy)
    expected = result["problems"] + county_problems(result)
    assert Problem.objects.filter(county=world.county, source="evaluation").count() == len(expected)
    assert len({problem_key(p) for p in expected}) == len(expected)

    first = result["problems"][0]
    assert Problem.objects.get(key=problem_key(first)).message == first["message"]


def test_school_rectifies_and_bureau_closes(world, login, problem_a):
    url = reverse("problem", args=[world.year, problem_a.pk])
    school = login(world.user_a)
    school.post(url, {"action": "edit", "owner": "王校长", "measure": "新招聘体育教师 2 名", "deadline": "2025-08-31"})
    school.post(url, {"action": "move", "to": "in_progress"})
    response = school.post(url, {"action": "move", "to": "submitted"}, follow=True)
    assert "提交核验前须上传佐证材料" in response.content.decode()
    school.post(url, {"action": "evidence", "file": SimpleUploadedFile("聘用合同.pdf", b"%PDF-1.4 contract"),
                      "note": "聘用合同"})
    school.post(url, {"action": "move", "to": "submitted"})
    assert school.post(url, {"action": "move", "to": "closed"}, follow=True).status_code == 200
    problem_a.refresh_from_db()
    assert problem_a.status == ProblemStatus.SUBMITTED  # a school cannot close its own problem
    bureau = login(world.bureau)
    bureau.post(url, {"action": "move", "to": "closed"})
    problem_a.refresh_from_db()
    assert problem_a.status == ProblemStatus.CLOSED and problem_a.closed_at
    assert problem_a.owner == "王校长" and problem_a.deadline == dt.date(2025, 8, 31)
    effects = bureau.get(reverse("effects", args=[world.year])).content.decode()
    assert problem_a.message in effects and "新招聘体育教师" in effects
    evidence = problem_a.evidence.get()
    download = bureau.get(reverse("evidence", args=[world.year, problem_a.pk, evidence.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 contract"
    actions = set(AuditEntry.objects.filter(target__startswith=f"问题 #{problem_a.pk} ").values_list("action", flat=True))
    assert {"problem.edit", "problem.in_progress", "problem.evidence", "problem.submitted", "problem.closed"} <= actions
    bureau.post(url, {"action": "move", "to": "reopened"})
    problem_a.refresh_from_db()
    assert problem_a.status == ProblemStatus.REOPENED


def test_overdue_is_flagged_and_filtered(world, login, problem_a):
    problem_a.deadline = dt.date(2020, 1, 1)
    problem_a.save()
    assert problem_a.overdue
    client = login(world.bureau)
    html = client.get(reverse("problems", args=[world.year])).content.decode()
    assert "逾期" in html
    overdue = client.get(reverse("problems", args=[world.year]), {"overdue": "1"}).content.decode()
    assert problem_a.message in overdue and overdue.count(f'<tr><td><a href="/{world.year}/problems/') == 1
    other = client.get(reverse("problems", args=[world.year]), {"school": world.school_b.code}).content.decode()
    assert problem_a.message not in other


def test_inspector_finding_becomes_a_problem(world, login):
    client = login(world.inspector)
    response = client.post(reverse("finding", args=[world.year]),
                           {"school": world.school_b.code, "item": "Q7", "message": "复评发现：综合实践活动课未开足"})
    assert response.status_code == 302
    problem = Problem.objects.get(source="inspection")
    assert problem.school == world.school_b and problem.raised_by == world.inspector
    assert "复评发现" in login(world.user_b).get(reverse("problems", args=[world.year])).content.decode()
    assert login(world.inspector).post(reverse("finding", args=[world.year]), {"message": ""}).status_code == 400


def test_exports_are_workbooks_with_the_tracking_columns(world, login, problem_a):
    problem_a.status, problem_a.measure = ProblemStatus.CLOSED, "已整改"
    problem_a.save()
    for kind, title in (("problems", "问题清单"), ("effects", "成效清单")):
        response = login(world.bureau).get(reverse("download", args=[world.year, kind]))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book[title]
        header = [c.value for c in sheet[3]]
        assert "整改措施" in header and "状态" in header
        rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
        assert any(problem_a.message in (r[4] or "") for r in rows)
    assert "最新测算数值" in header


def test_regenerating_keeps_the_rectification_and_marks_vanished_problems(world, problem_a):
    from junheng.web.results import sync_problems

    problem_a.owner = "李主任"
    problem_a.save()
    result, _ = result_of(world.cy)
    kept = dict(result, problems=[p for p in result["problems"] if p.get("school_code") != world.school_a.code])
    sync_problems(world.cy, kept)
    problem_a.refresh_from_db()
    assert problem_a.resolved_in_data and problem_a.owner == "李主任"
    sync_problems(world.cy, result)
    problem_a.refresh_from_db()
    assert not problem_a.resolved_in_data


def test_evidence_must_be_a_document_or_picture(world, login, problem_a):
    url = reverse("problem", args=[world.year, problem_a.pk])
    response = login(world.user_a).post(url, {"action": "evidence", "file": SimpleUploadedFile("run.exe", b"MZ")},
                                        follow=True)
    assert "不支持的佐证材料类型" in response.content.decode()
    assert not problem_a.evidence.exists()


def test_problem_filter_swaps_the_list(world, login, problem_a):
    response = login(world.bureau).get(reverse("problems", args=[world.year]), {"status": "closed"},
                                       HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="problem-list"' in html and problem_a.message not in html


def test_latest_state_reads_the_latest_evaluation(world, problem_a):
    from junheng.web.results import latest_state, problem_key

    result, _ = result_of(world.cy)
    listed = next(p for p in result["problems"] if problem_key(p) == problem_a.key)
    still = latest_state(problem_a, result)
    assert not still.resolved and still.value == listed["value"] and still.shortfall == listed["shortfall"]
    gone = latest_state(problem_a, dict(result, problems=[]))
    assert gone.resolved and gone.shortfall == 0
    assert latest_state(problem_a, None) is None


def test_odd_inputs_get_chinese_answers_not_errors(world, login, problem_a):
    url = reverse("problem", args=[world.year, problem_a.pk])
    client = login(world.user_a)
    response = client.post(url, {"action": "move", "to": "no-such-status"}, follow=True)
    assert response.status_code == 200 and "不能改为“no-such-status”" in response.content.decode()
    long_name = "整改" * 80 + ".pdf"
    client.post(url, {"action": "evidence", "file": SimpleUploadedFile(long_name, b"%PDF")})
    evidence = problem_a.evidence.get()
    assert evidence.original_name.endswith(".pdf") and len(evidence.file.name) <= 100
    assert client.get(reverse("evidence", args=[world.year, problem_a.pk, evidence.pk])).status_code == 200
