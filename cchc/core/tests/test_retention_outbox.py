"""Issue 12 point 6: `apply_retention` reaches the notification outbox. Sent and failed
messages older than the rule's `notification_months` (rule data, core migration 0010) are
deleted; queued ones and younger ones are kept."""

from __future__ import annotations

import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cchc.core.actors import JOB
from cchc.core.errors import NotPermitted
from cchc.core.models import RuleVersion
from cchc.core.retention import RULE_KEY
from cchc.portal.models import Notification, PortalActivity
from cchc.portal.retention import notifications_due, purge_notifications

pytestmark = pytest.mark.django_db
Status = Notification.Status


def _message(status: str, *, months: int, n: int = 0) -> Notification:
    note = Notification.objects.create(
        channel=Notification.Channel.SMS,
        recipient=f"091234567{n}",
        body="Hồ sơ đã có kết quả.",
        status=status,
        dedup_key=f"test:{status}:{months}:{n}",
    )
    created = timezone.now() - relativedelta(months=months, days=1)
    Notification.objects.filter(pk=note.pk).update(created_at=created)
    return note


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_the_rule_says_how_long_the_outbox_is_kept():
    rule = RuleVersion.objects.in_force(RULE_KEY, timezone.localdate())
    assert rule.param("notification_months") == 12


def test_apply_retention_deletes_old_sent_and_failed_messages_only():
    old_sent = _message(Status.SENT, months=13, n=1)
    old_failed = _message(Status.FAILED, months=13, n=2)
    old_queued = _message(Status.QUEUED, months=13, n=3)
    recent_sent = _message(Status.SENT, months=11, n=4)

    dry = _run("--dry-run")
    assert "notifications: 2 would be erased (12 months)" in dry
    assert Notification.objects.count() == 4

    done = _run()
    assert "notifications: 2 erased (12 months)" in done
    kept = set(Notification.objects.values_list("pk", flat=True))
    assert kept == {old_queued.pk, recent_sent.pk}
    assert old_sent.pk not in kept and old_failed.pk not in kept
    with connection.cursor() as cursor:  # gone from the table, recipient and all
        cursor.execute(
            "SELECT count(*) FROM portal_notification WHERE id IN (%s, %s)",
            [old_sent.pk, old_failed.pk],
        )
        assert cursor.fetchone()[0] == 0
    audit = PortalActivity.objects.get(action="notifications_purged")
    assert audit.data["count"] == 2 and audit.data["rule"] == f"{RULE_KEY} 2026"
    # a second run finds nothing more
    assert "notifications: 0 erased" in _run()


def test_a_longer_period_in_the_rule_keeps_the_messages():
    _message(Status.SENT, months=13)
    rule = RuleVersion.objects.in_force(RULE_KEY, timezone.localdate())
    RuleVersion.objects.filter(pk=rule.pk).update(params={**rule.params, "notification_months": 24})
    assert "notifications: 0 erased (24 months)" in _run()
    assert Notification.objects.count() == 1


def test_only_the_retention_job_purges(cast):
    _message(Status.SENT, months=13)
    rule = RuleVersion.objects.in_force(RULE_KEY, timezone.localdate())
    due = notifications_due(timezone.now() - relativedelta(months=12))
    with pytest.raises(NotPermitted):
        purge_notifications(due, actor=cast.province_admin, rule=rule)
    assert Notification.objects.count() == 1
    assert purge_notifications(due, actor=JOB, rule=rule) == 1
