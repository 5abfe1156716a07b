"""Status lookup by code + last 4 digits of the ID: no leak, throttled, no staff names."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Status
from cchc.portal import throttle

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def test_code_and_last4_show_status_appointment_derivation_and_timeline(client, cast, returned):
    response = client.post(reverse("portal:lookup"), {"code": returned.code, "id_last4": "2345"})
    assert response.status_code == 302 and response.url == reverse(
        "portal:dossier", args=[returned.code]
    )
    page = client.get(response.url)
    html = page.content.decode()
    assert page.context["derivation"].lines  # the "due when and why"
    assert "05/03/2026" in html  # appointment: 3 working days after 02/03 09:00
    # submitted, received, being handled (the hand-over within the ward that moved it on,
    # shown without "→ the same ward"), finished, returned
    rows = page.context["timeline"]
    assert [row["agency"] for row in rows] == ["UBND phường Hoàn Kiếm"] * 5
    assert not any(row["target"] for row in rows)
    for staff in ("Clerk A", "Specialist A", "clerk_a"):
        assert staff not in html  # units, never staff names


def test_wrong_id_and_unknown_code_get_the_same_answer(client, returned):
    url = reverse("portal:lookup")
    wrong_id = client.post(url, {"code": returned.code, "id_last4": "9999"})
    unknown = client.post(url, {"code": "000.01.01.H26-260302-9999", "id_last4": "2345"})
    assert wrong_id.status_code == unknown.status_code == 400
    assert wrong_id.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert (
        client.get(reverse("portal:dossier", args=[returned.code])).status_code == 302
    )  # still not let in


def test_repeated_guessing_of_one_code_is_throttled_from_every_address(client, returned):
    url = reverse("portal:lookup")
    for i in range(throttle.LOOKUP_FAILURES_PER_CODE):
        # guesses spread over many addresses still count against the one code
        wrong = {"code": returned.code, "id_last4": f"000{i}"}
        assert client.post(url, wrong, REMOTE_ADDR=f"10.0.1.{i}").status_code == 400
    right = {"code": returned.code, "id_last4": "2345"}
    blocked = client.post(url, right)  # even the right answer now waits, from anywhere
    assert blocked.status_code == 429
    assert "15" in blocked.content.decode()
    assert client.post(url, right, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert client.get(reverse("portal:dossier", args=[returned.code])).status_code == 302


def test_citizens_behind_one_address_are_not_locked_out_by_others_typos(client, cast, returned):
    """A one-stop centre's Wi-Fi or a carrier's NAT: many citizens, one address. Their
    mistakes on other dossiers do not stop this citizen's right look-up."""
    url = reverse("portal:lookup")
    head, seq = returned.code.rsplit("-", 1)
    for i in range(2 * throttle.LOOKUP_FAILURES_PER_CODE):
        other = f"{head}-{int(seq) + 100 + i:0{len(seq)}d}"
        assert client.post(url, {"code": other, "id_last4": "1111"}).status_code == 400
    right = client.post(url, {"code": returned.code, "id_last4": "2345"})
    assert right.status_code == 302


def test_one_address_scanning_many_codes_is_throttled(client, returned):
    url = reverse("portal:lookup")
    head, seq = returned.code.rsplit("-", 1)
    for i in range(throttle.LOOKUP_FAILURES_PER_ADDRESS):
        other = f"{head}-{int(seq) + 100 + i:0{len(seq)}d}"
        assert client.post(url, {"code": other, "id_last4": "1234"}).status_code == 400
    right = {"code": returned.code, "id_last4": "2345"}
    with translation.override("vi"):
        blocked = client.post(url, right)
    assert blocked.status_code == 429
    assert "Ông/Bà" in blocked.content.decode() and "15 phút" in blocked.content.decode()
    assert client.post(url, right, REMOTE_ADDR="10.0.0.9").status_code == 302


def received_online(cast, citizen):
    """The citizen's online dossier, submitted at 8:00 on 2 March 2026 and received at 9:00."""
    d = dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        actor=citizen,
        at=at(2026, 3, 2, 8),
        applicant=dossier_services.Applicant(
            name="Dân", id_hash=citizen.national_id_hash, id_last4="2345", account=citizen
        ),
    )
    return dossier_services.receive(d, actor=cast.clerk_a, at=at(2026, 3, 2, 9))


def test_the_citizens_timeline_hides_hand_overs_within_one_agency_but_not_the_step_on(
    client, cast, citizen
):
    d = received_online(cast, citizen)
    d = dossier_services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Thẩm định", at=at(2026, 3, 2, 10)
    )
    d = dossier_services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_a, step_name="Trình ký", at=at(2026, 3, 2, 10)
    )
    d = dossier_services.transfer(
        d, actor=cast.clerk_a, to_agency=cast.agency_b, step_name="Phê duyệt", at=at(2026, 3, 2, 11)
    )
    client.force_login(citizen)
    rows = client.get(reverse("portal:dossier", args=[d.code])).context["timeline"]
    hand_overs = [(row["agency"], row["target"]) for row in rows if row["target"]]
    assert hand_overs == [(cast.agency_a.name, cast.agency_b.name)]
    # submitted, received, being handled (the first hand-over within the agency moved the
    # dossier on: kept, without "→ same agency"), handed to the other agency
    assert len(rows) == 4
    assert rows[2]["status"] == Status.PROCESSING.label and rows[2]["target"] == ""
    assert d.events.filter(action="transfer").count() == 3  # staff history keeps them all


def test_applicant_signed_in_sees_the_dossier_without_the_id(client, citizen, returned):
    client.force_login(citizen)
    assert client.get(reverse("portal:dossier", args=[returned.code])).status_code == 200
    client.logout()
    response = client.get(reverse("portal:dossier", args=[returned.code]))
    assert response.status_code == 302 and "code=" in response.url


def test_supplement_pause_and_apology_are_shown(client, cast, citizen):
    d = received_online(cast, citizen)
    d = dossier_services.request_supplement(
        d, actor=cast.clerk_a, reason="Thiếu bản sao CCCD", at=at(2026, 3, 2, 10)
    )
    d = dossier_services.receive_supplement(d, actor=cast.clerk_a, at=at(2026, 3, 3, 10))
    d = dossier_services.apologize(
        d,
        actor=cast.leader_a,
        reason="Chờ xác minh",
        new_appointment_at=at(2026, 3, 12, 9),
        at=at(2026, 3, 4, 9),
    )
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier", args=[d.code]))
    html = page.content.decode()
    assert page.context["pauses"][0]["reason"] == "Thiếu bản sao CCCD" and page.context["pauses"][
        0
    ]["to"] == at(2026, 3, 3, 10)
    assert "Chờ xác minh" in html and "12/03/2026" in html
    assert "Leader A" not in html


def test_receipt_qr_opens_lookup_with_code(client, cast, returned):
    svg = client.get(reverse("portal:qr", args=[returned.code]))
    assert (
        svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    )
    prefilled = client.get(reverse("portal:lookup"), {"code": returned.code})
    assert f'value="{returned.code}"' in prefilled.content.decode()
    # form 01 for the applicant after proving code + ID in this session
    assert client.get(reverse("portal:receipt", args=[returned.code])).status_code == 404
    client.post(reverse("portal:lookup"), {"code": returned.code, "id_last4": "2345"})
    receipt = client.get(reverse("portal:receipt", args=[returned.code]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")


def test_an_empty_lookup_shows_only_the_field_errors(client):
    response = client.post(reverse("portal:lookup"), {"code": "", "id_last4": "", "phone": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không tìm thấy hồ sơ" not in page
    assert 'id="id_code_error"' in page and 'id="id_id_last4_error"' in page


def test_the_id_digits_field_brings_up_the_digit_keypad(client):
    html = client.get(reverse("portal:lookup")).content.decode()
    field = re.search(r'<input[^>]*name="id_last4"[^>]*>', html)
    assert field is not None
    for attribute in ('inputmode="numeric"', 'autocomplete="off"', 'pattern="[0-9]{4}"'):
        assert attribute in field.group(0)
    assert 'maxlength="4"' in field.group(0)
