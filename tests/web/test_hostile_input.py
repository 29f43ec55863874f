"""Hostile or odd input on every page never yields a server error (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse

from junheng.schema import COUNTY, SCHOOLS
from junheng.web import urls
from junheng.web.models import Problem
from junheng.web.results import result_of

pytestmark = pytest.mark.django_db

ODD_VALUES = ["", "x" * 5000, "-1", "1e309", "９９", "<script>alert(1)</script>", "2024-02-30", "' OR 1=1 --",
              "0" * 40, "NaN", "²"]  # "²".isdigit() is true, yet int("²") fails
FORM_KEYS = ["id", "grade", "to", "reason", "action", "owner", "measure", "deadline", "note", "school", "item", "message",
             "username", "role", "password", "code", "name", "year", "is_open", "standard_id", "profile_yaml",
             "status", "page", "preview", "room-0-room_type", "room-0-area",
             *(f.id for f in SCHOOLS.fields), *(f.id for f in COUNTY.fields)]
ACTIONS = ["edit", "evidence", "move", "create", "toggle", "password", "revoke", "other"]


def page_urls(world, problem) -> list[str]:
    values = {"year": world.year, "code": world.school_a.code, "pk": problem.pk, "evidence_id": 1, "problem_id": problem.pk,
              "kind": "problems", "token": "x" * 40, "name": "visits", "qid": "social",
              "county": world.county.pk}
    found = []
    for name, pattern in page_patterns(urls.urlpatterns):
        if name not in ("logout",):
            names = pattern.pattern.converters.keys()
            found.append(reverse(name, kwargs={k: values[k] for k in names}))
    assert len(found) > 20  # every capability app's pages, through the includes
    return found


def page_patterns(patterns, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """(name to reverse, pattern) of every page route, through the apps' includes and namespaces."""
    found = []
    for p in patterns:
        if isinstance(p, URLPattern):
            found.append((namespace + p.name, p))
        elif isinstance(p, URLResolver) and not str(p.pattern).startswith("api/"):
            found.extend(page_patterns(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else "")))
    return found


@pytest.mark.parametrize("odd", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_no_page_fails_on_odd_input(world, login, odd):
    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    for user in (world.bureau, world.user_a):
        client = login(user)
        for url in page_urls(world, problem):
            for action in ACTIONS if ("/problems/" in url or url.startswith(("/users/", "/token/"))) else ACTIONS[:1]:
                data = {key: odd for key in FORM_KEYS} | {"action": action,
                                                         "file": SimpleUploadedFile("odd.pdf", odd.encode())}
                response = client.post(url, data)
                assert response.status_code < 500, (url, action)
            response = client.get(url, {key: odd for key in ("status", "page", "preview", "next")})
            assert response.status_code < 500, url


def test_digits_that_are_not_ascii_are_not_a_version_or_a_room_number():
    from django.http import QueryDict

    from junheng.web.forms import posted_rooms, posted_version

    assert posted_version(QueryDict("version=²")) is None  # "²".isdigit(), yet int("²") fails
    assert posted_version(QueryDict("version=３")) is None
    rows = posted_rooms(QueryDict("room-²-room_type=音乐&room-1-room_type=美术"))
    assert [row["room_type"] for row in rows] == ["美术"]
