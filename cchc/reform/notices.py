"""Telling the appraised unit what the appraisal asks of it (domain.md §7: "the unit may answer
the adjustments"): when the chair asks for the unit's answers and when the chair moves their
last day, the unit's leaders and specialists (who score and answer the sheet; the counter
clerks do not) get a message by e-mail, else SMS, naming the last day and the sheet's link.
Until then the unit learnt of its explanation round only by opening its sheet, and could let
the few working days of the round pass without knowing.

`announce(event)` is called by the service inside its transaction and only enqueues the job:
the message goes after the commit, through the job runner, or not at all when the action is
rolled back. Each person's message is sent once (`core.notices.send_once`, keyed by event and
person), so a retry after a failure sends what is left and nobody twice."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.core.jobs import job
from cchc.core.notices import send_once
from cchc.reform.models import Assessment, ReformEvent

# the sheet's actions the unit is told of
ANNOUNCED = ("request_explanation", "move_answer_due")
# who in the unit is told: those who score the sheet and answer the appraisal
TOLD_ROLES = (Membership.Role.LEADER, Membership.Role.SPECIALIST)


def announce(assessment: Assessment) -> None:
    """Enqueue the unit's message about the assessment's last event (asked for its answers,
    their last day moved), in the caller's transaction: it commits with the event or not at
    all."""
    event = assessment.events.order_by("-seq").only("pk", "action").first()
    if event is not None and event.action in ANNOUNCED:
        notify_unit.enqueue(event.pk)


def recipients(event: ReformEvent) -> list[User]:
    """The unit's active leaders and specialists, each once."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__agency_id=event.assessment.agency_id,
            memberships__role__in=TOLD_ROLES,
        )
        .distinct()
        .order_by("pk")
    )


def _local(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    return dateformat.format(timezone.localtime(moment), "H:i d/m/Y") if moment else "—"


def compose(event: ReformEvent) -> tuple[str, str]:
    """Subject and body of the unit's message, in the platform's language."""
    a = event.assessment
    link = settings.SITE_URL.rstrip("/") + reverse("reform:assessment", args=[a.pk]) + "#explain"
    with translation.override(settings.LANGUAGE_CODE):
        if event.action == "move_answer_due":
            before, after = (event.data or {}).get("answer_due") or [None, None]
            subject = _("PAR INDEX %(year)s: the last day for your answers is moved") % {
                "year": a.template.year
            }
            body = _(
                "The chair of the appraisal team moved the last day for the answers of "
                "%(unit)s to the adjustments of its self-assessment (%(template)s) from "
                "%(before)s to %(after)s. Reason: %(reason)s. Answer on the sheet: %(link)s"
            ) % {
                "unit": a.agency.name,
                "template": a.template.name,
                "before": _local(before),
                "after": _local(after),
                "reason": event.note.rstrip().rstrip(".") or "—",
                "link": link,
            }
        else:
            subject = _("PAR INDEX %(year)s: the appraisal asks for your answers") % {
                "year": a.template.year
            }
            body = _(
                "The appraisal team adjusted scores of the self-assessment of %(unit)s "
                "(%(template)s) and asks the unit for its explanation, due by %(due)s. The "
                "unit's leader may also accept every adjustment at once. Answer on the sheet: "
                "%(link)s"
            ) % {
                "unit": a.agency.name,
                "template": a.template.name,
                "due": _local((event.data or {}).get("answer_due")),
                "link": link,
            }
    return subject, body


@job(max_attempts=6)
def notify_unit(event_id: int) -> int:
    """Send the message of the event to each person of the unit not told yet
    (`core.notices.send_once`); returns how many messages went in this run. A failing send
    is left for the retry and fails the run after the others, so the retry sends only what
    is left."""
    event = (
        ReformEvent.objects.select_related("assessment__agency", "assessment__template")
        .filter(pk=event_id, action__in=ANNOUNCED)
        .first()
    )
    if event is None:
        return 0
    subject, body = compose(event)
    sent = 0
    failures: list[str] = []
    for person in recipients(event):
        try:
            sent += send_once(f"reform:event:{event.pk}:user:{person.pk}", person, subject, body)
        except Exception as exc:  # noqa: BLE001 - retried; the others are told meanwhile
            failures.append(f"{person.pk}: {exc}")
    if failures:
        raise RuntimeError("PAR unit notices not sent: " + "; ".join(failures[:10]))
    return sent
