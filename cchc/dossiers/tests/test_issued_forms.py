"""The counter's irreversible steps ask first, and the form a step issues to the applicant is
offered at once (demo walk of the one-stop section): a refusal went through on one click, and
the clerk then had to find form 03 on another page to hand it over."""

from __future__ import annotations

import re

import pytest

from cchc.dossiers.models import Status
from cchc.dossiers.tests.factories import counter_dossier, online_dossier
from cchc.paperwork.builders import EVENT_FORMS

pytestmark = pytest.mark.django_db


def _button(page: str, action: str) -> str:
    form = re.search(rf'<form[^>]*id="form-{action}".*?</form>', page, re.S)
    assert form, action
    return re.search(r"<button[^>]*>", form.group(0)).group(0)


def test_refusal_and_withdrawal_ask_before_they_are_sent_receiving_does_not(client, cast):
    d = online_dossier(cast, "Trực Tuyến")
    client.force_login(cast.clerk_a)
    page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
    assert "data-confirm=" in _button(page, "refuse")
    assert "Từ chối tiếp nhận hồ sơ này?" in _button(page, "refuse")
    assert "data-confirm=" in _button(page, "withdraw")
    assert "data-confirm" not in _button(page, "receive")
    assert "data-confirm" not in _button(page, "request_supplement")


def test_a_refusal_lands_on_the_dossier_with_form_03_to_print(client, cast):
    d = online_dossier(cast, "Trực Tuyến")
    client.force_login(cast.clerk_a)
    answer = client.post(
        f"/staff/dossiers/{d.code}/actions/refuse/", {"refuse-reason": "Sai thủ tục"}
    )
    d.refresh_from_db()
    assert d.status == Status.REFUSED
    seq = d.events.get(action="refuse").seq
    assert answer["Location"] == f"/staff/dossiers/{d.code}/?issued={seq}"
    page = client.get(answer["Location"]).content.decode()
    link = f"/forms/{d.code}/03.pdf?event={seq}"
    assert re.search(rf'id="issued-form"><a role="button" href="{re.escape(link)}">In mẫu 03', page)
    # the timeline keeps the link for a reprint later
    assert page.count(f'href="{link}" class="event-form"') == 1
    assert client.get(link).status_code == 200


def test_a_supplement_request_offers_form_02_and_a_plain_step_no_form(client, cast):
    d = online_dossier(cast, "Trực Tuyến")
    client.force_login(cast.clerk_a)
    answer = client.post(
        f"/staff/dossiers/{d.code}/actions/request_supplement/",
        {"request_supplement-reason": "Thiếu bản sao giấy khai sinh"},
    )
    seq = d.events.get(action="request_supplement").seq
    assert answer["Location"].endswith(f"?issued={seq}")
    page = client.get(answer["Location"]).content.decode()
    assert f"/forms/{d.code}/02.pdf?event={seq}" in page
    # an address naming a step that issued no form shows no print button
    other = d.events.exclude(action="request_supplement").first()
    page = client.get(f"/staff/dossiers/{d.code}/?issued={other.seq}").content.decode()
    assert 'id="issued-form"' not in page


def test_the_forms_page_reads_the_same_declaration():
    assert EVENT_FORMS == {
        "02": "request_supplement",
        "03": "refuse",
        "04": "apologize",
        "05": "stop",
    }


def test_a_free_procedure_reads_nothing_to_pay_not_zero_unpaid_online(client, cast):
    """'0 — Không thanh toán trực tuyến' read as a fee not yet paid online (demo walk)."""
    free = counter_dossier(cast, fee_amount=0)
    paying = counter_dossier(cast, fee_amount=1500000)
    client.force_login(cast.clerk_a)

    def fee(d):
        page = client.get(f"/staff/dossiers/{d.code}/").content.decode()
        return re.search(r'<td id="fee">(.*?)</td>', page, re.S).group(1)

    assert fee(free) == "Không phải nộp"
    assert fee(paying) == "1.500.000 — Không thanh toán trực tuyến"
    receipt = client.get(f"/staff/dossiers/{free.code}/receipt/").content.decode()
    assert "Không phải nộp" in receipt
