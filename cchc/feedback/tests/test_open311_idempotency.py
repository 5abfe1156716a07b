"""Issue 12.4 for Open311: a GeoReport POST retried with the same `Idempotency-Key` files the
petition once and gets the first answer; the same key with another body is a 422 in the
GeoReport error format (cchc.core.idempotency.once, keys per API client)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from cchc.core.models import IdempotencyKey
from cchc.feedback.models import Petition
from cchc.feedback.open311_clients import issue_key
from cchc.portal.models import Notification

VALID = {
    "service_code": "TTHC-QUYDINH",
    "lat": "21.028511",
    "long": "105.804817",
    "description": "Bộ phận một cửa đòi bản sao công chứng giấy khai sinh không cần thiết.",
    "first_name": "An",
    "last_name": "Nguyễn",
    "email": "an@example.vn",
    "attribute[agency_code]": "H26.100",
}


@pytest.fixture
def api_key(db):
    return issue_key(name="Ứng dụng thử nghiệm")[1]


def post(client, data, *, key=None, fmt="json", **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(f"/open311/v2/requests.{fmt}", data, headers=headers)


def test_a_retried_post_with_the_same_key_files_once_and_gets_the_first_answer(
    client, cast, api_key
):
    data = {**VALID, "api_key": api_key}
    first = post(client, data, key="b6f1c1de-retry-1")
    assert first.status_code == 201, first.content
    notices = Notification.objects.count()
    again = post(client, data, key="b6f1c1de-retry-1")
    assert again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert Petition.objects.count() == 1
    assert Notification.objects.count() == notices  # the petitioner is not told twice
    (petition,) = Petition.objects.all()
    assert first.json()[0]["service_request_id"] == petition.code
    # without a key, or with a new one, a POST is a new report (as before)
    assert post(client, data).status_code == 201
    assert post(client, data, key="b6f1c1de-retry-2").status_code == 201
    assert Petition.objects.count() == 3


def test_the_same_key_with_another_body_is_a_422_georeport_error(client, cast, api_key):
    data = {**VALID, "api_key": api_key}
    assert post(client, data, key="k-1").status_code == 201
    other = {**data, "description": "Một phản ánh khác hẳn về lệ phí."}
    resp = post(client, other, key="k-1")
    assert resp.status_code == 422 and resp["Content-Type"].startswith("application/json")
    (error,) = resp.json()
    assert error["code"] == 422 and "Idempotency-Key" in error["description"]
    assert "yêu cầu khác" in error["description"]  # Vietnamese by default
    english = post(client, other, key="k-1", **{"Accept-Language": "en"})
    (error,) = english.json()
    assert english.status_code == 422 and "different request" in error["description"]
    xml = post(client, other, key="k-1", fmt="xml")
    root = ET.fromstring(xml.content)  # noqa: S314 - our own server's output
    assert xml.status_code == 422 and root.find("error/code").text == "422"
    assert Petition.objects.count() == 1


def test_keys_belong_to_their_api_client(client, cast, api_key):
    other_key = issue_key(name="Ứng dụng khác")[1]
    assert post(client, {**VALID, "api_key": api_key}, key="chung").status_code == 201
    resp = post(client, {**VALID, "api_key": other_key}, key="chung")
    assert resp.status_code == 201 and not resp.has_header("Idempotent-Replayed")
    assert Petition.objects.count() == 2
    scopes = IdempotencyKey.objects.filter(key="chung", caller=None).values_list("scope", flat=True)
    assert len(set(scopes)) == 2 and all(s.startswith("open311:") for s in scopes)


def test_a_refused_post_stores_no_key_and_a_corrected_retry_acts(client, cast, api_key):
    bad = {**VALID, "api_key": api_key, "lat": "", "long": ""}
    resp = post(client, bad, key="k-2")
    assert resp.status_code == 400 and resp.json()[0]["code"] == 400
    assert not IdempotencyKey.objects.exists() and not Petition.objects.exists()
    assert post(client, {**VALID, "api_key": api_key}, key="k-2").status_code == 201
    assert Petition.objects.count() == 1


def test_a_malformed_key_is_a_400_georeport_error(client, cast, api_key):
    resp = post(client, {**VALID, "api_key": api_key}, key="a key with spaces")
    assert resp.status_code == 400
    assert "Idempotency-Key" in resp.json()[0]["description"]
    assert not Petition.objects.exists()


def test_a_form_encoded_retry_as_third_party_clients_send_it_is_replayed(client, cast, api_key):
    """GeoReport clients send `application/x-www-form-urlencoded` (the test client's default
    is multipart): the request is then recognised by its raw body."""
    body = urlencode({**VALID, "api_key": api_key})
    form = "application/x-www-form-urlencoded"
    send = lambda text: client.post(  # noqa: E731
        "/open311/v2/requests.json", text, content_type=form, headers={"Idempotency-Key": "f-1"}
    )
    first, again = send(body), send(body)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1
    assert send(body + "&address_string=Khác").status_code == 422
