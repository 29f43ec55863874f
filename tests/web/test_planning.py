"""The 达标规划 page: run once per data revision, read, turn rows into 整改措施 with one click."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest
from django.urls import reverse

from junheng.planning.models import CountyPlan
from junheng.web.models import AuditEntry, Problem
from junheng.web.results import bump_revision

pytestmark = pytest.mark.django_db
# Three more 城区 小学 beside the shared four, so that the oversize school has somewhere to send pupils (G4).
RECEIVERS = ("3301010004", "3301010005", "3301010006")


def _world():
    from conftest import SCHOOL_CODES, make_world
    from junheng.demo import demo_dataset

    ds = demo_dataset()
    keep = pl.col("school_code").is_in(SCHOOL_CODES + RECEIVERS)
    return make_world(replace(ds, schools=ds.schools.filter(keep), rooms=ds.rooms.filter(keep)))


@pytest.fixture
def world(db):
    return _world()


def _run(client, year, **data):
    return client.post(reverse("plan", args=[year]), {"years": "1", **data})


def test_bureau_runs_the_plan_once_per_revision_and_reads_it(world, login):
    client = login(world.bureau)
    page = client.get(reverse("plan", args=[world.year]))
    assert page.status_code == 200 and "编制规划" in page.content.decode()
    response = _run(client, world.year)
    assert response.status_code == 302
    plan = CountyPlan.objects.get()
    assert plan.result["status"] in ("optimal", "feasible")
    html = client.get(response["Location"]).content.decode()
    assert "规划总成本" in html and "节省" in html and "复核" in html
    for action in plan.result["actions"]:
        assert action["text"] in html
    _run(client, world.year)  # the same options on the same data: the stored plan, not a new one
    assert CountyPlan.objects.count() == 1
    assert AuditEntry.objects.filter(action="plan.run").count() == 1


def test_rows_become_measures_with_one_click(world, login):
    client = login(world.bureau)
    _run(client, world.year)
    plan = CountyPlan.objects.get()
    response = client.post(reverse("plan_adopt", args=[world.year, plan.pk]), {"all": "1", "version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.adopted and plan.version == 1
    measures = Problem.objects.filter(measure__contains="【达标规划】")
    assert measures.count() >= 1
    texts = {plan.result["actions"][i]["text"] for i in plan.adopted}
    assert any(t in p.measure for p in measures for t in texts)
    # a page showing the older version is refused and changes nothing
    before = {p.pk: p.measure for p in Problem.objects.all()}
    response = client.post(reverse("plan_adopt", args=[world.year, plan.pk]), {"all": "1", "version": 0}, follow=True)
    assert "已被他人更新" in response.content.decode()
    assert before == {p.pk: p.measure for p in Problem.objects.all()}


def test_bad_options_keep_the_input_and_say_why(world, login):
    client = login(world.bureau)
    response = _run(client, world.year, budget="很多", costs_yaml="costs:\n  recruit.teacher: 5\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert "不是金额" in html and "recruit.teacher: 5" in html
    response = _run(client, world.year, costs_yaml="costs:\n  recruit.teacher: -5\n")
    assert response.status_code == 400 and "为负数" in response.content.decode()
    assert not CountyPlan.objects.exists()


def test_infeasible_budget_is_said_not_hidden(world, login):
    client = login(world.bureau)
    response = _run(client, world.year, budget="1")
    html = client.get(response["Location"]).content.decode()
    assert "无法达标" in html and "总预算" in html


def test_roles_and_stale_plans(world, login):
    client = login(world.bureau)
    _run(client, world.year)
    bump_revision(world.county.pk)  # the data changed
    assert "已过期" in client.get(reverse("plan", args=[world.year])).content.decode()
    inspector = login(world.inspector)
    page = inspector.get(reverse("plan", args=[world.year]))
    assert page.status_code == 200 and "编制规划" not in page.content.decode()
    assert inspector.post(reverse("plan", args=[world.year]), {"years": "1"}).status_code == 404
    school = login(world.user_a)
    assert school.get(reverse("plan", args=[world.year])).status_code == 403


@pytest.fixture
def committed_world(transactional_db):
    return _world()


def test_two_bureau_users_adopting_the_same_version_at_once_write_once(committed_world):
    """Real threads, each with its own database connection: one adoption wins, the other is refused,
    and no measure is written twice. On PostgreSQL they run at once; the in-memory SQLite test
    database (shared cache, which ignores the busy timeout) takes them one after the other."""
    import threading

    from django.db import connection

    from junheng.planning import services
    from junheng.web.models import Account
    from junheng.web.services import WorkflowError

    world = committed_world
    acc = Account.objects.get(user=world.bureau)
    plan = services.run_plan(acc, world.cy, None, 1, "")
    indexes = list(range(len(plan.result["actions"])))
    at_once = connection.vendor != "sqlite"
    outcomes, barrier = [], threading.Barrier(2 if at_once else 1)

    def adopt() -> None:
        try:
            barrier.wait()
            outcomes.append(services.adopt(acc, world.cy, plan, indexes, 0))
        except WorkflowError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=adopt) for _ in range(2)]
    for thread in threads:
        thread.start()
        if not at_once:
            thread.join()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2
    assert sum(1 for o in outcomes if isinstance(o, int) and o > 0) == 1
    assert any(isinstance(o, str) and "已被他人更新" in o for o in outcomes)
    plan.refresh_from_db()
    assert plan.version == 1
    for problem in Problem.objects.filter(measure__contains="【达标规划】"):
        lines = problem.measure.splitlines()
        assert len(lines) == len(set(lines))
