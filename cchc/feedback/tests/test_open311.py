"""Open311 GeoReport v2: the third-party `georeport` client against a live server, plus
Django test-client checks of errors, XML and validation."""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
import requests
from django.core.management import call_command
from georeport import GeoReport

from cchc.core.calendar import LOCAL_TZ
from cchc.core.errors import ValidationFailed
from cchc.feedback import common, petitions
from cchc.feedback.models import Open311Client, Petition
from cchc.feedback.open311 import w3c
from cchc.feedback.open311_clients import issue_key
from cchc.feedback.tests.factories import file


def xml_of(body: bytes) -> ET.Element:
    return ET.fromstring(body)  # noqa: S314 - our own server's output


@pytest.fixture
def api_key(db):
    return issue_key(name="Ứng dụng thử nghiệm")[1]


def post(client, fmt="json", **data):
    return client.post(f"/open311/v2/requests.{fmt}", data)


VALID = {
    "service_code": "TTHC-QUYDINH",
    "lat": "21.028511",
    "long": "105.804817",
    "description": "Thủ tục đăng ký khai sinh đòi bản sao công chứng không cần thiết.",
    "first_name": "An",
    "last_name": "Nguyễn",
    "email": "an@example.vn",
    "attribute[agency_code]": "H26.100",
    "attribute[answer_by]": "EMAIL",
}


def test_georeport_client_against_live_server(reseeded, cast, live_server, api_key):
    root = f"{live_server.url}/open311/v2"
    # create through the spec's form-encoded POST (the client library only reads)
    resp = requests.post(f"{root}/requests.json", data={**VALID, "api_key": api_key}, timeout=10)
    assert resp.status_code == 201, resp.text
    created = resp.json()[0]
    assert created["service_request_id"].startswith("PA-2026-") or created[
        "service_request_id"
    ].startswith("PA-")
    petition = Petition.objects.get(code=created["service_request_id"])
    assert (
        petition.channel == "OPEN311"
        and petition.agency == cast.agency_a
        and petition.topic.code == "TTHC-QUYDINH"
    )

    for fmt in ("json", "xml"):
        client = GeoReport(root, api_key=api_key, output_format=fmt)
        services_list = client.get_service_list()
        codes = [s["service_code"] for s in services_list]
        assert "TTHC-HOSO" in codes and "CANBO-THAIDO" in codes
        definition = client.get_service_definition("TTHC-HOSO")
        assert definition["service_code"] == "TTHC-HOSO"
        attrs = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        assert {a["code"] for a in attrs} >= {"agency_code", "dossier_code"}
        one = client.get_service_request(created["service_request_id"])
        assert one["service_request_id"] == created["service_request_id"]
        assert one["status"] == "open"
        assert one["requested_datetime"].endswith("+07:00")
        many = client.get_service_requests(service_code="TTHC-QUYDINH", status="open")
        many = many if isinstance(many, list) else [many]
        assert [r["service_request_id"] for r in many] == [created["service_request_id"]]
        if fmt == "json":  # the client cannot parse an empty XML list (<service_requests/>)
            assert client.get_service_requests(status="closed") == []

    token = requests.get(f"{root}/tokens/{created['token']}.json", timeout=10).json()
    assert token == [
        {"service_request_id": created["service_request_id"], "token": created["token"]}
    ]


def test_the_notice_writes_the_due_date_the_way_the_site_does(client, cast, api_key):
    resp = post(client, **VALID, api_key=api_key)
    assert resp.status_code == 201
    (created,) = resp.json()
    due = Petition.objects.get(code=created["service_request_id"]).handle_due_at
    local = due.astimezone(LOCAL_TZ)
    assert created["service_notice"] == f"Hạn trả lời: {local:%H:%M %d/%m/%Y}."
    assert w3c(due) not in created["service_notice"]


def test_a_missing_rule_version_names_the_day_the_way_the_site_does(db):
    with pytest.raises(ValidationFailed) as refused:
        common.rule_in_force("petition", dt.date(1990, 1, 2))
    assert "02/01/1990" in str(refused.value) and "1990-01-02" not in str(refused.value)


def test_post_requires_a_valid_api_key(client, cast, api_key):
    for key in (None, "", "o311_wrong"):
        data = dict(VALID) if key is None else {**VALID, "api_key": key}
        resp = post(client, **data)
        assert resp.status_code == 403
        assert resp.json()[0]["code"] == 403 and "api_key" in resp.json()[0]["description"]
    revoked = Open311Client.objects.get()
    revoked.revoked_at = dt.datetime.now(dt.UTC)
    revoked.save()
    assert post(client, **VALID, api_key=api_key).status_code == 403
    assert not Petition.objects.exists()


def test_errors_in_xml_format(client, cast):
    resp = post(client, fmt="xml", **VALID, api_key="bad")
    assert resp.status_code == 403 and resp["Content-Type"].startswith("text/xml")
    root = xml_of(resp.content)
    assert root.tag == "errors" and root.find("error/code").text == "403"
    assert root.find("error/description").text
    resp = client.get("/open311/v2/services/KHONG-CO.xml")
    assert resp.status_code == 404 and xml_of(resp.content).find("error/code").text == "404"


@pytest.mark.parametrize(
    "change, status, needle",
    [
        ({"service_code": "KHONG-CO"}, 404, "KHONG-CO"),
        ({"service_code": ""}, 400, "service_code"),
        ({"attribute[answer_by]": "FAX"}, 400, "answer_by"),
        ({"attribute[khong_co]": "1"}, 400, "khong_co"),
        ({"attribute[agency_code]": "H99.999"}, 400, "H99.999"),
        ({"lat": "", "long": ""}, 400, "lat"),
        ({"lat": "abc"}, 400, "lat"),
        ({"description": ""}, 400, ""),
        ({"email": "not-an-email"}, 400, ""),
    ],
)
def test_bad_posts_are_refused_and_nothing_is_stored(client, cast, api_key, change, status, needle):
    resp = post(client, **{**VALID, **change, "api_key": api_key})
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert body[0]["code"] == status and needle in body[0]["description"]
    assert not Petition.objects.exists()


def test_required_attribute_and_dossier_code(client, cast, api_key):
    data = {**VALID, "service_code": "TTHC-HOSO", "api_key": api_key}
    data.pop("attribute[answer_by]")
    resp = post(client, **data)
    assert resp.status_code == 400 and "dossier_code" in resp.json()[0]["description"]
    resp = post(client, **data, **{"attribute[dossier_code]": "000.00.01.H26-260101-9999"})
    assert resp.status_code == 400 and "000.00.01.H26-260101-9999" in resp.json()[0]["description"]


def test_xml_post_and_listing_hides_personal_data(client, cast, api_key):
    resp = post(client, fmt="xml", **VALID, api_key=api_key)
    assert resp.status_code == 201
    code = xml_of(resp.content).find("request/service_request_id").text
    p = Petition.objects.get(code=code)
    p = petitions.confirm_routing(p, actor=cast.clerk_a, category="TTHC", agency=cast.agency_a)
    p = petitions.answer(
        p, actor=cast.specialist_a, text="Đã bỏ yêu cầu. Liên hệ 0912345678 hoặc an@example.vn"
    )
    petitions.publish(p, actor=cast.leader_a)
    resp = client.get(f"/open311/v2/requests/{code}.json")
    (entry,) = resp.json()
    assert entry["status"] == "closed"
    assert "0912345678" not in entry["status_notes"] and "an@example.vn" not in json.dumps(
        entry, ensure_ascii=False
    )
    assert "Nguyễn" not in json.dumps(entry, ensure_ascii=False)
    xml = xml_of(client.get(f"/open311/v2/requests/{code}.xml").content)
    assert xml.tag == "service_requests" and xml.find("request/status").text == "closed"


def test_request_filters(client, cast):
    a = file(cast.agency_a, title="Một", description="Nội dung một")
    b = file(cast.agency_a, title="Hai", description="Nội dung khác hẳn", category="CANBO")
    resp = client.get("/open311/v2/requests.json", {"service_request_id": f"{b.code},{a.code}"})
    assert [r["service_request_id"] for r in resp.json()] == [b.code, a.code]
    resp = client.get(
        "/open311/v2/requests.json",
        {
            "service_code": "CANBO",
            "start_date": "2026-11-01T00:00:00+07:00",
            "end_date": "2026-11-30T00:00:00+07:00",
        },
    )
    assert [r["service_request_id"] for r in resp.json()] == [b.code]
    assert (
        client.get(
            "/open311/v2/requests.json", {"start_date": "2026-11-20", "end_date": "2026-11-30"}
        ).json()
        == []
    )
    for params in (
        {"start_date": "hôm qua"},
        {"status": "pending"},
        {"service_code": "XYZ"},
        {"start_date": "2026-01-01", "end_date": "2026-12-31"},
    ):
        resp = client.get("/open311/v2/requests.json", params)
        assert resp.status_code == 400 and resp.json()[0]["code"] == 400
    assert client.get("/open311/v2/requests/PA-1999-000001.json").status_code == 404
    assert client.get("/open311/v2/tokens/nope.json").status_code == 404
    assert client.get("/open311/v2/services.csv").status_code == 400


def test_discovery_both_formats(client, db):
    data = client.get("/open311/v2/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2")
    root = xml_of(client.get("/open311/v2/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None


def test_create_api_key_command_prints_key_last(db, capsys):
    call_command("create_api_key", "Cổng Hà Nội")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    client = Open311Client.objects.get(name="Cổng Hà Nội")
    assert raw.startswith("o311_") and raw not in client.key_hash and client.key_hash != raw
    from cchc.feedback.open311_clients import authenticate

    assert authenticate(raw) == client


def test_admin_issues_a_key_shown_once(admin_client, db):
    resp = admin_client.post(
        "/admin/feedback/open311client/add/", {"name": "Tổng đài 1022", "contact": ""}, follow=True
    )
    assert resp.status_code == 200
    shown = [str(m) for m in resp.context["messages"]]
    raw = next(m.split(": ")[-1] for m in shown if "o311_" in m)
    client = Open311Client.objects.get(name="Tổng đài 1022")
    from cchc.feedback.open311_clients import authenticate

    assert authenticate(raw) == client and raw not in client.key_hash
