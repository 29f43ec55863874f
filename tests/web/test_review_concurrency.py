"""Reviewers at the same moment (real threads, each with its own connection): the first visits of
a roll-up and of the cross-checks store one summary per county revision and one cross-check per
stamp, and every request answers."""

from __future__ import annotations

import pytest
from django.test import Client
from review_world import make_region
from test_concurrency import in_threads

from junheng.web.results import result_of
from junheng.web.review.models import CountySummary, CrossCheck

pytestmark = pytest.mark.django_db(transaction=True)


def page(user, url: str):
    def load():
        client = Client()
        client.force_login(user)
        return client.get(url).status_code
    return load


def test_first_visits_at_once_store_one_summary_and_one_cross_check(live_world):
    region = make_region(live_world)
    result_of(live_world.cy)  # stored result; the summaries are cut by whichever request comes first
    users = (region.city, region.province, region.city, region.province)
    assert in_threads(*(page(u, "/review/") for u in users)) == [200] * 4
    assert CountySummary.objects.filter(county=live_world.county).count() == 1
    assert in_threads(*(page(region.city, "/review/checks/") for _ in range(3))) == [200] * 3
    assert CrossCheck.objects.filter(region_code="3301").count() == 1
