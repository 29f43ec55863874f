"""A county's long lists (its schools, its problems) come a page of 100 rows at a time, and the
links to the other pages keep the filters."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from junheng.web.models import Problem, ProblemStatus, School

pytestmark = pytest.mark.django_db


def next_link(html: str) -> str:
    return re.search(r'<a href="(\?page=[^"]*)">下一页</a>', html).group(1).replace("&amp;", "&")


def test_the_schools_list_is_paged_and_the_search_kept(world, login):
    School.objects.bulk_create(School(county=world.county, code=f"99{i:08d}", name=f"新区第{i}小学")
                               for i in range(250))
    total = School.objects.filter(county=world.county).count()
    client = login(world.bureau)
    url = reverse("schools", args=[world.year])
    first = client.get(url).content.decode()
    assert first.count(">查看") == 100
    assert f"第 1 / {-(-total // 100)} 页（共 {total} 条）" in first

    found = client.get(url, {"q": "新区"}).content.decode()
    assert found.count(">查看") == 100 and "共 250 条" in found
    link = next_link(found)
    assert "q=%E6%96%B0%E5%8C%BA" in link  # the search goes along to the next page
    second = client.get(url + link).content.decode()
    assert "第 2 / 3 页" in second and second.count(">查看") == 100
    last = client.get(url + next_link(second)).content.decode()
    assert last.count(">查看") == 50 and "下一页" not in last
    assert world.school_a.name not in last  # only the searched schools


def test_the_problem_list_is_paged_and_the_filters_kept(world, login):
    Problem.objects.bulk_create(
        Problem(county=world.county, year=world.year, school=world.school_a, source="inspection", key=f"k{i}",
                item="G1", message=f"复评问题{i}",
                status=ProblemStatus.IN_PROGRESS if i % 2 else ProblemStatus.OPEN)
        for i in range(460))
    client = login(world.bureau)
    url = reverse("problems", args=[world.year])
    first = client.get(url, {"status": ProblemStatus.IN_PROGRESS, "school": world.school_a.code}).content.decode()
    assert first.count('class="badge status-') == 100
    assert "第 1 / 3 页（共 230 条）" in first
    link = next_link(first)
    assert "status=in_progress" in link and f"school={world.school_a.code}" in link
    second = client.get(url + link).content.decode()
    assert "第 2 / 3 页" in second
    last = client.get(url + next_link(second)).content.decode()
    assert last.count('class="badge status-in_progress"') == 30
    assert 'class="badge status-open"' not in last  # the filter holds on every page
    assert "上一页" in last


def test_the_effects_list_is_paged(world, login):
    from django.utils import timezone

    Problem.objects.bulk_create(
        Problem(county=world.county, year=world.year, school=world.school_a, source="inspection", key=f"e{i}",
                item="G1", message=f"已整改问题{i}", status=ProblemStatus.CLOSED, closed_at=timezone.now())
        for i in range(230))
    closed = Problem.objects.filter(county=world.county, year=world.year, status=ProblemStatus.CLOSED).count()
    client = login(world.bureau)
    url = reverse("effects", args=[world.year])
    first = client.get(url).content.decode()
    assert first.count('<tr><td><a href="') == 100
    assert f"第 1 / {-(-closed // 100)} 页（共 {closed} 条）" in first
    pages = -(-closed // 100)
    last = client.get(url, {"page": pages}).content.decode()
    assert last.count('<tr><td><a href="') == closed - 100 * (pages - 1)


def api_get(client, user, path: str, **params):
    from junheng.web.models import ApiToken

    return client.get("/api" + path, params, HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)}")


def test_the_api_lists_are_paged_with_the_total_in_a_header(world, client):
    School.objects.bulk_create(School(county=world.county, code=f"98{i:08d}", name=f"东区第{i}小学")
                               for i in range(150))
    Problem.objects.bulk_create(
        Problem(county=world.county, year=world.year, school=world.school_a, source="inspection", key=f"a{i}",
                item="G1", message=f"接口问题{i}") for i in range(120))
    for path, model in (("/schools", School), ("/problems", Problem)):
        total = model.objects.filter(county=world.county).count()
        first = api_get(client, world.bureau, path)
        assert first.status_code == 200 and len(first.json()) == 100  # the default page
        assert first["X-Total-Count"] == str(total)
        rest = api_get(client, world.bureau, path, offset=100, limit=1000)
        assert len(rest.json()) == total - 100
        key = "code" if model is School else "id"
        assert {r[key] for r in first.json()}.isdisjoint(r[key] for r in rest.json())  # a stable order
        assert api_get(client, world.bureau, path, limit=1001).status_code == 422


def test_a_schools_results_page_lists_its_problems_a_page_at_a_time(world, login):
    Problem.objects.bulk_create(
        Problem(county=world.county, year=world.year, school=world.school_a, source="inspection", key=f"s{i}",
                item="G1", message=f"本校问题{i}") for i in range(150))
    client = login(world.user_a)
    url = reverse("school_results", args=[world.year, world.school_a.code])
    first = client.get(url).content.decode()  # the evaluation's own problems are opened by now
    total = Problem.objects.filter(year=world.year, school=world.school_a).count()
    assert first.count('class="badge status-') == 100 and f"（共 {total} 条）" in first
    assert client.get(url + next_link(first)).content.decode().count('class="badge status-') == total - 100
