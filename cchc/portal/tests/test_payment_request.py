"""A fee request (status 6, yêu cầu thực hiện nghĩa vụ tài chính) reaches the citizen: the
status page says how much and the clerk's note on how to pay, and a message is sent by
e-mail and SMS like a supplement request (before, the page showed only the status's name
and nothing was sent)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cchc.dossiers import services as dossier_services
from cchc.portal.models import Notification

from .conftest import at
from .test_my_messages import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked_to_pay(cast, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.receive(
            submit(cast, citizen, "Dân"), actor=cast.clerk_a, at=at(2026, 3, 2, 9)
        )
    with django_capture_on_commit_callbacks(execute=True):
        return dossier_services.request_payment(
            d,
            actor=cast.specialist_a,
            amount=1250000,
            note="Nộp tại quầy số 3 hoặc chuyển khoản qua Cổng dịch vụ công.",
            at=at(2026, 3, 2, 10),
        )


def test_status_page_says_how_much_to_pay_and_how(client, citizen, asked_to_pay):
    client.force_login(citizen)
    html = client.get(reverse("portal:dossier", args=[asked_to_pay.code])).content.decode()
    assert 'id="payment"' in html
    assert "1.250.000 đ" in html
    assert "Nộp tại quầy số 3" in html


def test_no_payment_notice_once_paid(cast, client, citizen, asked_to_pay):
    dossier_services.confirm_payment(asked_to_pay, actor=cast.clerk_a, at=at(2026, 3, 2, 11))
    client.force_login(citizen)
    html = client.get(reverse("portal:dossier", args=[asked_to_pay.code])).content.decode()
    assert 'id="payment"' not in html


def test_the_citizen_is_told_by_email_and_sms(asked_to_pay):
    sent = Notification.objects.filter(dossier=asked_to_pay, kind="request_payment")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms"]
    sms = sent.get(channel="sms")
    assert "1.250.000 đ" in sms.body
    assert "Nộp tại quầy số 3 hoặc chuyển khoản qua Cổng dịch vụ công." in sms.body
    assert ".." not in sms.body
    assert asked_to_pay.code in sms.subject


def test_the_working_day_arithmetic_is_folded_away(client, citizen, asked_to_pay):
    """The appointment is in the table; its derivation is there on request, so on a phone
    what the citizen must do (pay, supplement) is not pushed below it."""
    client.force_login(citizen)
    html = client.get(reverse("portal:dossier", args=[asked_to_pay.code])).content.decode()
    assert '<details id="due-derivation">' in html
    assert "<details open" not in html
