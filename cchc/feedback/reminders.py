"""Reminders of a petition's answer deadline (nhắc hạn trả lời phản ánh, kiến nghị).

A petition is answered within `handle_days` working days of its receipt or transfer (Decree
20/2008/NĐ-CP amended by Decree 92/2017/NĐ-CP; domain.md §8). The queue counts what falls
due soon, but nobody was told: now the person handling the petition (its assignee, or while
nobody is named, the leaders of the unit holding it) is told at each step of the `petition_reminder`
rule version in force (params `before_working_days`, by default 3 and 1 working days before
the deadline, counted on the petition's own working calendar, and `when_overdue`: once
when the deadline has passed).

`daily_pass(day)` (`manage.py feedback_daily`, cron, once a day) finds the petitions at a step
on `day` whose people are not all told yet and enqueues `remind` for each, in its transaction.
The job looks again (a petition answered, rejected, merged, moved to the complaints register
or waiting for the petitioner since is left alone) and tells each person once
(`core.notices.send_once`, keyed by petition, step and person): a second pass, a second run
of the job or its retry after a failed send sends nothing twice. A pass missed on some day
is caught up with the latest step only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc.accounts.models import Membership, User
from cchc.core.calendar import LOCAL_TZ
from cchc.core.jobs import job
from cchc.core.models import RuleVersion, SentNotice
from cchc.core.notices import send_once
from cchc.feedback import common
from cchc.feedback.models import CLOCK_STATUSES, Petition

REMINDER_RULE = "petition_reminder"

OVERDUE = "overdue"


def reminder_rule(day: dt.date) -> RuleVersion | None:
    """The reminder steps in force on `day`; none in force, no reminders."""
    try:
        return RuleVersion.objects.in_force(REMINDER_RULE, day)
    except RuleVersion.DoesNotExist:
        return None


def step_on(petition: Petition, day: dt.date, rule: RuleVersion) -> str | None:
    """The reminder step the petition is at on `day`: "D-3", "D-1" (the nearest step whose
    working days reach the deadline's day), OVERDUE (its deadline passed before `day`
    began) or None. Only a petition whose handling clock runs has a step: one answered,
    rejected, merged, moved or waiting for the petitioner's information has none."""
    if not petition.is_clock_running or petition.handle_due_at is None:
        return None
    if petition.handle_due_at < dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ):
        return OVERDUE if rule.param("when_overdue", False) else None
    cal = common.calendar(petition.province_code, petition.rule_version)
    deadline_day = common.local_date(petition.handle_due_at)
    for before in sorted(int(n) for n in rule.param("before_working_days", [])):
        if deadline_day <= cal.add_working_days(day, before):
            return f"D-{before}"
    return None


def recipients(petitions: Iterable[Petition]) -> dict[int, list[User]]:
    """Who is told of each petition: its active assignee, else the active leaders of the unit
    holding it (the responsible agency, else the one that logged it)."""
    people: dict[int, list[User]] = {}
    unit_of: dict[int, int] = {}
    for petition in petitions:
        if petition.assignee_id is not None and petition.assignee.is_active:
            people[petition.pk] = [petition.assignee]
        else:
            people[petition.pk] = []
            unit = petition.agency_id or petition.receiving_agency_id
            if unit is not None:
                unit_of[petition.pk] = unit
    leaders: dict[int, list[User]] = defaultdict(list)
    for m in (
        Membership.objects.filter(
            agency_id__in=set(unit_of.values()),
            role=Membership.Role.LEADER,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    ):
        if m.user not in leaders[m.agency_id]:
            leaders[m.agency_id].append(m.user)
    for pk, unit in unit_of.items():
        people[pk] = leaders.get(unit, [])
    return people


def notice_key(petition: Petition, step: str, person: Any) -> str:
    return f"feedback:due:{petition.pk}:{step}:user:{person.pk}"


def _open_petitions() -> Any:
    return Petition.objects.filter(
        status__in=CLOCK_STATUSES, handle_due_at__isnull=False
    ).select_related("assignee", "rule_version")


@transaction.atomic
def daily_pass(day: dt.date | None = None) -> int:
    """Enqueue the reminders of `day`; returns how many petitions have someone to tell (0 on
    a second pass once the first one's messages went)."""
    day = day or timezone.localdate()
    rule = reminder_rule(day)
    if rule is None:
        return 0
    at_step: dict[int, tuple[Petition, str]] = {}
    for petition in _open_petitions():
        step = step_on(petition, day, rule)
        if step is not None:
            at_step[petition.pk] = (petition, step)
    people = recipients(p for p, _step in at_step.values())
    wanted = {
        pk: [notice_key(p, step, person) for person in people[pk]]
        for pk, (p, step) in at_step.items()
    }
    told = set(
        SentNotice.objects.filter(
            key__in=[k for keys in wanted.values() for k in keys], sent_at__isnull=False
        ).values_list("key", flat=True)
    )
    enqueued = 0
    for pk, keys in wanted.items():
        if any(k not in told for k in keys):
            remind.enqueue(pk, at_step[pk][1], day.isoformat())
            enqueued += 1
    return enqueued


def compose(petition: Petition, step: str) -> tuple[str, str]:
    """Subject and body of the reminder, in the platform's language."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "code": petition.code,
            "title": petition.title or petition.description[:80],
            "due": common.local_text(petition.handle_due_at),
            "link": settings.SITE_URL.rstrip("/")
            + reverse("feedback:detail", args=[petition.code]),
        }
        if step == OVERDUE:
            subject = _("Petition %(code)s is overdue: its answer was due at %(due)s") % values
        else:
            before = int(step.removeprefix("D-"))
            subject = ngettext(
                "Petition %(code)s: the answer is due in %(n)s working day, at %(due)s",
                "Petition %(code)s: the answer is due in %(n)s working days, at %(due)s",
                before,
            ) % {**values, "n": before}
        body = (
            _(
                'Petition %(code)s "%(title)s" must be answered by %(due)s. Answer it, ask the '
                "petitioner for the information you need, or transfer it to the competent "
                "agency: %(link)s"
            )
            % values
        )
        if petition.assignee_id is None or not petition.assignee.is_active:
            body += "\n" + _("Nobody handles it yet: assign it to a specialist of your unit.")
    return subject, body


@job(max_attempts=6)
def remind(petition_id: int, step: str, day: str) -> int:
    """Tell the people of the petition at `step` on `day`, each once; returns how many
    messages went in this run. A petition no longer at that step (answered, moved, paused
    since the pass) is left alone; a send that fails raises, and the retry sends only to
    whom is left."""
    rule = reminder_rule(dt.date.fromisoformat(day))
    petition = _open_petitions().filter(pk=petition_id).first()
    if rule is None or petition is None:
        return 0
    if step_on(petition, dt.date.fromisoformat(day), rule) != step:
        return 0
    subject, body = compose(petition, step)
    return sum(
        send_once(notice_key(petition, step, person), person, subject, body)
        for person in recipients([petition])[petition.pk]
    )
