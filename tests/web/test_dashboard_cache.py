"""The dashboard is rendered once per data revision and served from the cache after that; any
change shows on the next load, and the per-user parts (name, CSRF token) are never cached."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from junheng.web.models import Account, Problem, ProblemStatus, Status, Submission
from junheng.web.services import move_problem, move_submission

pytestmark = pytest.mark.django_db


def progress(html: str) -> str:
    return re.search(r'id="progress">([^<]*)<', html).group(1).strip()


def main(html: str) -> str:
    return html[html.index("<main>"):]


def test_a_change_shows_on_the_next_load_not_a_stale_page(world, login):
    client = login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    before = client.get(url).content.decode()
    accepted = Submission.objects.filter(school__county=world.county, year=world.year, status=Status.ACCEPTED)
    n = accepted.count()
    assert n and progress(before).startswith(f"{n} /")
    assert main(client.get(url).content.decode()) == main(before)  # served again, unchanged

    bureau = Account.objects.get(user=world.bureau)
    returned = accepted.select_related("school").first()
    move_submission(bureau, returned, Status.RETURNED, reason="请核对")  # bumps the revision
    after = client.get(url).content.decode()
    assert progress(after).startswith(f"{n - 1} /")  # the progress card
    # the result part: the returned school's units leave the official grid
    assert main(after).count(returned.school.name) < main(before).count(returned.school.name)


def test_a_problem_status_change_shows_on_the_next_load(world, login):
    client = login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    client.get(url)
    problem = Problem.objects.filter(county=world.county, year=world.year).first()
    assert problem is not None
    started = Problem.objects.filter(county=world.county, year=world.year, status=ProblemStatus.IN_PROGRESS)
    assert f"{ProblemStatus.IN_PROGRESS.label} {started.count()}<" in client.get(url).content.decode()
    n = started.count()
    move_problem(Account.objects.get(user=world.bureau), problem, ProblemStatus.IN_PROGRESS)
    assert f"{ProblemStatus.IN_PROGRESS.label} {n + 1}<" in client.get(url).content.decode()


def test_a_cached_page_keeps_each_users_name_and_csrf_token(world):
    url = reverse("dashboard", args=[world.year])
    pages = {}
    for user in (world.bureau, world.inspector):
        client = Client()
        client.force_login(user)
        client.get(url)  # the first one renders the body; the second is served from the cache
        html = client.get(url).content.decode()
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        assert re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert f"· {user.username}</span>" in html
        pages[user.username] = (html, token)
    (a, token_a), (b, token_b) = pages.values()
    assert token_a != token_b
    assert main(a) == main(b)


def test_an_unchanged_revision_costs_no_rendering_queries(world, login):
    client = login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    sqls = [q["sql"] for q in first.captured_queries]
    assert not any("junheng_web_evaluationsnapshot" in s.lower() for s in sqls), sqls
    assert not any('from "junheng_school"' in s.lower() for s in sqls), sqls  # the cards are not counted again
    assert sum('junheng_problem' in s.lower() for s in sqls) == 1, sqls  # only in the stamp


def test_a_repeated_load_reads_session_account_and_stamp_only_and_renders_nothing(world, login):
    client = login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    client.get(url)
    with CaptureQueriesContext(connection) as again:
        response = client.get(url)
    assert response.status_code == 200 and response.templates == []  # served whole, no template
    sqls = [q["sql"].lower() for q in again.captured_queries]
    assert len(sqls) == 3, sqls
    assert "django_session" in sqls[0] and "junheng_account" in sqls[1] and "junheng_problem" in sqls[2]


def test_a_message_is_shown_once_on_a_stored_page(world, login):
    client = login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    client.get(url)
    client.post(reverse("years"), {"year": "abc"})  # refused: the message waits for the next page
    assert "年度须为四位数字" in client.get(url).content.decode()
    assert "年度须为四位数字" not in client.get(url).content.decode()


def test_the_token_of_a_stored_page_is_accepted_and_differs_per_load(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    client.get(url)
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()).group(1)
              for _ in range(2)]
    assert tokens[0] != tokens[1]  # masked anew on every load
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert client.get(url).status_code == 302  # signed out: to the sign-in page


def test_a_stored_page_follows_the_account(world, login):
    client = login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    assert "审计日志" in client.get(url).content.decode()
    assert "审计日志" in client.get(url).content.decode()
    Account.objects.filter(user=world.bureau).update(role="inspector")  # its menu loses the bureau's pages
    assert "审计日志" not in client.get(url).content.decode()
    world.bureau.is_active = False
    world.bureau.save(update_fields=["is_active"])
    assert client.get(url).status_code == 302


def test_a_session_ended_elsewhere_ends_here(world):
    first = Client()
    first.force_login(world.bureau)
    url = reverse("dashboard", args=[world.year])
    assert first.get(url).status_code == 200
    second = Client()
    second.cookies["sessionid"] = first.cookies["sessionid"].value
    assert second.get(url).status_code == 200
    first.post(reverse("logout"))
    assert second.get(url).status_code == 302  # the session row is gone for every worker


def test_sessions_of_djangos_own_backend_still_work(world):
    client = Client()
    client.force_login(world.bureau, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("dashboard", args=[world.year])).status_code == 200
