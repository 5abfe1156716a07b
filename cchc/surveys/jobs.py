"""Background work of the survey module: the SMS/e-mail invitation with a personal link.
Idempotent: a person already messaged (or who has answered) is skipped on a retry."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.jobs import job


def personal_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys:respond", kwargs={"token": token})


def open_url(campaign: Any, agency: Any, *, kiosk: bool = False) -> str:
    """The open link of one unit of a campaign (a poster's QR code, the unit's web page), or
    the same form for the tablet at its one-stop desk (answers counted as "kiosk")."""
    path = reverse(
        "surveys:respond_open",
        kwargs={"code": campaign.code, "token": campaign.open_token, "unit": agency.code},
    )
    return settings.SITE_URL.rstrip("/") + path + ("?kiosk=1" if kiosk else "")


@job(max_attempts=6)
def send_invitation(person_id: int) -> None:
    from cchc.core.sms import send_sms
    from cchc.surveys.models import SampledPerson

    with transaction.atomic():
        person = (
            SampledPerson.objects.select_for_update()
            .select_related("sample__campaign", "sample__agency")
            .filter(pk=person_id)
            .first()
        )
        if (
            person is None
            or person.message_sent_at is not None
            or person.status != SampledPerson.Status.PENDING
            or not person.contact_ok
        ):
            return
        campaign = person.sample.campaign
        url = personal_url(person.token)
        text = _(
            "%(unit)s invites you to rate its service (survey %(campaign)s, anonymous): %(url)s"
        ) % {"unit": person.sample.agency.name, "campaign": campaign.name, "url": url}
        if person.phone:
            send_sms(person.phone, text)
        if person.email:
            send_mail(_("Satisfaction survey"), text, None, [person.email])
        person.message_sent_at = timezone.now()
        person.status = SampledPerson.Status.CONTACTED
        person.save(update_fields=["message_sent_at", "status"])


@job(max_attempts=3)
def refresh_live_results(campaign_id: int) -> None:
    """Recompute a campaign's live figures (cchc/surveys/live.py); enqueued by the page that
    found them stale, at most one waiting per campaign. Idempotent: a run computes the
    figures of the campaign as it is when it runs. A published campaign is skipped (its
    frozen figures are served)."""
    from cchc.surveys import live
    from cchc.surveys.models import Campaign, LiveResults

    campaign = (
        Campaign.objects.select_related("method")
        .defer("published_results")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        return
    if campaign.is_published:
        LiveResults.objects.filter(pk=campaign_id).update(refresh_requested_at=None)
        return
    live.refresh(campaign)
