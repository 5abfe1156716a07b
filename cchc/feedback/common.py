"""What the feedback modules share: the rule versions in force, the working calendar,
codes, times, and the checks on the text the public sends.

The feedback services are split by aggregate: `intake` (a petition arrives: web, Open311,
hotline, counter, mail, bundle import), `petitions` (its handling: routing, transfer,
questions, answer, publication, merge, notes, votes), `complaints` (the restricted register of
complaints and denunciations) and `reception` (the leaders' citizen reception schedule).
Every one of them: checks permission and the transition → locks the row → appends the event
naming the actor (cchc.core.events) → updates the denormalised state → after commit,
announces the change. An actor is required: a user, or a system actor (cchc.core.actors) for
imports and jobs.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.utils.translation import gettext as _

from cchc.accounts.models import Membership
from cchc.core import personal
from cchc.core.calendar import LOCAL_TZ, WorkingCalendar
from cchc.core.errors import ValidationFailed
from cchc.core.models import RuleVersion
from cchc.dossiers.services import calendar_for
from cchc.feedback.text import clean_text

R = Membership.Role


PETITION_RULE = "petition"


COMPLAINT_RULE = "complaint"


# Size caps for what the public sends (also enforced by the forms and the Open311 API).
TITLE_MAX = 200


DESCRIPTION_MAX = 5000


ANSWER_MAX = 20000


# The petitioner's answer to the agency's question (the question is at most 2,000).
REPLY_MAX = 3000


STAFF_ROLES: set[str] = {R.CLERK, R.SPECIALIST, R.LEADER, R.AGENCY_ADMIN}


HANDLER_ROLES: set[str] = {R.CLERK, R.SPECIALIST, R.LEADER}


ANSWER_ROLES: set[str] = {R.SPECIALIST, R.LEADER}


PUBLISH_ROLES: set[str] = {R.LEADER}


def possible_assignees(agency_id: int) -> list[tuple[Any, str]]:
    """Who may be named to handle a petition of the agency: its active specialists and
    leaders (ANSWER_ROLES), the only ones who can answer it; each with the role the leader
    tells them apart by (the list showed bare names, clerks among them)."""
    seen: dict[int, tuple[Any, str]] = {}
    for membership in (
        Membership.objects.filter(agency_id=agency_id, role__in=ANSWER_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "user__username")
    ):
        seen.setdefault(membership.user_id, (membership.user, membership.get_role_display()))
    return list(seen.values())


def rule_in_force(key: str, on: dt.date) -> RuleVersion:
    try:
        return RuleVersion.objects.in_force(key, on)
    except RuleVersion.DoesNotExist as exc:
        raise ValidationFailed(
            _("No '%(key)s' rule version is in force on %(day)s.")
            % {"key": key, "day": day_text(on)}
        ) from exc


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TZ).date()


# Dates and times in what people read, as the site's pages write them (|date:"H:i d/m/Y"):
# local time, day first. API fields keep their W3C form (open311.w3c).
def local_text(moment: dt.datetime) -> str:
    """17:00 25/12/2026"""
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def day_text(day: dt.date) -> str:
    """25/12/2026"""
    return day.strftime("%d/%m/%Y")


def calendar(province_code: str, rule: RuleVersion) -> WorkingCalendar:
    return calendar_for(province_code, rule)


def due(cal: WorkingCalendar, start: dt.datetime, days: Any) -> dt.datetime:
    return cal.due(start, days, "working_day").due_at


def param(rule: RuleVersion, name: str) -> Any:
    value = rule.param(name)
    if value is None:
        raise ValidationFailed(
            _("Rule version %(rule)s lacks the parameter '%(name)s'.")
            % {"rule": rule, "name": name}
        )
    return value


def required_text(
    value: str | None, what: str, limit: int, *, multiline: bool = True, field: str = ""
) -> str:
    text = clean_text(value, multiline=multiline)
    if not text:
        raise ValidationFailed(_("Please give the %(what)s.") % {"what": what}, field=field or None)
    if len(text) > limit:
        raise ValidationFailed(
            _("The %(what)s is too long (%(n)s characters, at most %(max)s).")
            % {"what": what, "n": len(text), "max": limit},
            field=field or None,
        )
    return text


def contact_matches(petition: Any, contact: str) -> bool:
    """`contact` (a phone number in any spelling, or an e-mail) is the one the petitioner gave
    with `petition`: compared through the keyed look-up hashes, in constant time. A petition
    given without that kind of contact matches nothing."""
    kind = "email" if "@" in contact else "phone"
    stored = petition.petitioner_email_hash if kind == "email" else petition.petitioner_phone_hash
    given = personal.lookup_hash(kind, contact)
    return bool(stored and given) and hmac.compare_digest(stored, given)
