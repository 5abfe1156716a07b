import datetime as dt
import json

import pytest
from django.test import Client

from cchc.accounts.models import ApiToken
from cchc.plans.models import Task

pytestmark = pytest.mark.django_db


def _client(user):
    raw = ApiToken.issue(user, "test")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


# a plain task led by unit A (H26.100)
TASK = {
    "title": "x",
    "source_document": "TB 1",
    "lead_agency": "H26.100",
    "assigned_on": "2026-07-01",
    "deadline": "2026-08-01",
}


def _assign(c, **fields):
    """POST a new task: TASK with `fields` over it."""
    return _post(c, "/api/v1/plans/tasks", {**TASK, **fields})


def test_assign_update_complete_verify_by_api(cast):
    admin, unit = _client(cast.province_admin), _client(cast.leader_a)
    r = _assign(
        admin,
        title="Báo cáo CCHC quý 3",
        source_document="KH 12/KH-UBND",
        co_agencies=["H26.01"],
        deadline="2026-09-30",
        evidence_required=False,
    )
    assert r.status_code == 201, r.content
    code = r.json()["code"]
    assert r.json()["co_agencies"] == ["H26.01"]
    assert _post(unit, f"/api/v1/plans/tasks/{code}/acknowledge", {}).status_code == 200
    r = _post(
        unit, f"/api/v1/plans/tasks/{code}/progress", {"text": "Đang tổng hợp", "percent": 40}
    )
    assert r.json()["progress"] == 40
    r = _post(
        unit,
        f"/api/v1/plans/tasks/{code}/complete",
        {"result": "Đã gửi", "completed_on": "2026-09-20"},
    )
    assert r.json()["status"] == "done_on_time"
    assert _post(unit, f"/api/v1/plans/tasks/{code}/verify", {}).status_code == 403
    assert (
        _post(admin, f"/api/v1/plans/tasks/{code}/verify", {}).json()["workflow_status"]
        == "VERIFIED"
    )
    # outsiders do not see it
    assert _client(cast.outsider).get(f"/api/v1/plans/tasks/{code}").status_code == 404
    assert _client(cast.inspector).get(f"/api/v1/plans/tasks/{code}").status_code == 200
    rep = admin.get("/api/v1/plans/report?as_of=2026-12-31").json()
    assert rep["agencies"] == [
        {
            "code": "H26.100",
            "total": 1,
            "done_on_time": 1,
            "done_late": 0,
            "within_deadline": 0,
            "overdue": 0,
        }
    ]
    assert unit.get("/api/v1/plans/report").status_code == 403


def test_api_refusals_are_json_errors(cast):
    admin = _client(cast.province_admin)
    r = _assign(admin, deadline="2026-06-01")
    assert r.status_code == 400 and r.json()["error"]["field"] == "deadline"
    assert not Task.objects.exists()
    assert _assign(_client(cast.leader_a)).status_code == 403


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"parent": "NV-KHONG-CO"}, "parent", "NV-KHONG-CO"),
        ({"plan": "KH-KHONG-CO"}, "plan", "KH-KHONG-CO"),
        ({"lead_agency": "H26.999"}, "lead_agency", "H26.999"),
        ({"co_agencies": ["H26.998"]}, "co_agencies", "H26.998"),
    ],
)
def test_api_refuses_codes_that_name_nothing(cast, fields, field, message):
    r = _assign(_client(cast.province_admin), **fields)
    assert r.status_code == 400
    assert r.json()["error"]["field"] == field and message in r.json()["error"]["message"]
    assert not Task.objects.exists()


def test_extension_by_api(cast):
    admin, unit = _client(cast.province_admin), _client(cast.leader_a)
    r = _assign(admin, title="Số hóa", assigned_on="2026-01-05", deadline="2027-06-01")
    code = r.json()["code"]
    r = _post(
        unit,
        f"/api/v1/plans/tasks/{code}/extensions",
        {"new_deadline": "2027-07-01", "reason": "Chờ kinh phí"},
    )
    assert r.status_code == 201
    r = _post(admin, f"/api/v1/plans/extensions/{r.json()['id']}/decide", {"approve": True})
    assert r.json()["approved"] is True
    assert admin.get(f"/api/v1/plans/tasks/{code}").json()["deadline_in_force"] == "2027-07-01"


def test_finding_by_api_assigns_a_corrective_task(cast):
    from cchc.plans import inspections

    r = _post(
        _client(cast.inspector),
        "/api/v1/plans/findings",
        {
            "severity": "HIGH",
            "description": "Trả lời phản ánh chậm",
            "agency": "H26.100",
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["corrective_task"].startswith("NV-")
    assert (
        _post(
            _client(cast.leader_a),
            "/api/v1/plans/findings",
            {
                "severity": "LOW",
                "description": "x",
                "agency": "H26.100",
            },
        ).status_code
        == 403
    )
    insp = inspections.schedule_inspection(
        actor=cast.inspector,
        agency=cast.agency_a,
        scheduled_on=dt.date(2026, 5, 1),
        checklist=["Niêm yết"],
    )
    assert (
        _client(cast.leader_a).get(f"/api/v1/plans/inspections/{insp.code}").json()["status"]
        == "PLANNED"
    )
    assert _client(cast.outsider).get(f"/api/v1/plans/inspections/{insp.code}").status_code == 404
