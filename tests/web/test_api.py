"""The JSON API: token auth, the same validation as the form, the engine's JSON; schemathesis."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from junheng.web.models import ApiToken, AuditEntry, Problem, ProblemStatus, Status, Submission
from junheng.web.results import result_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world, client):
    def call(user, method: str, path: str, **kwargs):
        token = ApiToken.issue(user)
        return getattr(client, method.lower())("/api" + path, HTTP_AUTHORIZATION=f"Bearer {token}", **kwargs)

    return call


def test_openapi_document_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/submissions/{year}/{code}" in paths and "/api/evaluation/{year}" in paths


def test_evaluation_is_the_engine_json(world, api):
    response = api(world.inspector, "GET", f"/evaluation/{world.year}")
    assert response.status_code == 200
    body = response.json()
    assert body == result_of(world.cy)[0]
    assert {"standard", "counties", "units", "excluded", "schools", "problems"} <= set(body)


def test_put_submission_validates_like_the_form(world, api):
    import json

    sub = Submission.objects.get(school=world.school_a, year=world.year)
    Submission.objects.filter(pk=sub.pk).update(status=Status.DRAFT)
    values = dict(sub.values, primary_students="不详")
    response = api(world.user_a, "PUT", f"/submissions/{world.year}/{world.school_a.code}",
                   data=json.dumps({"values": values, "rooms": sub.rooms}), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["field"] == "primary_students" and "不详" in e["message"] for e in errors)
    values = dict(sub.values, multimedia_rooms=99)
    response = api(world.user_a, "PUT", f"/submissions/{world.year}/{world.school_a.code}",
                   data=json.dumps({"values": values, "rooms": sub.rooms}), content_type="application/json")
    assert response.status_code == 200 and response.json()["values"]["multimedia_rooms"] == 99
    response = api(world.user_a, "POST", f"/submissions/{world.year}/{world.school_a.code}/status",
                   data=json.dumps({"to": "submitted"}), content_type="application/json")
    assert response.json()["status"] == "submitted"
    assert AuditEntry.objects.filter(action="submission.submitted", actor=world.user_a).exists()


def test_problem_patch_and_evidence(world, api):
    import json

    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    response = api(world.user_a, "PATCH", f"/problems/{problem.pk}",
                   data=json.dumps({"owner": "赵老师", "measure": "购置设备", "deadline": "2025-06-30",
                                    "status": "in_progress"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = api(world.user_a, "PATCH", f"/problems/{problem.pk}", data=json.dumps({"status": "submitted"}),
                   content_type="application/json")
    assert response.status_code == 409 and "佐证材料" in response.json()["detail"]
    response = api(world.user_a, "POST", f"/problems/{problem.pk}/evidence",
                   data={"file": SimpleUploadedFile("发票.pdf", b"%PDF"), "note": "发票"})
    assert response.status_code == 200, response.content
    assert response.json()["evidence"] == ["发票.pdf"]
    for user, status in ((world.user_a, "submitted"), (world.bureau, "closed")):
        response = api(user, "PATCH", f"/problems/{problem.pk}", data=json.dumps({"status": status}),
                       content_type="application/json")
        assert response.status_code == 200
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_lists_are_scoped(world, api):
    result_of(world.cy)
    schools = api(world.user_a, "GET", "/schools").json()
    assert [s["code"] for s in schools] == [world.school_a.code]
    codes = {p["school_code"] for p in api(world.user_a, "GET", "/problems").json()}
    assert codes <= {world.school_a.code}
    assert len(api(world.bureau, "GET", "/schools").json()) == 4


# ── schemathesis: every operation, generated inputs, responses match the OpenAPI document ──────


class BureauToken:
    """A fresh bearer token of the bureau user per request; schemathesis leaves it out for its
    missing-authentication cases (which must get 401)."""

    def get(self, case, context):
        from django.contrib.auth import get_user_model

        return ApiToken.issue(get_user_model().objects.get(username="jyj"))

    def set(self, case, token, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@pytest.fixture
def api_schema(db):
    """The WSGI app called in-process. Like Django's test client, keep the test's connection open
    across requests (the handler would otherwise close it when a request finishes)."""
    from django.core import signals
    from django.db import close_old_connections

    from junheng.web.wsgi import application

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    schema.auth(refresh_interval=None, retry_on=[])(BureauToken)
    turns = itertools.count()

    @schema.hook
    def map_path_parameters(context, path_parameters):
        """Every other case aims at objects that exist, so the handlers behind the 404s get fuzzed
        too. Only values the document allows are replaced: a deliberately invalid one stays."""
        from junheng.web.models import CollectionYear, Problem, School

        if next(turns) % 2 or not path_parameters:
            return path_parameters
        allowed = {"year": lambda v: isinstance(v, int) and 1900 <= v <= 2100,
                   "code": lambda v: isinstance(v, str) and 1 <= len(v) <= 20,
                   "pk": lambda v: isinstance(v, int) and 1 <= v <= 2**53}
        real = {"year": CollectionYear.objects.values_list("year", flat=True).first(),
                "code": School.objects.values_list("code", flat=True).first(),
                "pk": Problem.objects.values_list("pk", flat=True).first()}
        return {k: real[k] if k in real and real[k] is not None and allowed[k](v) else v
                for k, v in path_parameters.items()}

    yield schema
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


fuzzed = schemathesis.pytest.from_fixture("api_schema")


@fuzzed.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,  # the same cases every run; --hypothesis-seed=N explores
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_conforms_to_its_openapi_document(case, world):
    result_of(world.cy)  # the problem list exists
    # A body of the right shape may still break the importer's rules (a 400 naming each field):
    # OpenAPI cannot express those, so "schema-valid data is accepted" is not asked of this API.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.parametrize("note", ["0", "1", "-1", "1e5", "true", "null", "[]", "{}", " 0 ", "0.50", '"0"', '"0', '0"',
                                  '"', 'a\\b', "第一行\n第二行", '\\u0030', "tab\there", '说明"见附件"'])
def test_evidence_note_that_looks_like_a_number_is_kept_as_text(world, api, note):
    """A note is text whatever it reads like (a fuzzed note "0" was once taken for a number)."""
    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    response = api(world.user_a, "POST", f"/problems/{problem.pk}/evidence",
                   data={"file": SimpleUploadedFile("说明.pdf", b"%PDF"), "note": note})
    assert response.status_code == 200, response.content
    assert problem.evidence.get().note == note


@pytest.mark.parametrize("note", ["0", 0])
def test_evidence_note_zero_as_schemathesis_sends_it(api_schema, world, note):
    """The fuzz case that once failed, as a fixed case: note 0, as text or as the number a negative
    case generates, goes on the wire as the text "0"; the answer conforms to the document and the
    evidence keeps the note as text."""
    from django.contrib.auth import get_user_model

    result_of(world.cy)
    problem = Problem.objects.filter(school=world.school_a).first()
    token = ApiToken.issue(get_user_model().objects.get(username="jyj"))
    case = api_schema["/api/problems/{pk}/evidence"]["POST"].Case(
        path_parameters={"pk": problem.pk}, media_type="multipart/form-data",
        body={"file": b"%PDF-1.4", "note": note}, headers={"Authorization": f"Bearer {token}"})
    response = case.call()
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    assert response.status_code == 200, response.text
    assert problem.evidence.get().note == "0"
