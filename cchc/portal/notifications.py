"""Messages to applicants: queued when a dossier changes, sent later by `run_worker`.

The receiver runs inside the dossier's (or petition's) transaction and only writes outbox
rows, which commit with the change or not at all: a crash right after the commit loses no
message, and a rolled-back action sends none. Sending happens in the worker, so a slow or
failing mail/SMS gateway never blocks or undoes an action.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.core import sms
from cchc.core.calendar import LOCAL_TZ
from cchc.dossiers.models import Dossier, DossierEvent
from cchc.feedback.models import Petition, PetitionEvent
from cchc.portal.models import Notification

log = logging.getLogger(__name__)

# Which dossier actions the applicant hears about (Decree 118/2025: the applicant is told of
# the receipt, any supplement request, any delay with its new date, and the result).
NOTIFIED_ACTIONS = ("receive", "request_supplement", "request_payment", "apologize", "finish")
MAX_ATTEMPTS = getattr(settings, "NOTIFY_MAX_ATTEMPTS", 6)


def lease() -> dt.timedelta:
    """How long a claimed message stays with its worker (settings.NOTIFICATION_LEASE_SECONDS)."""
    return dt.timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8... minutes after each failure (the first delay is
    settings.NOTIFICATION_RETRY_SECONDS), at most 6 hours."""
    first = settings.NOTIFICATION_RETRY_SECONDS
    return dt.timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 6 * 3600))


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if moment else ""


def before_full_stop(text: str) -> str:
    """A clerk's reason or note as it goes before a message's own full stop: its final full
    stop(s) and spaces removed, so an SMS never reads "…chưa rõ nét.. Thời gian…"."""
    return text.rstrip().rstrip(".").rstrip()


def compose(dossier: Dossier, action: str, event: DossierEvent | None) -> tuple[str, str] | None:
    """Subject and body of the message for this action, in the platform's language."""
    link = settings.SITE_URL.rstrip("/") + reverse("portal:lookup") + f"?code={dossier.code}"
    values = {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "link": link,
        "appointment": _local(dossier.appointment_at),
        "agency": dossier.receiving_agency.name,
        "reason": before_full_stop((event.note if event else "") or ""),
    }
    if action == "receive":
        return (
            _("Dossier %(code)s received") % values,
            _(
                "Your dossier %(code)s (%(procedure)s) has been received by %(agency)s. "
                "Appointment to return the result: %(appointment)s. Follow it at %(link)s"
            )
            % values,
        )
    if action == "request_supplement":
        return (
            _("Dossier %(code)s: please supplement your dossier") % values,
            _(
                "Your dossier %(code)s needs more documents: %(reason)s. "
                "The processing time is paused until they arrive. Details: %(link)s"
            )
            % values,
        )
    if action == "request_payment":
        amount = (event.data.get("amount") if event else None) or dossier.fee_amount or 0
        values["amount"] = f"{int(amount):,}".replace(",", ".") + " đ"
        values["note"] = f" {before_full_stop(values['reason'])}." if values["reason"] else ""
        return (
            _("Dossier %(code)s: fees to pay") % values,
            _(
                "Your dossier %(code)s needs a payment of %(amount)s before it continues."
                "%(note)s Details: %(link)s"
            )
            % values,
        )
    if action == "apologize":
        return (
            _("Dossier %(code)s: apology and new appointment") % values,
            _(
                "We apologise: your dossier %(code)s cannot be completed on time (%(reason)s). "
                "New appointment: %(appointment)s. Details: %(link)s"
            )
            % values,
        )
    if action == "finish":
        return (
            _("Dossier %(code)s: result ready") % values,
            _(
                "The result of your dossier %(code)s (%(procedure)s) is ready at %(agency)s. Details: %(link)s"
            )
            % values,
        )
    return None


def enqueue_for(
    dossier_id: int,
    action: str,
    event_id: int | None,
    *,
    dossier: Dossier | None = None,
    event: DossierEvent | None = None,
) -> list[Notification]:
    """Queue one message per channel the applicant gave (e-mail and/or SMS).

    `dossier` and `event`: the instances the action just wrote, when the announcement
    carries them (saves reading them back; an applicant without e-mail or phone costs
    nothing)."""
    if action not in NOTIFIED_ACTIONS:
        return []
    if dossier is not None and not (dossier.applicant_email or dossier.applicant_phone):
        return []
    if dossier is None or dossier.pk != dossier_id:
        dossier = (
            Dossier.objects.select_related("procedure", "receiving_agency")
            .filter(pk=dossier_id)
            .first()
        )
        if dossier is None:
            return []
    if event is None or event.pk != event_id:
        event = DossierEvent.objects.filter(pk=event_id).first() if event_id else None
    return _queue(
        partial(compose, dossier, action, event),
        email=dossier.applicant_email,
        phone=dossier.applicant_phone,
        kind=action,
        key=f"{dossier_id}:{event_id or action}",
        dossier=dossier,
    )


def on_dossier_changing(
    sender, *, dossier_id: int, action: str, event_id: int | None = None, **kwargs
) -> None:  # type: ignore[no-untyped-def]
    """Signal receiver (connected in PortalConfig.ready), inside the dossier's transaction.
    It may raise: an outbox row that cannot be written rolls the action back rather than
    leaving the applicant silently untold."""
    enqueue_for(
        dossier_id, action, event_id, dossier=kwargs.get("dossier"), event=kwargs.get("event")
    )


# -- petitions ----------------------------------------------------------------------------
# What a petitioner hears about (Decree 20/2008/ND-CP, art. 9 and 14: the petitioner is told
# that the petition was accepted or transferred, asked for what is missing, and answered).
PETITION_ACTIONS = ("confirm", "transfer", "request_info", "answer")


def compose_petition(
    petition: Petition, action: str, event: PetitionEvent | None
) -> tuple[str, str] | None:
    """Subject and body of the message to the petitioner, in the platform's language."""
    values = {
        "code": petition.code,
        "agency": petition.agency.name if petition.agency_id else "",
        "link": settings.SITE_URL.rstrip("/") + reverse("feedback:track", args=[petition.token]),
        "note": before_full_stop(((event.note if event else "") or "")[:300]),
    }
    if action == "confirm":
        return (
            _("Petition %(code)s accepted") % values,
            _("Your petition %(code)s has been accepted by %(agency)s. Follow it at %(link)s")
            % values,
        )
    if action == "transfer":
        return (
            _("Petition %(code)s transferred") % values,
            _(
                "Your petition %(code)s has been transferred to %(agency)s, which will handle "
                "it. Follow it at %(link)s"
            )
            % values,
        )
    if action == "request_info":
        return (
            _("Petition %(code)s: more information needed") % values,
            _(
                "%(agency)s needs more information about your petition %(code)s: %(note)s. "
                "Reply at %(link)s"
            )
            % values,
        )
    if action == "answer":
        return (
            _("Petition %(code)s answered") % values,
            _("%(agency)s has answered your petition %(code)s. Read the answer at %(link)s")
            % values,
        )
    return None


def enqueue_for_petition(petition_id: int, action: str) -> list[Notification]:
    """Queue one message per channel the petitioner gave, in the dossiers' outbox (one per
    event and channel: a signal delivered twice queues nothing more)."""
    if action not in PETITION_ACTIONS:
        return []
    petition = Petition.objects.select_related("agency").filter(pk=petition_id).first()
    if petition is None or not (petition.petitioner_email or petition.petitioner_phone):
        return []
    event = petition.events.filter(action=action).order_by("-pk").first()
    return _queue(
        partial(compose_petition, petition, action, event),
        email=petition.petitioner_email,
        phone=petition.petitioner_phone,
        kind=f"petition:{action}",
        key=f"petition:{petition_id}:{event.pk if event else action}",
    )


def on_petition_changing(sender, *, petition_id: int, action: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Signal receiver (connected in PortalConfig.ready), inside the petition's transaction;
    may raise, like `on_dossier_changing`."""
    enqueue_for_petition(petition_id, action)


def _queue(
    compose: Callable[[], tuple[str, str] | None],
    *,
    email: str,
    phone: str,
    kind: str,
    key: str,
    dossier: Dossier | None = None,
) -> list[Notification]:
    """The message `compose` writes in the platform's language (None: nothing to say), queued
    once per channel the person gave (e-mail, SMS) and per event (`key`)."""
    with translation.override(settings.LANGUAGE_CODE):
        message = compose()
    if message is None:
        return []
    subject, body = message
    created = []
    for channel, recipient in (
        (Notification.Channel.EMAIL, email),
        (Notification.Channel.SMS, phone),
    ):
        if not recipient:
            continue
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        channel=channel,
                        recipient=recipient,
                        subject=subject[:200],
                        body=body,
                        dossier=dossier,
                        kind=kind[:40],
                        dedup_key=f"{key}:{channel}"[:120],
                    )
                )
        except IntegrityError:
            continue  # already queued for this event
    return created


# -- delivery -----------------------------------------------------------------------------
def deliver(notification: Notification) -> None:
    """Hand one message to its channel; raises on failure."""
    if notification.channel == Notification.Channel.EMAIL:
        send_mail(notification.subject, notification.body, None, [notification.recipient])
    else:
        sms.send_sms(notification.recipient, notification.body)


def claim(batch: int = 50, now: dt.datetime | None = None) -> list[int]:
    """Take up to `batch` due messages. Rows locked by another worker are skipped; a claimed
    row is leased (its next attempt pushed ahead) so a crashed worker's rows come back."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        Notification.objects.filter(pk__in=rows).update(next_attempt_at=now + lease())
    return rows


def send_one(pk: int, sender: Callable[[Notification], None] = deliver) -> str:
    notification = Notification.objects.get(pk=pk)
    try:
        sender(notification)
    except Exception as exc:
        attempts = notification.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=Notification.Status.FAILED if failed else Notification.Status.QUEUED,
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        log.warning("notification %s failed (attempt %s): %s", pk, attempts, exc)
        return Notification.Status.FAILED if failed else "retry"
    Notification.objects.filter(pk=pk).update(
        attempts=notification.attempts + 1,
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return Notification.Status.SENT


def drain(batch: int = 50, sender: Callable[[Notification], None] = deliver) -> dict[str, int]:
    """Send everything due now, once. Returns counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        rows = claim(batch)
        if not rows:
            return counts
        for pk in rows:
            counts[send_one(pk, sender)] += 1
