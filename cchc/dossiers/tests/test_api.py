from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cchc.accounts.models import ApiToken, User
from cchc.core.actors import SYSTEM
from cchc.dossiers import queries
from cchc.dossiers.api import DossierDetailOut, EventOut, StepOut
from cchc.dossiers.models import Dossier, Status

# the responses the API renders without pydantic (create, read, every action): each is held
# to its documented schema here, keys included
DETAIL_PATH = re.compile(r"^/dossiers(/[^/?]+(/actions/\w+)?)?$")


def check_detail(resp):
    if resp.status_code not in (200, 201):
        return resp
    data = resp.json()
    DossierDetailOut.model_validate(data)
    assert set(data) == set(DossierDetailOut.model_fields), set(data) ^ set(
        DossierDetailOut.model_fields
    )
    for event in data["events"]:
        assert set(event) == set(EventOut.model_fields)
    for step in data["steps"]:
        assert set(step) == set(StepOut.model_fields)
    return resp


def token_for(user):
    return ApiToken.issue(user, "test")[1]


class Api:
    def __init__(self, client, user=None, raw=None):
        self.client = client
        self.headers = {}
        if user is not None:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw or token_for(user)}"

    def get(self, path, **params):
        resp = self.client.get(f"/api/v1{path}", params, **self.headers)
        return check_detail(resp) if DETAIL_PATH.match(path) and path != "/dossiers" else resp

    def post(self, path, body=None, raw=None):
        data = raw if raw is not None else json.dumps(body or {})
        resp = self.client.post(
            f"/api/v1{path}", data, content_type="application/json", **self.headers
        )
        return check_detail(resp) if DETAIL_PATH.match(path) else resp


def intake_body(cast, **over):
    body = {
        "procedure": cast.procedure.code,
        "receiving_agency": "H26.100",
        "competent_agency": "H26.01",
        "applicant": {
            "name": "Phạm Thị Dung",
            "national_id": "001099012345",
            "phone": "0912345678",
        },
    }
    body.update(over)
    return body


def err(resp):
    data = resp.json()
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message", "field"}, data
    return data["error"]


def test_full_lifecycle_through_the_api(client, cast):
    clerk_a, spec_b, clerk_b = (
        Api(client, cast.clerk_a),
        Api(client, cast.specialist_b),
        Api(client, cast.clerk_b),
    )
    leader_b = Api(client, cast.leader_b)
    resp = clerk_a.post("/dossiers", intake_body(cast))
    assert resp.status_code == 201, resp.content
    d = resp.json()
    code = d["code"]
    assert d["status"] == 2 and d["appointment_at"].endswith("+07:00") and d["derivation"]
    assert d["applicant_id_last4"] == "2345" and "national_id" not in d
    assert "transfer" in d["available_actions"]
    r = clerk_a.post(
        f"/dossiers/{code}/actions/transfer",
        {"to_agency": "H26.01", "step_name": "Thẩm định", "assignee": "specialist_b"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["current_agency"] == "H26.01" and r.json()["assignee"] == "specialist_b"
    r = leader_b.post(f"/dossiers/{code}/actions/request_payment", {"amount": 50000})
    assert r.json()["status"] == Status.FINANCIAL
    r = clerk_b.post(f"/dossiers/{code}/actions/confirm_payment", {"online": 2})
    assert r.json()["status"] == Status.PROCESSING and r.json()["paid_online"] == 2
    r = spec_b.post(f"/dossiers/{code}/actions/request_supplement", {"reason": "Thiếu bản vẽ"})
    assert r.json()["status"] == Status.SUPPLEMENT
    r = spec_b.post(f"/dossiers/{code}/actions/receive_supplement", {"note": "Đã nhận"})
    assert r.json()["status"] == Status.PROCESSING
    new_date = (
        queries.calendar()
        .next_working_instant((timezone.now() + dt.timedelta(days=20)).replace(microsecond=0))
        .astimezone(dt.timezone(dt.timedelta(hours=7)))
    )
    r = leader_b.post(
        f"/dossiers/{code}/actions/apologize",
        {"reason": "Cần xác minh thêm", "new_appointment_at": new_date.isoformat()},
    )
    assert r.status_code == 200, r.content
    assert r.json()["apology_count"] == 1
    r = leader_b.post(f"/dossiers/{code}/actions/assign", {"assignee": "specialist_b"})
    assert r.status_code == 200
    # the 766 "electronic result" follows from an attached file, never from a bare flag
    r = spec_b.post(f"/dossiers/{code}/actions/finish", {"electronic_result": True})
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert error["field"] == "electronic_result" and error["code"] == "invalid"
    assert error["message"].startswith("Kết quả điện tử")
    assert spec_b.get(f"/dossiers/{code}").json()["status"] != Status.FINISHED
    r = spec_b.post(
        f"/dossiers/{code}/actions/finish", {"electronic_result": False, "note": "Đã cấp giấy"}
    )
    assert r.json()["status"] == Status.FINISHED and r.json()["current_agency"] == "H26.100"
    assert not Dossier.objects.get(code=code).has_electronic_result
    r = clerk_a.post(f"/dossiers/{code}/actions/return_result", {})
    body = r.json()
    assert body["status"] == Status.RETURNED and body["returned_at"]
    assert [e["action"] for e in body["events"]] == [
        "receive",
        "transfer",
        "request_payment",
        "confirm_payment",
        "request_supplement",
        "receive_supplement",
        "apologize",
        "assign",
        "finish",
        "return_result",
    ]
    assert body["steps"][0]["outcome"] in ("EARLY", "ON_TIME")
    listing = clerk_a.get("/dossiers", status=10).json()
    assert listing["count"] == 1 and listing["items"][0]["code"] == code


def test_other_lifecycle_ends(client, cast):
    clerk = Api(client, cast.clerk_a)
    leader = Api(client, cast.leader_a)
    citizen = Api(client, cast.citizen)
    online = citizen.post("/dossiers", intake_body(cast, competent_agency="H26.100"))
    assert online.status_code == 201 and online.json()["status"] == Status.SUBMITTED
    assert Dossier.objects.get(code=online.json()["code"]).applicant == cast.citizen
    r = clerk.post(f"/dossiers/{online.json()['code']}/actions/receive", {"note": "Đủ hồ sơ"})
    assert r.json()["status"] == Status.RECEIVED and r.json()["appointment_at"]
    r = leader.post(
        f"/dossiers/{online.json()['code']}/actions/stop", {"reason": "Không đủ điều kiện"}
    )
    assert r.json()["status"] == Status.STOPPED
    other = citizen.post("/dossiers", intake_body(cast)).json()["code"]
    assert (
        clerk.post(
            f"/dossiers/{other}/actions/refuse", {"reason": "Không thuộc thẩm quyền"}
        ).json()["status"]
        == Status.REFUSED
    )
    third = clerk.post("/dossiers", intake_body(cast)).json()["code"]
    assert (
        clerk.post(f"/dossiers/{third}/actions/withdraw", {"reason": "Công dân xin rút"}).json()[
            "status"
        ]
        == Status.WITHDRAWN
    )
    # citizens see their own dossiers only
    mine = citizen.get("/dossiers").json()
    assert {i["code"] for i in mine["items"]} == {online.json()["code"], other}


def test_error_classes(client, cast):
    clerk = Api(client, cast.clerk_a)
    code = clerk.post("/dossiers", intake_body(cast)).json()["code"]
    # 401: no token, bad token
    e = Api(client).get("/dossiers")
    assert e.status_code == 401 and err(e)["code"] == "unauthorized"
    assert Api(client, cast.clerk_a, raw="cchc_wrong").get("/dossiers").status_code == 401
    # 400: malformed JSON, wrong types, malformed dates, bad ID, unknown codes
    e = clerk.post("/dossiers", raw="{not json")
    assert e.status_code == 400 and err(e)["code"] == "bad_request"
    e = clerk.post("/dossiers", intake_body(cast, fee_amount="nhiều"))
    assert e.status_code == 400 and err(e)["field"] == "fee_amount"
    e = clerk.post("/dossiers", intake_body(cast, applicant={"name": "A", "national_id": "12345"}))
    assert e.status_code == 400 and err(e)["field"] == "applicant.national_id"
    e = clerk.post("/dossiers", intake_body(cast, procedure="9.999999"))
    assert (
        e.status_code == 400 and err(e)["field"] == "procedure" and "9.999999" in err(e)["message"]
    )
    e = clerk.post("/dossiers", intake_body(cast, competent_agency="H26.02"))
    assert e.status_code == 400 and err(e)["field"] == "competent_agency"
    e = clerk.get("/dossiers", received_from="2026-13-45")
    assert e.status_code == 400 and err(e)["field"] == "received_from"
    e = clerk.get("/dossiers", page="x")
    assert e.status_code == 400
    e = clerk.post(f"/dossiers/{code}/actions/request_payment", {"amount": "50000"})
    assert e.status_code == 400 and err(e)["field"] == "amount"
    e = clerk.post(
        f"/dossiers/{code}/actions/apologize",
        {"reason": "x", "new_appointment_at": "2026-12-01T10:00:00"},
    )
    assert e.status_code == 400 and err(e)["field"] == "new_appointment_at"
    e = clerk.post(f"/dossiers/{code}/actions/refuse", [1, 2])
    assert e.status_code == 400
    # 403: not this user's action
    e = Api(client, cast.specialist_a).post(f"/dossiers/{code}/actions/return_result", {})
    assert e.status_code == 403 and err(e)["code"] == "forbidden"
    e = Api(client, cast.inspector).post("/dossiers", intake_body(cast))
    assert e.status_code == 403
    # 404: invisible dossier, unknown dossier, unknown action, unknown path
    e = Api(client, cast.outsider).get(f"/dossiers/{code}")
    assert e.status_code == 404 and err(e)["code"] == "not_found"
    assert clerk.get("/dossiers/000.00.00.H26-260101-9999").status_code == 404
    e = clerk.post(f"/dossiers/{code}/actions/explode", {})
    assert e.status_code == 404 and "explode" in err(e)["message"]
    assert err(clerk.get("/nothing/here"))["code"] == "not_found"
    assert clerk.get("/procedures/0.000000").status_code == 404
    # 409: transition not allowed
    e = clerk.post(f"/dossiers/{code}/actions/return_result", {})
    assert e.status_code == 409 and err(e)["code"] == "transition_not_allowed"
    # 413: oversized body
    big = json.dumps(intake_body(cast, applicant={"name": "x" * (300 * 1024)}))
    e = clerk.post("/dossiers", raw=big)
    assert e.status_code == 413 and err(e)["code"] == "too_large"
    assert Dossier.objects.count() == 1


def test_session_auth_needs_csrf(cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.clerk_a)
    assert browser.get("/api/v1/dossiers").status_code == 200
    e = browser.post(
        "/api/v1/dossiers", json.dumps(intake_body(cast)), content_type="application/json"
    )
    assert e.status_code == 403
    assert not Dossier.objects.exists()


def test_procedures_list_and_detail(client, cast):
    from cchc.catalogue import services as catalogue

    catalogue.create_procedure(
        actor=SYSTEM,
        data={"code": "3.000009", "name": "Cấp phép xây dựng"},
        agencies=[cast.agency_b],
    )
    staff = Api(client, cast.clerk_a)
    data = staff.get("/procedures", q="khai sinh").json()
    assert data["count"] == 1 and data["items"][0]["code"] == "1.001193"
    assert staff.get("/procedures", status="DRAFT").json()["items"][0]["code"] == "3.000009"
    assert (
        Api(client, cast.citizen).get("/procedures", q="xay dung").json()["count"] == 0
    )  # drafts are not public
    page = staff.get("/procedures", page_size=1, page=2).json()
    assert page["page"] == page["num_pages"] == 2 and len(page["items"]) == 1
    # a page past the end is not the last page again (a client looping to an empty list)
    past = staff.get("/procedures", page_size=1, page=99)
    assert past.status_code == 404 and past.json()["error"]["field"] == "page"
    assert staff.get("/procedures", page_size=1000).status_code == 400
    detail = staff.get("/procedures/1.001193").json()
    assert detail["agencies"] == ["H26.01", "H26.100"] or sorted(detail["agencies"]) == [
        "H26.01",
        "H26.100",
    ]
    assert detail["required_documents"][0]["name"] == "Tờ khai"


def test_list_filters(client, cast):
    clerk = Api(client, cast.clerk_a)
    a = clerk.post("/dossiers", intake_body(cast)).json()["code"]
    clerk.post("/dossiers", intake_body(cast, competent_agency="H26.100"))
    today = timezone.localdate().isoformat()
    assert clerk.get("/dossiers", received_from=today, received_to=today).json()["count"] == 2
    assert (
        clerk.get("/dossiers", received_from="2020-01-01", received_to="2020-01-02").json()["count"]
        == 0
    )
    assert clerk.get("/dossiers", q=a).json()["count"] == 1
    assert clerk.get("/dossiers", procedure="1.001193", agency="H26.100").json()["count"] == 2
    assert clerk.get("/dossiers", overdue="true").json()["count"] == 0
    e = clerk.get("/dossiers", received_from=today, received_to="2020-01-01")
    assert e.status_code == 400 and err(e)["field"] == "received_to"


def test_openapi_schema_and_docs_are_served_without_cdn(client, cast):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/dossiers/{code}/actions/transfer" in paths and "/api/v1/procedures" in paths
    assert len([p for p in paths if "/actions/" in p]) == 13
    client.force_login(cast.clerk_a)
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_create_api_token_command(cast):
    out = StringIO()
    call_command("create_api_token", "clerk_b", "đồng bộ cổng quốc gia", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    assert ApiToken.authenticate(raw) == cast.clerk_b
    assert raw not in str(list(ApiToken.objects.values()))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "x", stdout=StringIO())
    assert User.objects.filter(username="nobody").count() == 0
