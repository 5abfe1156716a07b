"""The applicant keeps the notices the agency issued to them (demo walk of the one-stop day):
a citizen whose online dossier was refused, sent back for papers or stopped saw one line in
the timeline, but could not open the signed refusal (form 03), the supplement request (02),
the apology with its new date (04) or the notice of stopping (05) the section hands to a
person at the counter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers import services

from .conftest import at, citizens_dossier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def _dossier(cast, citizen):
    return citizens_dossier(cast, citizen)


def test_a_refused_applicant_opens_form_03_from_the_status_page(client, cast, citizen):
    d = _dossier(cast, citizen)
    d = services.refuse(d, actor=cast.clerk_a, reason="Sai thủ tục", at=at(2026, 3, 2, 9))
    seq = d.events.get(action="refuse").seq
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier", args=[d.code])).content.decode()
    link = reverse("portal:notice", args=[d.code, "03"]) + f"?event={seq}"
    assert f'href="{link}"' in page
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ (mẫu 03, 02/03/2026, PDF)" in page
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_each_supplement_request_has_its_form_02(client, cast, citizen):
    d = _dossier(cast, citizen)
    d = services.request_supplement(
        d, actor=cast.clerk_a, reason="Thiếu bản sao", at=at(2026, 3, 2, 9)
    )
    seq = d.events.get(action="request_supplement").seq
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier", args=[d.code])).content.decode()
    assert reverse("portal:notice", args=[d.code, "02"]) + f"?event={seq}" in page
    assert "/notice-03.pdf" not in page  # nothing refused


def test_a_notice_is_only_for_the_applicant_and_only_for_an_event_that_issued_it(
    client, cast, citizen
):
    d = _dossier(cast, citizen)
    d = services.refuse(d, actor=cast.clerk_a, reason="Sai thủ tục", at=at(2026, 3, 2, 9))
    seq = d.events.get(action="refuse").seq
    url = reverse("portal:notice", args=[d.code, "03"])
    # a stranger, without the code and ID digits proven in the session
    assert client.get(url, {"event": seq}).status_code == 404
    client.force_login(citizen)
    assert client.get(url, {"event": seq - 1}).status_code == 404  # the submission event
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("portal:notice", args=[d.code, "06"]), {"event": seq}).status_code == 404
    )
    # proven by code + last four digits, as for the receipt
    client.logout()
    client.post(reverse("portal:lookup"), {"code": d.code, "id_last4": "2345"})
    assert client.get(url, {"event": seq}).status_code == 200


def test_the_apology_section_links_to_the_letter_itself(client, cast, citizen):
    # the section headed "Thư xin lỗi và hẹn lại ngày trả kết quả" gave the reason and the new
    # date, but the signed letter (form 04) was a button at the foot of the page, under the QR
    # code: a citizen reading the section did not find the letter it names
    d = services.receive(_dossier(cast, citizen), actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    d = services.apologize(
        d,
        actor=cast.leader_a,
        reason="Chờ xác minh",
        new_appointment_at=at(2026, 3, 12, 9),
        at=at(2026, 3, 4, 9),
    )
    seq = d.events.get(action="apologize").seq
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier", args=[d.code])).content.decode()
    section = page.split('id="apologies"', 1)[1].split("<h2", 1)[0]
    link = reverse("portal:notice", args=[d.code, "04"]) + f"?event={seq}"
    assert "Chờ xác minh" in section and f'href="{link}"' in section
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
