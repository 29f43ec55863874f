"""Reviewers by 行政区划 prefix: every reviewers' route has a rule, another region's county is
404, a reviewer writes no county data through any page or API route, and county roles cannot use
the reviewers' app. Every page of the site renders or refuses cleanly for an account with no county."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse
from review_world import make_region
from test_hostile_input import FORM_KEYS, ODD_VALUES, page_urls

from junheng.web import urls
from junheng.web.models import Account, ApiToken, AuditEntry, Evidence, Problem, Submission
from junheng.web.results import result_of
from junheng.web.review.urls import urlpatterns as review_patterns
from junheng.web.services import add_evidence, raise_finding

pytestmark = pytest.mark.django_db

# Every reviewers' route: its arguments, and whether it is read-only (POST is 405).
REVIEW_RULES: dict[str, tuple[tuple[str, ...], bool]] = {
    "rollup": ((), True),
    "export": ((), True),
    "checks": ((), True),
    "findings": ((), True),
    "finding": ((), False),
    "county": (("pk", "year"), True),
    "schools": (("pk", "year"), True),
    "school": (("pk", "year", "code"), True),
    "problems": (("pk", "year"), True),
    "problem": (("pk", "year", "problem_id"), True),
    "evidence": (("pk", "year", "problem_id", "evidence_id"), True),
}


def test_every_reviewers_route_has_a_rule():
    assert sorted(p.name for p in review_patterns) == sorted(REVIEW_RULES)


@pytest.fixture
def region(world):
    return make_region(world)


@pytest.fixture
def far_problem(region, world):
    """A problem with evidence in the county of another province (远方县)."""
    problem = Problem.objects.create(county=region.far, year=world.year, school=region.far_school, key="far|1",
                                     message="远方县的问题", source="inspection")
    evidence = add_evidence(Account.objects.get(user=world.bureau), problem, SimpleUploadedFile("a.png", b"\x89PNG far"))
    return problem, evidence


def review_url(name: str, county, year: int, code: str, problem=None, evidence=None) -> str:
    values = {"pk": county.pk, "year": year, "code": code, "problem_id": problem.pk if problem else 1,
              "evidence_id": evidence.pk if evidence else 1}
    return reverse(f"review:{name}", kwargs={k: values[k] for k in REVIEW_RULES[name][0]})


@pytest.mark.parametrize("name", [n for n, (args, _) in REVIEW_RULES.items() if "pk" in args])
def test_city_reviewer_gets_404_outside_its_prefix(world, region, login, far_problem, name):
    problem, evidence = far_problem
    client = login(region.city)
    url = review_url(name, region.far, world.year, region.far_school.code, problem, evidence)
    assert client.get(url).status_code == 404
    assert login(region.far_province).get(url).status_code == 200  # the same route, in the right region


@pytest.mark.parametrize("name", REVIEW_RULES)
def test_county_roles_cannot_use_the_reviewers_app(world, login, name):
    url = review_url(name, world.county, world.year, world.school_a.code)
    for user in (world.bureau, world.inspector, world.user_a):
        assert login(user).get(url).status_code == 403


@pytest.mark.parametrize("name", [n for n, (_, read_only) in REVIEW_RULES.items() if read_only])
def test_reviewers_pages_have_no_write_path(world, region, login, name):
    result_of(world.cy)
    problem = Problem.objects.filter(county=world.county).first()
    evidence = add_evidence(Account.objects.get(user=world.bureau), problem, SimpleUploadedFile("b.png", b"\x89PNG"))
    url = review_url(name, world.county, world.year, world.school_a.code, problem, evidence)
    client = login(region.city)
    assert client.get(url).status_code == 200
    for method in (client.post, client.put, client.patch, client.delete):
        assert method(url).status_code == 405


def every_page(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """Every named page route of the site but the API (checked below) and the reviewers' own."""
    found = []
    for p in urls.urlpatterns if patterns is None else patterns:
        if isinstance(p, URLPattern):
            found.append((prefix, p))
        elif isinstance(p, URLResolver) and not str(p.pattern).startswith(("api/", "review/")):
            found.extend(every_page(p.url_patterns, (p.namespace + ":") if p.namespace else prefix))
    return found


def data_now():
    return ([(s.pk, s.status, s.values, s.rooms) for s in Submission.objects.order_by("pk")],
            [(p.pk, p.status, p.owner, p.measure, p.deadline, p.version) for p in Problem.objects.order_by("pk")],
            Evidence.objects.count(), list(Account.objects.values_list("pk", "role")))


def test_every_county_page_renders_or_refuses_for_a_reviewer(world, region, login):
    """No page assumes a county: a reviewer gets the page (its own account's), a redirect or a
    clean refusal; and no POST anywhere changes the county's data."""
    result_of(world.cy)
    problem = raise_finding(Account.objects.get(user=world.inspector), world.cy, world.school_a, "L3", "复评发现")
    evidence = add_evidence(Account.objects.get(user=world.bureau), problem, SimpleUploadedFile("c.png", b"\x89PNG"))
    values = {"year": world.year, "code": world.school_a.code, "pk": problem.pk, "evidence_id": evidence.pk,
              "kind": "problems", "name": "close", "qid": "1", "token": "x"}
    client = login(region.city)
    before = data_now()
    allowed_pages = {"password", "token", "healthz", "login", "survey:respond", "survey:qr_image"}
    for namespace, pattern in every_page():
        name = namespace + pattern.name
        # 实地督导 is a reviewer's own work (its rule table, reviewers included, is in test_onsite.py).
        if name == "logout" or name.startswith("onsite:"):
            continue
        url = reverse(name, kwargs={k: values[k] for k in pattern.pattern.converters})
        got = client.get(url)
        if name == "home":
            assert got.status_code == 302 and got["Location"] == "/review/"
        elif name not in allowed_pages:
            assert got.status_code in (403, 404, 405), (name, got.status_code)
        posted = client.post(url, {"action": "move", "to": "closed", "status": "accepted"})
        assert posted.status_code in (302, 400, 403, 404, 405) or name in allowed_pages, (name, posted.status_code)
    assert data_now() == before


def test_password_and_token_pages_render_for_a_reviewer(world, region, login):
    client = login(region.city)
    page = client.get("/password/").content.decode()
    assert "各县汇总" in page and "行政区划 3301" in page and "挂图作战" not in page


def test_reviewer_token_reads_and_writes_no_county_data(world, region, client):
    token = ApiToken.issue(region.city)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/schools", **auth).json() == []
    before = data_now()
    assert client.put(f"/api/submissions/{world.year}/{world.school_a.code}", data={"values": {}},
                      content_type="application/json", **auth).status_code in (403, 404)
    assert client.post(f"/api/submissions/{world.year}/{world.school_a.code}/status", data={"to": "accepted"},
                       content_type="application/json", **auth).status_code in (403, 404)
    assert client.get("/api/audit", **auth).status_code == 403
    assert data_now() == before
    assert not AuditEntry.objects.filter(actor=region.city).exclude(action__startswith="token").exists()


@pytest.mark.parametrize("odd", ODD_VALUES, ids=range(len(ODD_VALUES)))
def test_no_page_fails_on_odd_input_from_a_reviewer(world, region, login, odd):

    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    client = login(region.city)
    keys = [*FORM_KEYS, "county", "kind", "source"]
    for url in page_urls(world, problem):
        assert client.post(url, {key: odd for key in keys}).status_code < 500, url
        assert client.get(url, {key: odd for key in ("year", "county", "kind", "status", "source", "page")}
                          ).status_code < 500, url
