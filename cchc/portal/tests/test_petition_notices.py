"""Issue 16, point 8: a petitioner with a phone or e-mail is told when the petition is
accepted, transferred, needs information and answered, through the dossiers' outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from cchc.core.sms import MemorySmsBackend
from cchc.feedback import petitions
from cchc.feedback.models import Category, Petition
from cchc.feedback.tests.factories import MONDAY, file
from cchc.portal import notifications
from cchc.portal.models import Notification

pytestmark = pytest.mark.django_db


def hours(n):
    return MONDAY + dt.timedelta(hours=n)


def test_each_step_the_petitioner_must_hear_of_is_queued_once_per_channel(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        p = file(cast.agency_a, phone="0912345678", email="an@example.vn")
        p = petitions.transfer(
            p, actor=cast.clerk_a, to_agency=cast.agency_b, reason="Thuộc Sở", at=hours(1)
        )
        p = petitions.confirm_routing(
            p, actor=cast.clerk_b, category=Category.TTHC, agency=cast.agency_b, at=hours(2)
        )
        p = petitions.request_info(
            p, actor=cast.specialist_b, question="Xin số biên nhận hồ sơ?", at=hours(3)
        )
        p = petitions.receive_info(p, actor=cast.clerk_b, info="Biên nhận 12", at=hours(4))
        p = petitions.answer(p, actor=cast.specialist_b, text="Đã có kết quả.", at=hours(5))
    rows = Notification.objects.order_by("pk")
    kinds = [(n.kind, n.channel) for n in rows]
    expected = [
        f"petition:{a}" for a in ("transfer", "confirm", "request_info", "answer")
    ]  # filing, receiving the information: not announced to the petitioner
    assert kinds == [(k, c) for k in expected for c in ("email", "sms")]
    assert {n.recipient for n in rows if n.channel == "sms"} == {"0912345678"}
    texts = {n.kind: n.body for n in rows if n.channel == "email"}
    assert p.code in texts["petition:answer"] and p.token in texts["petition:answer"]
    assert cast.agency_b.name in texts["petition:transfer"]  # where it went
    assert "Xin số biên nhận hồ sơ?" in texts["petition:request_info"]
    subject = rows.get(kind="petition:confirm", channel="email").subject
    assert subject == f"Phản ánh, kiến nghị {p.code} đã được tiếp nhận"  # Vietnamese

    # A signal delivered twice queues nothing more.
    assert notifications.enqueue_for_petition(p.pk, "answer") == []
    assert rows.count() == 8


def test_no_contact_no_message_and_the_worker_sends_them(
    cast, settings, django_capture_on_commit_callbacks
):
    silent = file(cast.agency_a, title="Ẩn danh", description="Không để lại liên hệ")
    # A petition taken by letter or at a reception may carry no contact at all.
    Petition.objects.filter(pk=silent.pk).update(petitioner_phone="", petitioner_email="")
    petitions.confirm_routing(
        silent, actor=cast.clerk_a, category=Category.TTHC, agency=cast.agency_a
    )
    assert notifications.enqueue_for_petition(silent.pk, "confirm") == []
    assert not Notification.objects.exists()

    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        p = file(
            cast.agency_a, title="Đường hỏng", description="Ổ gà trước nhà số 5", phone="0987654321"
        )
        petitions.confirm_routing(
            p, actor=cast.clerk_a, category=Category.TTHC, agency=cast.agency_a
        )
    mail.outbox.clear()
    call_command("run_worker", "--once")
    sms = Notification.objects.get()
    assert sms.status == Notification.Status.SENT and sms.channel == "sms"
    assert (
        MemorySmsBackend.outbox[-1][0] == "0987654321" and p.code in MemorySmsBackend.outbox[-1][1]
    )


def test_a_petition_notice_is_written_in_the_changing_transaction(cast):
    """No after-commit hook runs here: the notice exists because the transfer's own
    transaction wrote it (issue 12.4, the outbox)."""
    p = file(cast.agency_a, phone="0912345678", email="an@example.vn")
    petitions.transfer(
        p, actor=cast.clerk_a, to_agency=cast.agency_b, reason="Thuộc Sở", at=hours(1)
    )
    assert sorted(Notification.objects.values_list("kind", "channel")) == [
        ("petition:transfer", "email"),
        ("petition:transfer", "sms"),
    ]


def test_a_question_ending_with_a_full_stop_is_not_followed_by_a_second_one(cast):
    p = file(cast.agency_a, phone="0912345678")
    p = petitions.request_info(
        p, actor=cast.specialist_a, question="Xin gửi bản sao biên nhận.", at=hours(3)
    )
    _subject, body = notifications.compose_petition(
        p, "request_info", p.events.get(action="request_info")
    )
    assert "bản sao biên nhận. Trả lời tại" in body and ".." not in body
