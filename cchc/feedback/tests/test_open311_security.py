"""Issue 12.2/12.3 for Open311: nothing unpublished leaves, anonymous reports as GeoReport v2
allows (posted the way third-party clients post: form-encoded, no name, no contact), long
values refused rather than cut, control characters refused, the XML always readable."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import requests
from georeport import GeoReport

from cchc.feedback import petitions
from cchc.feedback.models import Petition
from cchc.feedback.open311_clients import issue_key
from cchc.feedback.tests.factories import file

ANONYMOUS = {
    "service_code": "TTHC-QUYDINH",
    "lat": "21.028511",
    "long": "105.804817",
    "address_string": "Số 8 phố Hàng Bài, Hoàn Kiếm",
    "description": "Bảng niêm yết thủ tục tại bộ phận một cửa đã cũ, thiếu phí, lệ phí.",
    "media_url": "https://anh.example.vn/bang-niem-yet.jpg",
}


@pytest.fixture
def api_key(db):
    return issue_key(name="Ứng dụng bên thứ ba")[1]


def test_anonymous_report_as_a_third_party_client_posts_it(reseeded, cast, live_server, api_key):
    """No Python 3 Open311 client on the mirror can POST (`georeport` only reads; `three` and
    `open311` are Python 2 only): the POST is sent exactly as `three.Three.post` builds it
    (form fields, api_key, no name or contact); the reads go through `georeport`."""
    root = f"{live_server.url}/open311/v2"
    data = {**ANONYMOUS, "attribute[agency_code]": cast.agency_a.code, "api_key": api_key}
    resp = requests.post(f"{root}/requests.json", data=data, timeout=10)
    assert resp.status_code == 201, resp.text
    created = resp.json()[0]
    petition = Petition.objects.get(code=created["service_request_id"])
    assert petition.petitioner_phone == "" and petition.petitioner_email == ""
    assert petition.channel == "OPEN311" and petition.address == ANONYMOUS["address_string"]
    for fmt in ("json", "xml"):
        client = GeoReport(root, api_key=api_key, output_format=fmt)
        one = client.get_service_request(created["service_request_id"])
        assert one["status"] == "open"
        # not published: where, what and the photo stay inside
        assert not one.get("address") and not one.get("lat") and not one.get("media_url")
        assert not one.get("description")
    # the answer reaches the anonymous reporter in public once published
    p = petitions.confirm_routing(
        petition, actor=cast.clerk_a, category="TTHC", agency=cast.agency_a
    )
    p = petitions.answer(p, actor=cast.specialist_a, text="Bảng niêm yết đã được thay mới.")
    petitions.publish(p, actor=cast.leader_a)
    one = GeoReport(root).get_service_request(created["service_request_id"])
    assert one["status"] == "closed" and "thay mới" in one["status_notes"]
    assert one["address"] == ANONYMOUS["address_string"] and one["lat"] == pytest.approx(21.028511)


def test_unpublished_petitions_show_no_location_media_or_reason(client, cast):
    p = file(cast.agency_a, address="Ngõ 5 phố Huế", lat="21.01", long="105.85")
    listing = client.get("/open311/v2/requests.json", {"service_request_id": p.code}).json()
    (entry,) = listing
    assert entry["address"] == "" and entry["lat"] is None and entry["long"] is None
    assert entry["media_url"] == "" and entry["description"] == ""
    assert "Huế" not in json.dumps(listing, ensure_ascii=False)
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category="TTHC", agency=cast.agency_a)
    petitions.reject(p, actor=cast.leader_a, reason="Đơn nặc danh, gọi 0987654321 để rõ.")
    (entry,) = client.get(f"/open311/v2/requests/{p.code}.json").json()
    assert "0987654321" not in entry["status_notes"] and "nặc danh" not in entry["status_notes"]
    assert entry["status"] == "closed" and entry["address"] == ""


@pytest.mark.parametrize(
    "field, length",
    [("address_string", 301), ("media_url", 201), ("first_name", 101), ("email", 255)],
)
def test_over_long_values_are_refused_not_truncated(client, cast, api_key, field, length):
    value = "https://a.vn/" + "x" * length if field == "media_url" else "x" * length
    resp = client.post(
        "/open311/v2/requests.json", {**ANONYMOUS, field: value[:length], "api_key": api_key}
    )
    assert resp.status_code == 400, resp.content
    assert field in resp.json()[0]["description"]
    assert not Petition.objects.exists()
    long_text = {**ANONYMOUS, "description": "Nội dung. " * 600, "api_key": api_key}
    resp = client.post("/open311/v2/requests.json", long_text)
    assert resp.status_code == 400 and not Petition.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_control_characters_are_refused_at_the_edge(client, cast, api_key, fmt):
    data = {**ANONYMOUS, "address_string": "Số 8\x00 Hàng\x0bBài", "api_key": api_key}
    resp = client.post(f"/open311/v2/requests.{fmt}", data)
    assert resp.status_code == 400
    if fmt == "xml":
        root = ET.fromstring(resp.content)  # noqa: S314 - our own output
        assert root.find("error/code").text == "400"
    else:
        assert resp.json()[0]["code"] == 400
    assert not Petition.objects.exists()
    # and a listing is always well-formed XML
    file(cast.agency_a)
    body = client.get("/open311/v2/requests.xml", {"status": "open"}).content
    ET.fromstring(body)  # noqa: S314


def test_a_stored_control_character_never_breaks_the_xml(client, cast):
    p = file(cast.agency_a, address="Số 8 Hàng Bài")
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category="TTHC", agency=cast.agency_a)
    p = petitions.answer(p, actor=cast.specialist_a, text="Đã xử lý.")
    petitions.publish(p, actor=cast.leader_a)
    # a row written before the input guard existed (NUL aside: PostgreSQL never stored it)
    Petition.objects.filter(pk=p.pk).update(address="Số 8\x0b Hàng Bài\x1f")
    body = client.get(f"/open311/v2/requests/{p.code}.xml").content
    root = ET.fromstring(body)  # noqa: S314 - our own output
    assert root.find("request/address").text == "Số 8 Hàng Bài"
