"""The unit is told when the appraisal asks for its answers and when the chair moves their last
day: its leaders and specialists get a message (e-mail, else SMS) with the last day and the
sheet's link, sent by the job runner after the commit, once per person even when retried.
Before, the unit learnt of its few working days only by opening its sheet."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cchc.core.calendar import WorkingCalendar
from cchc.core.models import SentNotice
from cchc.reform import appraisal, notices
from cchc.reform.tests.helpers import adjusted

pytestmark = pytest.mark.django_db


def _reachable(cast):  # type: ignore[no-untyped-def]
    cast.leader_b.email = "lanhdao@tuphap.example.vn"
    cast.leader_b.save(update_fields=["email"])
    cast.specialist_b.email, cast.specialist_b.phone = "", "0912345678"
    cast.specialist_b.save(update_fields=["email", "phone"])
    cast.clerk_b.email = "motcua@tuphap.example.vn"
    cast.clerk_b.save(update_fields=["email"])


def _run_enqueued() -> int:
    """Run the unit's messages enqueued since the last call, as the job runner does after the
    commit (its in-process worker needs a transactional test database)."""
    ran = 0
    for row in DBTaskResult.objects.filter(task_path__endswith="notify_unit", status="READY"):
        notices.notify_unit.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCEEDED")
        ran += 1
    return ran


def test_asking_for_answers_tells_the_unit_after_the_commit(cast, mailoutbox, monkeypatch):
    _reachable(cast)
    texts: list[tuple[str, str]] = []
    monkeypatch.setattr("cchc.core.sms.send_sms", lambda phone, text: texts.append((phone, text)))
    chair, a = adjusted(cast)
    mailoutbox.clear()
    a = appraisal.request_explanation(a, actor=chair)
    # enqueued with the change, not sent during the request
    assert mailoutbox == [] and texts == []
    assert _run_enqueued() == 1
    # the leader by e-mail, the specialist by SMS, the counter clerk not at all
    assert [m.to for m in mailoutbox] == [["lanhdao@tuphap.example.vn"]]
    due = timezone.localtime(a.answer_due).strftime("%d/%m/%Y")
    message = mailoutbox[0]
    assert "đề nghị đơn vị giải trình" in message.subject
    assert due in message.body and a.agency.name in message.body
    assert reverse("reform:assessment", args=[a.pk]) in message.body
    assert [(phone, due in text) for phone, text in texts] == [("0912345678", True)]


def test_moving_the_last_day_tells_the_unit_the_new_day_and_why(cast, mailoutbox):
    _reachable(cast)
    chair, a = adjusted(cast)
    a = appraisal.request_explanation(a, actor=chair)
    _run_enqueued()
    mailoutbox.clear()
    first = timezone.localtime(a.answer_due).date()
    later = WorkingCalendar.for_province(a.agency.province_code).add_working_days(first, 3)
    appraisal.move_answer_due(a, actor=chair, answer_by=later, reason="Đơn vị xin thêm thời gian")
    assert _run_enqueued() == 1
    assert [m.to for m in mailoutbox] == [["lanhdao@tuphap.example.vn"]]
    body = mailoutbox[0].body
    assert first.strftime("%d/%m/%Y") in body and later.strftime("%d/%m/%Y") in body
    assert "Đơn vị xin thêm thời gian" in body


def test_a_retry_tells_nobody_twice_and_a_failed_send_is_retried(cast, mailoutbox, monkeypatch):
    _reachable(cast)
    monkeypatch.setattr("cchc.core.sms.send_sms", lambda phone, text: None)
    chair, a = adjusted(cast)
    a = appraisal.request_explanation(a, actor=chair)
    event = a.events.get(action="request_explanation")

    def down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")

    monkeypatch.setattr("cchc.core.notices.send_mail", down)
    with pytest.raises(RuntimeError):
        notices.notify_unit.call(event.pk)
    # the specialist's SMS went and is marked; the leader's e-mail waits for the retry
    sent = SentNotice.objects.filter(
        key__startswith=f"reform:event:{event.pk}:", sent_at__isnull=False
    )
    assert sent.count() == 1
    monkeypatch.undo()
    monkeypatch.setattr("cchc.core.sms.send_sms", lambda phone, text: None)
    assert notices.notify_unit.call(event.pk) == 1
    assert notices.notify_unit.call(event.pk) == 0
    assert [m.to for m in mailoutbox] == [["lanhdao@tuphap.example.vn"]]
