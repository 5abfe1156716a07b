"""A request the REST API refuses on its input says why in Vietnamese (the default language),
in the documented envelope {"error": {"code", "message", "field"}}: pydantic's English
reasons ("Input should be less than or equal to 100", "Field required", "Input should be a
valid integer") are worded by cchc.core.api_validation through gettext."""

import json

import pytest
from django.test import Client

from cchc.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')[1]}")


def _post(client: Client, url: str, body: dict) -> dict:
    r = client.post(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 400, r.content
    return r.json()


def _task(cast) -> str:
    body = {
        "title": "Báo cáo CCHC quý 3",
        "source_document": "KH 12/KH-UBND",
        "lead_agency": cast.agency_a.code,
        "assigned_on": "2026-07-01",
        "deadline": "2026-09-30",
        "evidence_required": False,
    }
    r = _client(cast.province_admin).post(
        "/api/v1/plans/tasks", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    return r.json()["code"]


def test_body_errors_are_worded_in_vietnamese(cast):
    code = _task(cast)
    unit = _client(cast.leader_a)
    url = f"/api/v1/plans/tasks/{code}/progress"
    assert _post(unit, url, {"text": "Đang tổng hợp", "percent": 150}) == {
        "error": {
            "code": "invalid",
            "message": "Giá trị không hợp lệ cho percent: phải nhỏ hơn hoặc bằng 100",
            "field": "percent",
        }
    }
    assert _post(unit, url, {"text": "Đang tổng hợp", "percent": -1})["error"]["message"] == (
        "Giá trị không hợp lệ cho percent: phải lớn hơn hoặc bằng 0"
    )
    assert _post(unit, url, {"percent": 40})["error"] == {
        "code": "invalid",
        "message": "Giá trị không hợp lệ cho text: trường này là bắt buộc",
        "field": "text",
    }


def test_lengths_dates_and_our_own_validators_are_worded_in_vietnamese(cast):
    admin = _client(cast.province_admin)
    task = {
        "title": "x",
        "source_document": "TB 1",
        "lead_agency": cast.agency_a.code,
        "assigned_on": "2026-07-01",
        "deadline": "2026-08-01",
    }
    long_title = _post(admin, "/api/v1/plans/tasks", {**task, "title": "x" * 501})["error"]
    assert long_title["message"] == "Giá trị không hợp lệ cho title: dài tối đa 500 ký tự"
    assert long_title["field"] == "title"
    bad_day = _post(admin, "/api/v1/plans/tasks", {**task, "deadline": "2026-02-31"})["error"]
    assert bad_day["message"] == (
        "Giá trị không hợp lệ cho deadline: phải là ngày viết theo dạng YYYY-MM-DD"
    )
    # IsoDate's own ValueError (a Unix time is not a date), through the catalogue
    unix = _post(admin, "/api/v1/plans/tasks", {**task, "deadline": "0"})["error"]
    assert unix["message"] == (
        "Giá trị không hợp lệ cho deadline: ngày được viết theo dạng YYYY-MM-DD"
    )


def test_query_errors_are_worded_in_vietnamese(cast):
    clerk = _client(cast.clerk_a)
    r = clerk.get("/api/v1/dossiers", {"page": "abc"})
    assert r.status_code == 400
    assert r.json() == {
        "error": {
            "code": "invalid",
            "message": "Giá trị không hợp lệ cho page: phải là số nguyên",
            "field": "page",
        }
    }
    r = clerk.get("/api/v1/dossiers", {"page": "0"})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "Giá trị không hợp lệ cho page: phải lớn hơn hoặc bằng 1"
    assert "Input should" not in r.content.decode()
