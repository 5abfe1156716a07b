"""Notification outbox: queued on dossier changes, sent by the worker, retried with backoff;
a failing gateway never blocks the dossier action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cchc.core.sms import MemorySmsBackend
from cchc.dossiers import services as dossier_services
from cchc.dossiers.models import Status
from cchc.portal import notifications
from cchc.portal.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


class BrokenSms:
    def send(self, phone, text):
        raise ConnectionError("SMS gateway down")


@pytest.fixture
def submitted(cast, citizen):
    return dossier_services.submit_online(
        procedure=cast.procedure,
        receiving_agency=cast.agency_a,
        actor=citizen,
        at=at(2026, 3, 2, 8),
        applicant=dossier_services.Applicant(
            name="Dân", id_last4="2345", email="dan@example.vn", phone="0912345678", account=citizen
        ),
    )


def test_receipt_supplement_apology_and_result_are_queued(
    cast, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.request_supplement(
            d, actor=cast.clerk_a, reason="Thiếu tờ khai", at=at(2026, 3, 2, 10)
        )
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.receive_supplement(d, actor=cast.clerk_a, at=at(2026, 3, 2, 11))
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.apologize(
            d,
            actor=cast.leader_a,
            reason="Chờ xác minh",
            new_appointment_at=at(2026, 3, 10, 9),
            at=at(2026, 3, 3, 9),
        )
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.finish(
            d, actor=cast.specialist_a, at=at(2026, 3, 4, 9), note="Quyết định số 12/QĐ"
        )
    kinds = sorted(Notification.objects.values_list("kind", "channel"))
    assert kinds == sorted(
        (k, c)
        for k in ("receive", "request_supplement", "apologize", "finish")
        for c in ("email", "sms")
    )
    supplement = Notification.objects.get(kind="request_supplement", channel="email")
    assert "Thiếu tờ khai" in supplement.body and d.code in supplement.subject
    apology = Notification.objects.get(kind="apologize", channel="sms")
    assert "10/03/2026" in apology.body
    # a second delivery of the same signal does not queue twice
    event = d.events.get(action="finish")
    notifications.enqueue_for(d.pk, "finish", event.pk)
    assert Notification.objects.filter(kind="finish").count() == 2


def test_worker_sends_email_and_sms(cast, submitted, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    mail.outbox.clear()
    call_command("run_worker", "--once")
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 2
    assert mail.outbox[0].to == ["dan@example.vn"] and submitted.code in mail.outbox[0].subject
    assert MemorySmsBackend.outbox[-1][0] == "0912345678"


def test_failing_backend_is_retried_with_backoff_and_the_dossier_action_still_succeeds(
    cast, submitted, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "cchc.portal.tests.test_notifications.BrokenSms"
    with django_capture_on_commit_callbacks(execute=True):
        d = dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    d.refresh_from_db()
    assert d.status == Status.RECEIVED
    counts = notifications.drain()
    assert counts == {"sent": 1, "retry": 1, "failed": 0}
    sms = Notification.objects.get(channel="sms")
    assert sms.status == "queued" and sms.attempts == 1 and "SMS gateway down" in sms.last_error
    assert sms.next_attempt_at > timezone.now() + dt.timedelta(seconds=30)
    assert notifications.drain() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    # the gateway recovers: next due attempt goes through
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    Notification.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
    assert notifications.drain()["sent"] == 1
    sms.refresh_from_db()
    assert sms.status == "sent" and sms.attempts == 2 and sms.last_error == ""


def test_gives_up_after_max_attempts(cast, submitted, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "cchc.portal.tests.test_notifications.BrokenSms"
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    sms = Notification.objects.get(channel="sms")
    for _i in range(notifications.MAX_ATTEMPTS):
        Notification.objects.filter(pk=sms.pk).update(next_attempt_at=timezone.now())
        notifications.drain()
    sms.refresh_from_db()
    assert sms.status == "failed" and sms.attempts == notifications.MAX_ATTEMPTS


def test_backoff_grows_and_is_capped():
    assert [notifications.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert notifications.backoff(30) == dt.timedelta(hours=6)


# -- the outbox: written in the transaction of the change (issue 12.4) ----------------------
def test_notices_and_index_mark_are_written_in_the_changing_transaction(cast, submitted):
    """No after-commit hook runs here (none is captured): what exists was written inside the
    action's own transaction, as a crash right after the commit would leave it."""
    from cchc.indices.models import DossierFact, PendingRefresh

    dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    assert sorted(Notification.objects.values_list("kind", "channel")) == [
        ("receive", "email"),
        ("receive", "sms"),
    ]
    assert PendingRefresh.objects.filter(dossier_id=submitted.pk).exists()
    # the worker is the recovery path: it sends the messages and refreshes the marked fact
    DossierFact.objects.filter(dossier=submitted).delete()
    call_command("run_worker", "--once")
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    assert not PendingRefresh.objects.exists()
    assert DossierFact.objects.filter(dossier=submitted).exists()


def test_a_rolled_back_action_leaves_no_notice_and_no_mark(cast, submitted):
    from django.db import transaction

    from cchc.indices.models import PendingRefresh

    PendingRefresh.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
        raise RuntimeError("the request fails after the action")
    assert not Notification.objects.exists()
    assert not PendingRefresh.objects.exists()


def test_the_after_commit_refresh_clears_the_mark(
    cast, submitted, django_capture_on_commit_callbacks
):
    from cchc.indices.models import DossierFact, PendingRefresh

    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    assert not PendingRefresh.objects.exists()
    assert DossierFact.objects.filter(dossier=submitted).exists()


def test_a_reason_ending_with_a_full_stop_is_not_followed_by_a_second_one(cast, submitted):
    d = dossier_services.receive(submitted, actor=cast.clerk_a, at=at(2026, 3, 2, 9))
    d = dossier_services.request_supplement(
        d, actor=cast.clerk_a, reason="Ảnh chụp CCCD chưa rõ nét. ", at=at(2026, 3, 2, 10)
    )
    _subject, body = notifications.compose(
        d, "request_supplement", d.events.get(action="request_supplement")
    )
    assert "chưa rõ nét. Thời gian" in body and ".." not in body
    d = dossier_services.receive_supplement(d, actor=cast.clerk_a, at=at(2026, 3, 2, 11))
    d = dossier_services.apologize(
        d,
        actor=cast.leader_a,
        reason="Chờ xác minh.",
        new_appointment_at=at(2026, 3, 10, 9),
        at=at(2026, 3, 3, 9),
    )
    _subject, body = notifications.compose(d, "apologize", d.events.get(action="apologize"))
    assert "(Chờ xác minh)." in body
