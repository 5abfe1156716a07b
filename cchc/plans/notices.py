"""Reminders and the daily overdue digest (domain.md §10: 7, 3 and 1 days before and on the
deadline [S]; the offsets are rule data, `plans` rule version, param `reminder_days`).

`daily_pass(day)` decides what is due that day and records one `Notice` per (what, whom,
day) key — a unique key, so a second pass the same day (a re-run, a second worker) records
nothing new — and enqueues `deliver_notices` in the same transaction. The job sends by
e-mail (Django mail) and SMS (settings.SMS_BACKEND), stamping each channel as it goes, so a
retry after a failure finishes what is left and never sends a message twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.core.jobs import job
from cchc.plans.models import Notice, Task
from cchc.plans.rules import plan_rules

REMINDER, DIGEST = "REMINDER", "DIGEST"


def _offset_label(days: int) -> str:
    return _("due today") if days == 0 else _("due in %(n)s days") % {"n": days}


def _members(agency_ids: set[int], roles: tuple[str, ...] | None = None) -> dict[int, list[User]]:
    qs = Membership.objects.filter(agency_id__in=agency_ids, user__is_active=True).select_related(
        "user"
    )
    if roles:
        qs = qs.filter(role__in=roles)
    out: dict[int, list[User]] = defaultdict(list)
    for m in qs:
        if m.user not in out[m.agency_id]:
            out[m.agency_id].append(m.user)
    return out


@transaction.atomic
def daily_pass(day: dt.date | None = None) -> dict[str, int]:
    """Record the reminders and digests of `day` and enqueue their delivery; returns counts
    of notices recorded now (0 on a second pass the same day)."""
    day = day or timezone.localdate()
    rules = plan_rules(day)
    offsets = sorted({int(d) for d in rules.get("reminder_days", [7, 3, 1, 0])})
    with translation.override(settings.LANGUAGE_CODE):
        wanted: dict[str, Notice] = {}
        due_days = {day + dt.timedelta(days=d): d for d in offsets}
        due = list(
            Task.objects.filter(completed_on__isnull=True, deadline_in_force__in=list(due_days))
            .select_related("lead_agency")
            .only(
                "id", "code", "title", "deadline_in_force", "lead_agency__code", "lead_agency__name"
            )
        )
        staff = _members({t.lead_agency_id for t in due})
        for task in due:
            offset = due_days[task.deadline_in_force]
            subject = _("[CCHC] Task %(code)s %(when)s") % {
                "code": task.code,
                "when": _offset_label(offset),
            }
            body = _("Task %(code)s: %(title)s\nLead unit: %(unit)s\nDeadline: %(deadline)s") % {
                "code": task.code,
                "title": task.title,
                "unit": task.lead_agency.name,
                "deadline": task.deadline_in_force.strftime("%d/%m/%Y"),
            }
            for user in staff.get(task.lead_agency_id, []):
                key = f"remind:D-{offset}:{task.pk}:{task.deadline_in_force.isoformat()}:{user.pk}"
                wanted[key] = Notice(
                    key=key,
                    kind=REMINDER,
                    task_id=task.pk,
                    recipient=user,
                    day=day,
                    subject=subject[:300],
                    body=body,
                )
        # Daily digest of overdue tasks to the assigner and the lead unit's leaders.
        overdue = list(
            Task.objects.overdue(day)
            .select_related("lead_agency")
            .only(
                "id",
                "code",
                "title",
                "deadline_in_force",
                "assigned_by_id",
                "lead_agency__code",
                "lead_agency__name",
            )
            .order_by("deadline_in_force", "code")
        )
        leaders = _members({t.lead_agency_id for t in overdue}, (Membership.Role.LEADER,))
        per_user: dict[int, dict[int, Task]] = defaultdict(dict)
        users: dict[int, User] = {}
        assigner_ids = {t.assigned_by_id for t in overdue if t.assigned_by_id}
        for u in User.objects.filter(pk__in=assigner_ids, is_active=True):
            users[u.pk] = u
        for leader_list in leaders.values():
            for u in leader_list:
                users[u.pk] = u
        for task in overdue:
            if task.assigned_by_id in users:
                per_user[task.assigned_by_id][task.pk] = task
            for u in leaders.get(task.lead_agency_id, []):
                per_user[u.pk][task.pk] = task
        for user_id, by_pk in per_user.items():
            tasks = list(by_pk.values())
            key = f"digest:{user_id}:{day.isoformat()}"
            lines = [
                f"- {t.code} {t.title[:120]} ({t.lead_agency.code}, "
                + _("deadline %(d)s") % {"d": t.deadline_in_force.strftime("%d/%m/%Y")}
                + ")"
                for t in tasks[:200]
            ]
            if len(tasks) > 200:
                lines.append(_("... and %(n)s more") % {"n": len(tasks) - 200})
            wanted[key] = Notice(
                key=key,
                kind=DIGEST,
                recipient=users[user_id],
                day=day,
                subject=(
                    _("[CCHC] %(n)s overdue tasks on %(day)s")
                    % {"n": len(tasks), "day": day.strftime("%d/%m/%Y")}
                )[:300],
                body="\n".join(lines),
            )
    existing = (
        set(Notice.objects.filter(key__in=list(wanted)).values_list("key", flat=True))
        if len(wanted) < 5000
        else set(Notice.objects.filter(day=day).values_list("key", flat=True))
    )
    new = [n for k, n in wanted.items() if k not in existing]
    Notice.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    if new:
        deliver_notices.enqueue(day.isoformat())
    return {
        "reminders": sum(1 for n in new if n.kind == REMINDER),
        "digests": sum(1 for n in new if n.kind == DIGEST),
    }


CHUNK = 50


@job(max_attempts=6)
def deliver_notices(day: str) -> int:
    """Send the notices of `day` not sent yet, in chunks of rows locked together (SKIP LOCKED,
    so two workers share the work); each channel of each notice is stamped in the chunk's
    transaction. A failing send is kept for the retry while the others' stamps commit; only
    a crash of the process between a send and its chunk's commit can repeat that chunk."""
    from cchc.core.sms import send_sms

    sent = 0
    failures: list[str] = []
    pending = list(
        Notice.objects.filter(day=dt.date.fromisoformat(day))
        .filter(Q(email_sent_at__isnull=True) | Q(sms_sent_at__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pending), CHUNK):
        with transaction.atomic():
            rows = list(
                Notice.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk__in=pending[start : start + CHUNK])
                .filter(Q(email_sent_at__isnull=True) | Q(sms_sent_at__isnull=True))
            )
            stamped: dict[str, list[int]] = {"email": [], "sms": []}
            for notice in rows:
                user = notice.recipient
                for channel in ("email", "sms"):
                    if getattr(notice, f"{channel}_sent_at") is not None:
                        continue
                    try:
                        if channel == "email" and user is not None and user.email:
                            send_mail(notice.subject, notice.body, None, [user.email])
                            sent += 1
                        elif channel == "sms" and user is not None and user.phone:
                            send_sms(user.phone, notice.subject)
                            sent += 1
                    except Exception as exc:  # noqa: BLE001 - retried; the others go on
                        failures.append(f"{notice.pk}/{channel}: {exc}")
                        continue
                    stamped[channel].append(notice.pk)
            now = timezone.now()
            for channel, ids in stamped.items():
                if ids:
                    Notice.objects.filter(pk__in=ids).update(**{f"{channel}_sent_at": now})
    if failures:
        raise RuntimeError("notices not delivered: " + "; ".join(failures[:10]))
    return sent
