"""Deleting the notification outbox's old messages (issue 12 point 6, cchc/core/retention.py;
Nghị định 13/2023/NĐ-CP art. 3 khoản 6, 16): a sent or failed message older than the
`notification_months` of the retention rule in force loses its reason to be kept — the
recipient's phone or e-mail and the text — and is deleted. Queued messages are never
touched, whatever their age (they are still to be sent). One audit row per run
(`PortalActivity` "notifications_purged": how many, which rule), since the rows themselves
carry no history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cchc.core.actors import actor_label, is_system
from cchc.core.errors import NotPermitted
from cchc.core.models import RuleVersion
from cchc.core.retention import Purge
from cchc.portal.models import Notification, PortalActivity

PARAM = "notification_months"
DONE = (Notification.Status.SENT, Notification.Status.FAILED)
BATCH = 1000


def notifications_due(limit: dt.datetime) -> Any:
    return Notification.objects.filter(status__in=DONE, created_at__lt=limit).order_by("pk")


def purge_notifications(due: Any, *, actor: Any, rule: RuleVersion) -> int:
    """Delete the messages of `due` (from `notifications_due`) in batches, each batch in its
    own transaction with its rows locked and re-checked (a message re-queued meanwhile is
    kept), so a stopped run can simply be started again. Only the retention job may."""
    if not is_system(actor):
        raise NotPermitted("notifications are purged only by the retention job")
    deleted = 0
    while True:
        with transaction.atomic():
            pks = list(
                due.filter(status__in=DONE)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:BATCH]
            )
            if not pks:
                break
            count, _detail = Notification.objects.filter(pk__in=pks, status__in=DONE).delete()
            deleted += count
    if deleted:
        PortalActivity.objects.create(
            actor=None,
            actor_label=actor_label(actor)[:200],
            action="notifications_purged",
            data={
                "count": deleted,
                "rule": f"{rule.key} {rule.version}",
                "months": rule.param(PARAM),
            },
        )
    return deleted


PURGES = (
    Purge(
        label="notifications",
        param=PARAM,
        due=notifications_due,
        erase=purge_notifications,
        bulk=True,
    ),
)
