"""Several people at once (issue 10, defects 1–5): real threads against the test database, so
these run on SQLite and, with ``JUNHENG_TEST_POSTGRES=1``, on PostgreSQL."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import polars as pl
import pytest
from django.db import connection
from django.urls import reverse

from junheng.web import results
from junheng.web.models import Account, AuditEntry, EvaluationSnapshot, Problem, School, Status, Submission
from junheng.web.results import bump_revision, result_of
from junheng.web.services import (
    ConflictError,
    WorkflowError,
    move_submission,
    save_county_values,
    update_problem,
)


def in_threads(*calls):
    """Run the calls at the same moment, each in its own thread with its own connection; returns
    each call's result or the exception it raised."""
    start = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            start.wait()
            outcomes[i] = call()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def account(user) -> Account:
    return Account.objects.select_related("user", "county", "school").get(user=user)


# ── defect 1: unique problem keys; a result and its problems stored together ────────────────────


@pytest.mark.django_db
def test_a_school_without_music_and_art_rooms_gets_two_g3_problems(small_dataset, new_world, client):
    first = small_dataset.schools.get_column("school_code")[0]
    w = new_world(replace(small_dataset, rooms=small_dataset.rooms.filter(pl.col("school_code") != first)))
    assert w.school_a.code == first
    result, reason = result_of(w.cy)
    assert reason == ""
    g3 = Problem.objects.filter(school=w.school_a, item="G3")
    assert g3.count() == 2 and len({p.key for p in g3}) == 2
    assert Problem.objects.filter(county=w.county).count() == len(results.tracked_problems(result))
    client.force_login(w.bureau)
    assert client.get(reverse("dashboard", args=[w.year])).status_code == 200
    assert "音乐" in client.get(reverse("problems", args=[w.year])).content.decode()


@pytest.mark.django_db
def test_a_result_is_stored_with_all_its_problems_or_not_at_all(world, monkeypatch, login):
    twice = [{"school_code": None, "stage": None, "item": "G7", "kind": "county_item", "message": "x"}] * 2
    monkeypatch.setattr(results, "county_problems", lambda result: twice)
    result, reason = result_of(world.cy)
    assert result is None and "问题清单生成出错" in reason
    assert not EvaluationSnapshot.objects.exists() and not Problem.objects.exists()
    assert login(world.bureau).get(reverse("dashboard", args=[world.year])).status_code == 200


# ── defect 2: a stored result belongs to the data revision it was computed from ──────────────


@pytest.mark.django_db(transaction=True)
def test_results_computed_during_acceptances_never_stand_for_the_later_data(small_dataset, new_world, monkeypatch):
    """A dashboard load reads the data, then schools are accepted before it stores its result:
    that result must not become the official one (it counted 37 of 40 schools in the issue)."""
    w = new_world(small_dataset)
    codes = sorted(School.objects.values_list("code", flat=True))
    waiting = codes[2:]
    Submission.objects.filter(school__code__in=waiting).update(status=Status.SUBMITTED)
    bump_revision(w.county.pk)
    bureau = account(w.bureau)
    read, data_read = results.dataset_for, threading.Event()

    def slow_read(cy, official=True):  # the acceptances land between reading the data and storing
        dataset = read(cy, official)
        data_read.set()
        time.sleep(0.3)
        return dataset

    monkeypatch.setattr(results, "dataset_for", slow_read)

    def accept(code):
        data_read.wait(10)
        return move_submission(bureau, Submission.objects.select_related("school").get(school__code=code),
                               Status.ACCEPTED)

    def reload_dashboard():
        until = time.monotonic() + 1.5
        while time.monotonic() < until:
            result_of(w.cy)
            time.sleep(0.01)

    outcomes = in_threads(*(lambda c=c: accept(c) for c in waiting), reload_dashboard, reload_dashboard)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    result, _ = result_of(w.cy)
    assert {u["school_code"] for u in result["units"]} == set(codes)
    w.county.refresh_from_db()
    assert set(EvaluationSnapshot.objects.filter(official=True).values_list("revision", flat=True)) == {
        w.county.revision}


# ── defect 3: no lost update ─────────────────────────────────────────────────────────────────


@pytest.mark.django_db(transaction=True)
def test_two_people_editing_one_problem_never_lose_an_edit(small_dataset, new_world):
    w = new_world(small_dataset)
    result_of(w.cy)
    problem = Problem.objects.filter(school=w.school_a).first()
    school, bureau = account(w.user_a), account(w.bureau)
    for round_ in range(10):
        problem.refresh_from_db()
        seen = problem.version

        def edit(acc, owner, seen=seen):
            return update_problem(acc, Problem.objects.get(pk=problem.pk), {"owner": owner}, version=seen)

        outcomes = in_threads(lambda r=round_: edit(school, f"王校长{r}"), lambda r=round_: edit(bureau, f"李科长{r}"))
        saved = [o for o in outcomes if isinstance(o, Problem)]
        refused = [o for o in outcomes if isinstance(o, ConflictError)]
        assert len(saved) == 1 and len(refused) == 1, outcomes
        problem.refresh_from_db()
        assert problem.owner == saved[0].owner and problem.version == seen + 1
        assert refused[0].newer == {"owner": saved[0].owner} and refused[0].version == seen + 1


@pytest.mark.django_db
def test_a_stale_problem_edit_shows_the_newer_values_and_keeps_the_input(world, login):
    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    url = reverse("problem", args=[world.year, problem.pk])
    stale = problem.version
    login(world.bureau).post(url, {"action": "edit", "owner": "李科长", "measure": "教育局统筹", "deadline": "",
                                   "version": stale})
    response = login(world.user_a).post(url, {"action": "edit", "owner": "王校长", "measure": "本校自筹改建",
                                              "deadline": "2025-08-31", "version": stale})
    html = response.content.decode()
    assert response.status_code == 409
    assert "已被他人修改" in html and "李科长" in html and "教育局统筹" in html  # the newer values
    assert 'value="王校长"' in html and "本校自筹改建" in html and 'value="2025-08-31"' in html  # the input
    problem.refresh_from_db()
    assert problem.owner == "李科长"
    assert f'name="version" value="{problem.version}"' in html  # saving again overwrites knowingly


@pytest.mark.django_db
def test_a_stale_form_save_shows_the_newer_values_and_keeps_the_input(world, login):
    from test_collection import form_data

    sub = Submission.objects.get(school=world.school_a)
    Submission.objects.filter(pk=sub.pk).update(status=Status.DRAFT)
    sub.refresh_from_db()
    url = reverse("school", args=[world.year, world.school_a.code])
    stale = sub.version
    login(world.bureau).post(url, form_data(sub, multimedia_rooms="41", version=stale))
    response = login(world.user_a).post(url, form_data(sub, multimedia_rooms="39", version=stale))
    html = response.content.decode()
    assert response.status_code == 409 and 'id="conflict"' in html
    assert "41" in html.split('id="newer-values"')[1].split("</table>")[0]
    assert 'id="f-multimedia_rooms" value="39"' in html
    sub.refresh_from_db()
    assert sub.values["multimedia_rooms"] == 41


@pytest.mark.django_db
def test_the_api_refuses_a_stale_problem_patch_with_the_newer_values(world, client):
    from junheng.web.models import ApiToken

    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    token = ApiToken.issue(world.bureau)

    def patch(body):
        return client.patch(f"/api/problems/{problem.pk}", body, content_type="application/json",
                            HTTP_AUTHORIZATION=f"Bearer {token}")

    assert patch({"owner": "甲", "version": problem.version}).status_code == 200
    stale = patch({"owner": "乙", "version": problem.version})
    assert stale.status_code == 409 and stale.json()["newer"] == {"owner": "甲"}
    assert stale.json()["version"] == problem.version + 1


# ── defect 4: of two opposite decisions exactly one is made ──────────────────────────────────


@pytest.mark.django_db(transaction=True)
def test_accept_and_return_sent_at_once_exactly_one_wins(small_dataset, new_world):
    w = new_world(small_dataset)
    bureau = account(w.bureau)
    sub = Submission.objects.get(school=w.school_a)
    for _ in range(10):
        Submission.objects.filter(pk=sub.pk).update(status=Status.SUBMITTED)
        sub.refresh_from_db()
        seen = sub.version

        def decide(to, seen=seen):
            mine = Submission.objects.select_related("school").get(pk=sub.pk)
            return move_submission(bureau, mine, to, "数据有误" if to == Status.RETURNED else "", version=seen)

        outcomes = in_threads(lambda: decide(Status.ACCEPTED), lambda: decide(Status.RETURNED))
        made = [o for o in outcomes if isinstance(o, Submission)]
        refused = [o for o in outcomes if isinstance(o, WorkflowError)]
        assert len(made) == 1 and len(refused) == 1, outcomes
        assert "刚被他人处理" in str(refused[0])
        sub.refresh_from_db()
        assert sub.status == made[0].status and sub.version == seen + 1


@pytest.mark.django_db(transaction=True)
def test_close_and_reopen_of_one_problem_at_once_exactly_one_wins(small_dataset, new_world):
    w = new_world(small_dataset)
    result_of(w.cy)
    bureau = account(w.bureau)
    problem = Problem.objects.filter(school=w.school_a).first()
    Problem.objects.filter(pk=problem.pk).update(status="submitted")
    problem.refresh_from_db()
    from junheng.web.services import move_problem

    def decide(to):
        return move_problem(bureau, Problem.objects.get(pk=problem.pk), to, version=problem.version)

    outcomes = in_threads(lambda: decide("closed"), lambda: decide("reopened"))
    assert sorted(type(o).__name__ for o in outcomes) == ["Problem", "WorkflowError"], outcomes
    assert AuditEntry.objects.filter(action__in=("problem.closed", "problem.reopened")).count() == 1


# ── defect 5: reads never fail under a burst of writes ───────────────────────────────────────


@pytest.mark.django_db
def test_sqlite_waits_for_the_write_lock_instead_of_failing():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking settings (PostgreSQL locks rows)")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert connection.transaction_mode == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_dashboard_loads_during_a_burst_of_writes(small_dataset, new_world):
    from django.test import Client

    w = new_world(small_dataset)
    bureau = account(w.bureau)
    failures: list = []

    def write(n):
        for i in range(6):
            cy = type(w.cy).objects.select_related("county").get(pk=w.cy.pk)
            save_county_values(bureau, cy, {**cy.county_values, "exchanged": 100 + n * 10 + i})

    def read():
        client = Client()
        client.force_login(w.bureau)
        for _ in range(6):
            response = client.get(reverse("dashboard", args=[w.year]))
            if response.status_code != 200:
                failures.append(response.status_code)

    outcomes = in_threads(lambda: write(1), lambda: write(2), read, read, read)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert failures == []
