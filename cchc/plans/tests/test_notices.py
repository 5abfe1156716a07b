import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cchc.core.jobs import run_jobs
from cchc.core.sms import MemorySmsBackend
from cchc.plans.models import Notice
from cchc.plans.notices import daily_pass

D = dt.date
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(cast, settings):
    settings.SMS_BACKEND = "cchc.core.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    for u, email, phone in (
        (cast.leader_a, "leader_a@example.vn", "0901000001"),
        (cast.clerk_a, "clerk_a@example.vn", ""),
        (cast.province_admin, "noivu@example.vn", ""),
    ):
        u.email, u.phone = email, phone
        u.save()
    return cast


@pytest.mark.parametrize("offset", [7, 3, 1, 0])
def test_reminders_7_3_1_0_days_before_sent_exactly_once(people, assign, offset):
    assign(deadline=D(2026, 6, 30))
    assign(deadline=D(2026, 9, 15))  # not due any reminder on those days
    day = D(2026, 6, 30) - dt.timedelta(days=offset)
    counts = daily_pass(day)
    assert counts["reminders"] == 3  # clerk, specialist and leader of the lead unit
    run_jobs()
    run_jobs()
    again = daily_pass(day)  # a second pass the same day records nothing
    assert again == {"reminders": 0, "digests": 0}
    run_jobs()
    to = sorted(m.to[0] for m in mail.outbox if "NV-2026-0001" in m.subject)
    assert to == ["clerk_a@example.vn", "leader_a@example.vn"]
    assert [p for p, _t in MemorySmsBackend.outbox] == ["0901000001"]
    assert Notice.objects.filter(email_sent_at__isnull=True).count() == 0


def test_no_reminder_on_other_days(people, assign):
    assign(deadline=D(2026, 6, 30))
    assert daily_pass(D(2026, 6, 25))["reminders"] == 0


def test_overdue_digest_to_assigner_and_leader_once_a_day(people, assign):
    assign(deadline=D(2026, 6, 30))
    assign(deadline=D(2026, 5, 31))
    counts = daily_pass(D(2026, 7, 2))
    assert counts["digests"] == 2  # the assigner and leader_a
    run_jobs()
    digests = [m for m in mail.outbox if "quá hạn" in m.subject or "overdue" in m.subject]
    assert sorted(m.to[0] for m in digests) == ["leader_a@example.vn", "noivu@example.vn"]
    assert "NV-2026-0001" in digests[0].body and "NV-2026-0002" in digests[0].body
    daily_pass(D(2026, 7, 2))
    run_jobs()
    assert (
        len(
            [
                m
                for m in mail.outbox
                if m in digests or "quá hạn" in m.subject or "overdue" in m.subject
            ]
        )
        == 2
    )
    daily_pass(D(2026, 7, 3))  # the next day is a new digest
    run_jobs()
    assert len([m for m in mail.outbox if "quá hạn" in m.subject or "overdue" in m.subject]) == 4


def test_failed_sms_is_retried_without_resending_the_mail(people, assign, settings):
    settings.SMS_BACKEND = "cchc.plans.tests.flaky_sms.FlakySms"
    from cchc.plans.tests import flaky_sms

    flaky_sms.CALLS.clear()
    assign(deadline=D(2026, 6, 30))
    daily_pass(D(2026, 6, 29))
    run_jobs()  # the SMS fails once; the mail went out and is stamped
    sent_mail = len(mail.outbox)
    assert sent_mail == 2
    Notice.objects.update()  # nothing
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_jobs()
    assert len(mail.outbox) == sent_mail
    assert flaky_sms.CALLS == ["fail", "ok"]
    assert Notice.objects.filter(sms_sent_at__isnull=True).count() == 0
