"""Every page renders for the roles it serves, in Chinese, from the engine's result."""

from __future__ import annotations

import pytest
from django.urls import reverse

from junheng.web.models import Problem

pytestmark = pytest.mark.django_db


def county_pages(world):
    y = world.year
    return [reverse("dashboard", args=[y]), reverse("dashboard", args=[y]) + "?preview=1",
            reverse("schools", args=[y]), reverse("school", args=[y, world.school_a.code]),
            reverse("school_results", args=[y, world.school_a.code]), reverse("county_data", args=[y]),
            reverse("problems", args=[y]), reverse("effects", args=[y]), reverse("reports", args=[y])]


def test_bureau_sees_every_county_page(world, login):
    client = login(world.bureau)
    pages = county_pages(world) + [reverse(n) for n in ("years", "users", "standard", "audit", "token", "password")]
    pages += [reverse("import", args=[world.year]), reverse("finding", args=[world.year])]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<html lang=\"zh-Hans\">" in response.content.decode()


def test_dashboard_shows_the_engine_verdict_and_grid(world, login):
    client = login(world.bureau)
    html = client.get(reverse("dashboard", args=[world.year])).content.decode()
    assert 'id="county-verdict"' in html
    assert world.school_a.name in html
    assert "cv-data" in html and "echarts.common.min.js" in html
    assert 'id="provisional"' not in html


def test_problems_come_from_the_official_evaluation(world, login):
    client = login(world.inspector)
    client.get(reverse("dashboard", args=[world.year]))
    assert Problem.objects.filter(county=world.county, source="evaluation").exists()
    html = client.get(reverse("problems", args=[world.year])).content.decode()
    assert Problem.objects.first().message in html


def test_home_sends_each_role_to_its_start_page(world, login):
    assert login(world.user_a).get("/", follow=True).redirect_chain[-1][0] == reverse(
        "school", args=[world.year, world.school_a.code])
    assert login(world.inspector).get("/", follow=True).redirect_chain[-1][0] == reverse("dashboard", args=[world.year])


@pytest.mark.parametrize("kind", ["problems", "effects"])
def test_downloads_are_office_files(world, login, kind):
    response = login(world.bureau).get(reverse("download", args=[world.year, kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:2] == b"PK"


def test_trend_appears_with_a_second_year(world, login, small_dataset):
    from dataclasses import replace

    import polars as pl

    from junheng.web.services import import_county

    earlier = replace(small_dataset, schools=small_dataset.schools.with_columns(pl.lit(2023).alias("year")),
                      rooms=small_dataset.rooms.with_columns(pl.lit(2023).alias("year")),
                      county=small_dataset.county.with_columns(pl.lit(2023).alias("year")),
                      monitoring=small_dataset.monitoring.with_columns(pl.lit(2023).alias("year")))
    import_county(earlier, 2023, world.county)
    html = login(world.bureau).get(reverse("dashboard", args=[world.year])).content.decode()
    assert 'id="trend-cv"' in html and '"years": [2023, 2024]' in html
