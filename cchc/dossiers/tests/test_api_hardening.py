"""Issue 12.2/12.3 for the API: no user-name or membership probing through transfer/assign,
empty or unknown references are a 400 with a message, JSON bodies of the wrong type and
control characters are refused, anonymous writes get a 401, and every error (a 500
included) is the documented JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cchc.dossiers.models import Dossier
from cchc.dossiers.tests.test_api import Api, err, intake_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def processing(client, cast):
    """A dossier received at agency A and in processing there, by the API."""
    clerk = Api(client, cast.clerk_a)
    response = clerk.post("/dossiers", intake_body(cast))
    assert response.status_code == 201, response.content
    return response.json()["code"]


@pytest.mark.parametrize("who", ["citizen", "inspector", "outsider", "clerk_b"])
def test_transfer_and_assign_checks_do_not_reveal_users_to_callers_who_may_not_act(
    client, cast, processing, who
):
    api = Api(client, getattr(cast, who))
    answers = set()
    for username in ("specialist_b", "no-such-user-xyz", "citizen", "leader_a"):
        for action, body in (
            ("transfer", {"to_agency": "H26.01", "assignee": username}),
            ("assign", {"assignee": username}),
        ):
            r = api.post(f"/dossiers/{processing}/actions/{action}", body)
            assert r.status_code in (403, 404), r.content
            answers.add((action, r.status_code, json.dumps(r.json(), ensure_ascii=False)))
            assert username not in r.content.decode()
    # one answer per action whatever the name: nothing to tell the names apart
    assert len(answers) == 2


def test_unknown_and_foreign_assignees_get_the_same_answer(client, cast, processing):
    leader = Api(client, cast.leader_a)
    bodies = {}
    for username in ("no-such-user-xyz", "specialist_b", "citizen"):
        r = leader.post(f"/dossiers/{processing}/actions/assign", {"assignee": username})
        assert r.status_code == 400 and err(r)["field"] == "assignee"
        bodies[username] = err(r)["message"].replace(username, "<name>")
    assert len(set(bodies.values())) == 1


@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/dossiers", "intake_empty_receiving", "receiving_agency"),
        ("/dossiers/{code}/actions/transfer", {"to_agency": ""}, "to_agency"),
        ("/dossiers/{code}/actions/transfer", {"to_agency": "  "}, "to_agency"),
        ("/dossiers/{code}/actions/transfer", {"to_agency": "H99.999"}, "to_agency"),
        ("/dossiers/{code}/actions/assign", {"assignee": ""}, "assignee"),
    ],
)
def test_empty_or_unknown_references_are_a_400_with_a_message(
    client, cast, processing, path, body, field
):
    actor = cast.clerk_a if path == "/dossiers" else cast.leader_a
    if body == "intake_empty_receiving":
        body = intake_body(cast, receiving_agency="")
    r = Api(client, actor).post(path.format(code=processing), body)
    assert r.status_code == 400, r.content
    assert err(r)["field"] == field and err(r)["message"]


@pytest.mark.parametrize("raw", ["[]", "null", "0", '"finish"', "[{}]", "true"])
def test_json_bodies_that_are_not_objects_are_refused(client, cast, processing, raw):
    specialist = Api(client, cast.specialist_a)
    r = specialist.post(f"/dossiers/{processing}/actions/finish", raw=raw)
    assert r.status_code == 400 and err(r)["code"] == "invalid"
    assert not Dossier.objects.get(code=processing).events.filter(action="finish").exists()


def test_nul_and_control_characters_are_refused_everywhere(client, cast):
    clerk = Api(client, cast.clerk_a)
    body = intake_body(cast)
    body["applicant"]["name"] = "Phạm\u0000 Thị Dung"
    r = clerk.post("/dossiers", body)
    assert r.status_code == 400 and err(r)["code"] == "invalid_characters"
    assert err(r)["field"] == "applicant.name"
    r = clerk.get("/dossiers", q="abc\x00")
    assert r.status_code == 400 and err(r)["field"] == "q"
    r = clerk.get("/dossiers/H26%00X")
    assert r.status_code == 400 and err(r)["code"] == "invalid_characters"
    assert not Dossier.objects.exists()
    # forms and pages: a Vietnamese 400 page
    page = client.post("/lookup/", {"code": "A\x00B", "id_last4": "1234"})
    assert page.status_code == 400 and "ký tự điều khiển" in page.content.decode()
    page = client.get("/procedures/", {"q": "\x1b[31m"})
    assert page.status_code == 400
    # ordinary line breaks and tabs in a text are fine
    assert client.get("/procedures/", {"q": "khai sinh\t"}).status_code == 200


def test_anonymous_writes_get_401_in_json(client, cast, processing):
    anonymous = Api(client)
    for path, body in (
        ("/dossiers", intake_body(cast)),
        (f"/dossiers/{processing}/actions/finish", {}),
        (f"/dossiers/{processing}/actions/assign", {"assignee": "specialist_a"}),
    ):
        r = anonymous.post(path, body)
        assert r.status_code == 401 and err(r)["code"] == "unauthorized"
        assert r["WWW-Authenticate"] == "Bearer"


def test_a_server_error_is_answered_in_the_documented_json(cast, processing, monkeypatch):
    from cchc.dossiers import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "_dossier_out", broken)
    client = Client(raise_request_exception=False)
    r = Api(client, cast.clerk_a).get("/dossiers")
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert err(r)["code"] == "server_error" and "boom" not in r.content.decode()


# -- the schema says what the server enforces (schemathesis runs against it) -----------------
def _schema(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_the_schema_states_the_control_character_rule_on_input_only(client):
    import re

    from cchc.core.api import DATE_PATTERN, TEXT_PATTERN

    schema = _schema(client)
    dossiers = schema["paths"]["/api/v1/dossiers"]
    params = {p["name"]: p["schema"] for p in dossiers["get"]["parameters"]}
    assert params["q"]["pattern"] == TEXT_PATTERN
    assert params["received_to"]["anyOf"][0]["pattern"] == DATE_PATTERN
    intake = schema["components"]["schemas"]["DossierIn"]["properties"]
    assert intake["receiving_agency"]["pattern"] == TEXT_PATTERN
    assert intake["receiving_agency"]["minLength"] == 1
    assert intake["procedure"]["minLength"] == 1
    # path parameters are never empty
    detail = schema["paths"]["/api/v1/dossiers/{code}"]["get"]["parameters"][0]["schema"]
    assert detail["minLength"] == 1 and detail["pattern"] == TEXT_PATTERN
    # responses may carry any stored text: no pattern there
    assert "pattern" not in schema["components"]["schemas"]["DossierOut"]["properties"]["code"]
    # the pattern, read as a regular expression, is the middleware's own rule
    rule = re.compile(TEXT_PATTERN)
    assert rule.match("Phạm Thị Dung\t\r\n") and not rule.match("a\x00b")
    assert not rule.match("\x1b[31m") and not rule.match("\x85")
    # the e-mail pattern, which has its own, refuses control characters too
    email = schema["components"]["schemas"]["ApplicantIn"]["properties"]["email"]["pattern"]
    assert not re.match(email, "a\x01@b.vn") and re.match(email, "a@b.vn")


def test_every_operation_documents_its_error_answers(client):
    for path, operations in _schema(client)["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"400", "401", "403", "404", "422", "500"} <= documented, (method, path)


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-13-01", "20260101", "2026-1-1"])
def test_a_date_is_written_yyyy_mm_dd_or_refused(client, cast, value):
    clerk = Api(client, cast.clerk_a)
    r = clerk.get("/dossiers", received_to=value)
    assert r.status_code == 400 and err(r)["field"] == "received_to", r.content
    assert clerk.get("/dossiers", received_to="2026-08-31").status_code == 200


def test_an_empty_procedure_or_agency_is_refused_by_the_schema_rule(client, cast):
    clerk = Api(client, cast.clerk_a)
    r = clerk.post("/dossiers", intake_body(cast, procedure=""))
    assert r.status_code == 400 and err(r)["field"] == "procedure"
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_a_multipart_body_without_boundary_is_a_json_400(cast, processing, content_type):
    from cchc.dossiers.tests.test_api import token_for

    client = Client(raise_request_exception=False)
    r = client.post(
        f"/api/v1/dossiers/{processing}/actions/finish",
        b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--\r\n",
        content_type=content_type,
        HTTP_AUTHORIZATION=f"Bearer {token_for(cast.specialist_a)}",
    )
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json"), r.content
    assert err(r)["code"] == "bad_request"
    assert not Dossier.objects.get(code=processing).events.filter(action="finish").exists()


@pytest.mark.parametrize(
    "action, body",
    [
        ("transfer", {"to_agency": "H26.01", "assignee": "specialist_b"}),
        ("assign", {"assignee": "specialist_a"}),
    ],
)
def test_a_transfer_or_an_assignment_reads_the_dossier_once(client, cast, processing, action, body):
    """The names are looked up by the service from the locked dossier after the caller's
    right (services.Lookup): no read before the lock, one statement fewer on every transfer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = Api(client, cast.leader_a).post(f"/dossiers/{processing}/actions/{action}", body)
    assert r.status_code == 200, r.content
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "dossiers_dossier" ' in q["sql"]]
    assert len(reads) == 1, reads
    assert Dossier.objects.get(code=processing).assignee.username == body["assignee"]
