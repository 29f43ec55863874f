"""实地督导 with several people at once: real threads, each with its own database connection (SQLite
here, PostgreSQL with ``JUNHENG_TEST_POSTGRES=1``)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_concurrency import account, in_threads

from junheng.web.models import Problem
from junheng.web.onsite import draws, services
from junheng.web.onsite.models import SampledSchool, Visit
from junheng.web.services import ConflictError, WorkflowError

pytestmark = pytest.mark.django_db(transaction=True)
VISIT = dt.date(2025, 11, 20)


@pytest.fixture
def drawn(live_world):
    inspector = account(live_world.inspector)
    draws.draw(inspector, live_world.cy, VISIT, 99)
    return live_world, inspector, SampledSchool.objects.select_related("visit", "visit__county", "school").get(
        school=live_world.school_a)


def test_two_draws_of_one_visit_at_once_store_one(live_world):
    inspector = account(live_world.inspector)
    outcomes = in_threads(*[lambda seed=seed: draws.draw(inspector, live_world.cy, VISIT, seed) for seed in (1, 2)])
    assert sum(isinstance(o, Visit) for o in outcomes) == 1
    refused = next(o for o in outcomes if not isinstance(o, Visit))
    assert isinstance(refused, WorkflowError) and ("已有抽样结果" in str(refused) or "刚被他人抽样" in str(refused))
    assert Visit.objects.count() == 1 and SampledSchool.objects.count() == 4


def test_two_inspectors_saving_one_checklist_version_at_once_one_wins(drawn):
    _, inspector, sampled = drawn
    outcomes = in_threads(*[lambda v=v: services.save_checklist(inspector, sampled, {"teaching_area": v}, {}, 1)
                            for v in ("1000", "2000")])
    assert sum(isinstance(o, SampledSchool) for o in outcomes) == 1
    assert sum(isinstance(o, ConflictError) for o in outcomes) == 1
    stored = SampledSchool.objects.get(pk=sampled.pk)
    assert stored.version == 2 and stored.observed["teaching_area"] in (1000, 2000)


def test_findings_generated_twice_at_once_make_each_problem_once(drawn):
    _, inspector, sampled = drawn
    area = next(i["reported"] for i in sampled.items if i["field"] == "teaching_area")
    services.save_checklist(inspector, sampled, {"teaching_area": str(area / 2), "primary_classes": "1"}, {}, 1)
    outcomes = in_threads(*[lambda: services.generate_findings(inspector, sampled, dt.date(2026, 1, 31), "督导组", 2)
                            for _ in range(3)])
    assert all(isinstance(o, list) and len(o) == 2 for o in outcomes), outcomes
    assert Problem.objects.filter(source="onsite").count() == 2
