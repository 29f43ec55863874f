"""A school user cannot read or write another school through any page or API route.

Every named URL pattern and every API operation must appear in the rule tables below, so a new
route cannot be added without deciding who may use it.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, reverse

from junheng.web import urls
from junheng.web.api import api
from junheng.web.models import ApiToken, AuditEntry, Evidence, Problem, Role, Submission
from junheng.web.results import result_of
from junheng.web.services import add_evidence, raise_finding

pytestmark = pytest.mark.django_db

# What school A gets when it aims a route at school B (or at county-wide data):
# "404": not found; "403": refused; "own": allowed, but the page shows only its own school.
PAGE_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "home": ("own", ()),
    "login": ("own", ()),
    "logout": ("own", ()),
    "password": ("own", ()),
    "token": ("own", ()),
    "years": ("403", ()),
    "users": ("403", ()),
    "standard": ("403", ()),
    "audit": ("403", ()),
    "year_home": ("own", ("year",)),
    "dashboard": ("403", ("year",)),
    "schools": ("403", ("year",)),
    "school": ("404", ("year", "code")),
    "school_move": ("404", ("year", "code")),
    "school_upload": ("404", ("year", "code")),
    "school_results": ("404", ("year", "code")),
    "county_data": ("403", ("year",)),
    "import": ("403", ("year",)),
    "tongji_upload": ("403", ("year",)),
    "problems": ("own", ("year",)),
    "finding": ("403", ("year",)),
    "problem": ("404", ("year", "pk")),
    "evidence": ("404", ("year", "pk", "evidence_id")),
    "effects": ("own", ("year",)),
    "reports": ("403", ("year",)),
    "download": ("own", ("year", "kind")),
    "healthz": ("own", ()),
    "plan": ("403", ("year",)),
    "plan_adopt": ("403", ("year", "pk")),
    "year_changes": ("403", ("year",)),
    "warnings": ("403", ("year",)),
    "warnings_dashboard": ("403", ("year",)),
    "warning_raise": ("403", ("year",)),
    "school_trend": ("404", ("year", "code")),
}


def named_patterns(patterns=None) -> list[str]:
    """Every named page route, through the capability apps' includes (the API is checked apart, and
    the public survey app's routes have their rule table in test_survey.py, the reviewers' in
    test_review_access.py, 实地督导's in test_onsite.py)."""
    names = []
    for p in urls.urlpatterns if patterns is None else patterns:
        if isinstance(p, URLPattern):
            names.append(p.name)
        elif isinstance(p, URLResolver) and not str(p.pattern).startswith(("api/", "survey/", "review/", "onsite/")):
            names.extend(named_patterns(p.url_patterns))
    return names


def test_every_page_route_has_an_access_rule():
    assert sorted(named_patterns()) == sorted(PAGE_RULES)


@pytest.fixture
def other_school(world):
    """School B with a problem (an inspector finding), evidence on it, and an evaluation problem."""
    from junheng.web.models import Account

    result_of(world.cy)
    finding = raise_finding(Account.objects.get(user=world.inspector), world.cy, world.school_b, "L3",
                            "复评发现：体育教师实际在岗人数不足")
    evidence = add_evidence(Account.objects.get(user=world.user_b), finding,
                            SimpleUploadedFile("整改照片.png", b"\x89PNG secret-of-school-b"))
    return {"problem": finding, "evidence": evidence}


def page_url(name: str, world, other: dict, kind: str = "problems") -> str:
    values = {"year": world.year, "code": world.school_b.code, "pk": other["problem"].pk,
              "evidence_id": other["evidence"].pk, "kind": kind}
    return reverse(name, kwargs={k: values[k] for k in PAGE_RULES[name][1]})


def snapshot_of_data():
    return ([(s.pk, s.status, s.values, s.rooms) for s in Submission.objects.order_by("pk")],
            [(p.pk, p.status, p.owner, p.measure, p.deadline) for p in Problem.objects.order_by("pk")],
            Evidence.objects.count())


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    return body.decode("utf-8", "replace")


@pytest.mark.parametrize("name", sorted(set(PAGE_RULES) - {"login", "logout"}))
@pytest.mark.parametrize("method", ["get", "post"])
def test_school_user_cannot_reach_another_school(world, login, other_school, name, method):
    client = login(world.user_a)
    rule = PAGE_RULES[name][0]
    kinds = ["problems", "effects", "measures", "problem-book", "report"] if name == "download" else ["problems"]
    before = snapshot_of_data()
    for kind in kinds:
        url = page_url(name, world, other_school, kind)
        data = {"to": "accepted", "action": "move", "reason": "x", "owner": "张三", "measure": "m",
                "primary_students": "1", "file": SimpleUploadedFile("a.xlsx", b"PK")}
        response = client.get(url) if method == "get" else client.post(url, data)
        if rule == "own" and name == "download" and kind not in ("problems", "effects"):
            assert response.status_code in (403, 405), url
        elif rule == "own":
            assert response.status_code in (200, 302, 400, 405), url
            assert world.school_b.name not in text_of(response), url
            assert world.school_b.code not in text_of(response), url
        else:
            assert response.status_code in {int(rule), 405}, url  # 405: a method the route does not take
    assert snapshot_of_data() == before


def test_school_user_sees_its_own_school(world, login, other_school):
    client = login(world.user_a)
    assert client.get(reverse("school", args=[world.year, world.school_a.code])).status_code == 200
    assert client.get(reverse("school_results", args=[world.year, world.school_a.code])).status_code == 200


def test_inspector_is_read_only(world, login, other_school):
    client = login(world.inspector)
    before = snapshot_of_data()
    assert client.get(reverse("school", args=[world.year, world.school_b.code])).status_code == 200
    assert client.post(reverse("school", args=[world.year, world.school_b.code]), {}).status_code == 403
    assert client.post(reverse("school_move", args=[world.year, world.school_b.code]),
                       {"to": "returned", "reason": "x"}).status_code == 403
    client.post(reverse("problem", args=[world.year, other_school["problem"].pk]),
                {"action": "edit", "owner": "x", "measure": "y"})
    for name in ("import", "users", "years", "standard", "audit"):
        args = [world.year] if "year" in PAGE_RULES[name][1] else []
        assert client.get(reverse(name, args=args)).status_code == 403
    assert snapshot_of_data() == before


@pytest.mark.parametrize("url", ["/99999999999999999999/dashboard/", "/2024/problems/99999999999999999999/",
                                 "/0/schools/"])
def test_out_of_range_numbers_are_not_found(world, login, url):
    assert login(world.bureau).get(url).status_code == 404


def test_pages_need_login(client, world):
    response = client.get(reverse("dashboard", args=[world.year]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_another_county_is_invisible_to_a_bureau(world, login):
    """A bureau of county X gets 404 for county Y's schools and sees none of its problems."""
    from junheng.web.accounts.services import create_account
    from junheng.web.models import CollectionYear, County

    other = County.objects.create(name="邻县")
    user = create_account("linxian", Role.BUREAU, other, None, "Linxian-pass-2024").user
    CollectionYear.objects.create(county=other, year=world.year)
    client = login(user)
    assert client.get(reverse("school", args=[world.year, world.school_a.code])).status_code == 404
    assert client.get(reverse("dashboard", args=[world.year])).status_code == 200
    assert world.school_a.name not in client.get(reverse("problems", args=[world.year])).content.decode()


# ── API ─────────────────────────────────────────────────────────────────────────────────────

API_RULES = {
    ("GET", "/me"): "own",
    ("GET", "/schools"): "own",
    ("GET", "/submissions/{year}/{code}"): "404",
    ("PUT", "/submissions/{year}/{code}"): "404",
    ("POST", "/submissions/{year}/{code}/status"): "404",
    ("GET", "/evaluation/{year}"): "403",
    ("GET", "/problems"): "own",
    ("PATCH", "/problems/{pk}"): "404",
    ("POST", "/problems/{pk}/evidence"): "404",
    ("GET", "/audit"): "403",
}


def api_operations() -> list[tuple[str, str]]:
    return sorted((method, path) for _, router in api._routers for path, view in router.path_operations.items()
                  for op in view.operations for method in op.methods)


def test_every_api_route_has_an_access_rule():
    assert api_operations() == sorted(API_RULES)


@pytest.mark.parametrize(("method", "path"), sorted(API_RULES))
def test_school_token_cannot_reach_another_school(world, client, other_school, method, path):
    token = ApiToken.issue(world.user_a)
    url = "/api" + path.format(year=world.year, code=world.school_b.code, pk=other_school["problem"].pk)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    before = snapshot_of_data()
    if method == "GET":
        response = client.get(url, {"year": world.year}, **headers)
    elif method == "POST" and path.endswith("evidence"):
        response = client.post(url, {"file": SimpleUploadedFile("x.png", b"x")}, **headers)
    else:
        body = {"values": {"primary_students": 5}, "rooms": [], "to": "accepted", "status": "closed", "owner": "x"}
        response = client.generic(method, url, data=json.dumps(body), content_type="application/json",
                                  **headers)
    rule = API_RULES[(method, path)]
    if rule == "own":
        assert response.status_code == 200
        assert world.school_b.code not in response.content.decode()
    else:
        assert response.status_code == int(rule), response.content
    assert snapshot_of_data() == before


@pytest.mark.parametrize(("method", "path"), sorted(API_RULES))
def test_api_needs_a_valid_token(world, client, method, path):
    url = "/api" + path.format(year=world.year, code=world.school_a.code, pk=1)
    response = client.generic(method, url, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_audit_log_is_for_the_bureau_only(world, client, login):
    assert AuditEntry.objects.exists()
    assert login(world.inspector).get(reverse("audit")).status_code == 403
    token = ApiToken.issue(world.bureau)
    response = client.get("/api/audit", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()


@pytest.mark.parametrize("how", ["path", "query", "form", "json"])
def test_nul_characters_are_refused_before_any_query(world, login, how):
    """PostgreSQL cannot store NUL: such requests are a clean 400, never a server error."""
    client = login(world.bureau)
    token = ApiToken.issue(world.bureau)
    if how == "path":
        response = client.get(f"/{world.year}/schools/33%00/")
    elif how == "query":
        response = client.get(f"/{world.year}/problems/", {"status": "open\x00"})
    elif how == "form":
        response = client.post(reverse("finding", args=[world.year]), {"message": "a\x00b"})
    else:
        response = client.patch("/api/problems/1", data=json.dumps({"owner": "a\x00b"}),
                                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
