"""Every write of a survey campaign: one keyword-only function per action, permission-checked,
row-locked, logged as SurveyEvent rows; letters, SMS and e-mail go to the job runner.
A campaign's settings and quotas are written by `cchc.surveys.campaign_settings`,
questionnaires by `cchc.surveys.questionnaires`, collection (responses, double keying,
review) by `cchc.surveys.collection`."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.surveys import jobs, sampling
from cchc.surveys.campaign_settings import check_window, require_preparing
from cchc.surveys.models import (
    Campaign,
    CampaignUnit,
    Mode,
    Questionnaire,
    Quota,
    Sample,
    SampledPerson,
    SurveyEvent,
)
from cchc.surveys.policies import require_home_affairs


# -- campaigns ----------------------------------------------------------------------------
def create_campaign(
    *,
    code: str,
    name: str,
    questionnaire: Questionnaire,
    province_code: str,
    period: str,
    date_from: Any,
    date_to: Any,
    agencies: list[Any],
    actor: Any,
    modes: list[str] | None = None,
    anonymous: bool = True,
    target_index: Any = None,
) -> Campaign:
    require_home_affairs(actor, province_code)
    if target_index is not None and not 0 <= target_index <= 100:
        raise ValidationFailed(
            _("The target is a satisfaction index between 0 and 100 %."), field="target_index"
        )
    if not questionnaire.is_published:
        raise ValidationFailed(_("A campaign uses a published questionnaire."))
    if date_from > date_to:
        raise ValidationFailed(_("The period ends before it starts."), field="date_to")
    check_window(period, date_from, date_to)
    modes = modes or [m.value for m in Mode]
    if any(m not in Mode.values for m in modes):
        raise ValidationFailed(_("Unknown mode of collection."), field="modes")
    if any(a.province_code != province_code for a in agencies):
        raise ValidationFailed(_("Every unit surveyed belongs to the province."))
    with transaction.atomic():
        campaign = Campaign.objects.create(
            code=code,
            name=name,
            method=questionnaire.method,
            questionnaire=questionnaire,
            province_code=province_code,
            period=period,
            date_from=date_from,
            date_to=date_to,
            modes=modes,
            anonymous=anonymous,
            target_index=target_index,
            open_token=secrets.token_urlsafe(12),
        )
        CampaignUnit.objects.bulk_create(
            CampaignUnit(campaign=campaign, agency=a) for a in agencies
        )
        events.append_event(
            SurveyEvent,
            campaign,
            action="create",
            actor=actor,
            data={
                "units": [a.code for a in agencies],
                "modes": modes,
                "target": str(target_index) if target_index is not None else None,
            },
            save=True,
        )
        return campaign


def _transition(campaign: Campaign, *, actor: Any, to: str, allowed: tuple[str, ...]) -> Campaign:
    require_home_affairs(actor, campaign.province_code)
    with transaction.atomic():
        campaign = events.lock(campaign)
        if campaign.status not in allowed:
            raise TransitionNotAllowed(
                _("The campaign is %(status)s: this step is not possible now.")
                % {"status": campaign.get_status_display()}
            )
        before = campaign.status
        campaign.status = to
        events.append_event(
            SurveyEvent,
            campaign,
            action=to.lower(),
            actor=actor,
            data={"from": before},
            save=["status"],
        )
        return campaign


def open_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    return _transition(
        campaign,
        actor=actor,
        to=Campaign.Status.OPEN,
        allowed=Campaign.OPEN_FROM,
    )


def close_campaign(campaign: Campaign, *, actor: Any) -> Campaign:
    return _transition(
        campaign, actor=actor, to=Campaign.Status.CLOSED, allowed=Campaign.CLOSE_FROM
    )


# far above any unit's yearly SIPAS sample (a few hundred), and within every database's integer
def draw_sample(
    campaign: Campaign,
    *,
    agency: Any,
    actor: Any,
    seed: str | None = None,
    frame: list[sampling.FrameEntry] | None = None,
) -> Sample:
    """Draw the unit's sample and reserve list from its frame (its applicants of the period,
    or an imported household list); the seed is stored so the draw can be reproduced. The
    quotas per stratum are set to the sample's allocation."""
    require_home_affairs(actor, campaign.province_code)
    with transaction.atomic():
        campaign = events.lock(campaign)
        require_preparing(campaign)
        if not campaign.units.filter(agency=agency).exists():
            raise ValidationFailed(_("The unit is not surveyed by this campaign."))
        if Sample.objects.filter(campaign=campaign, agency=agency).exists():
            raise TransitionNotAllowed(_("The unit's sample has already been drawn."))
        seed = seed or secrets.token_hex(16)
        if frame is None:
            frame = sampling.dossier_frame(agency, campaign.date_from, campaign.date_to)
        result = sampling.draw(
            frame,
            seed=seed,
            unit=agency.code,
            margin=float(campaign.method.rule("margin", 0.05)),
            reserve_factor=float(campaign.method.rule("reserve_factor", 1)),
        )
        sample = Sample.objects.create(
            campaign=campaign,
            agency=agency,
            seed=seed,
            frame_size=result.frame_size,
            size=result.size,
            strata=result.strata,
            drawn_at=timezone.now(),
        )
        SampledPerson.objects.bulk_create(
            SampledPerson(
                sample=sample,
                position=position,
                reserve=reserve,
                stratum=entry.stratum,
                token=secrets.token_urlsafe(18),
                **entry.person,
            )
            for reserve, entries in ((False, result.sample), (True, result.reserve))
            for position, entry in enumerate(entries, 1)
        )
        for stratum, (_frame, size) in result.strata.items():
            Quota.objects.update_or_create(
                campaign=campaign, agency=agency, stratum=stratum, defaults={"target": size}
            )
        events.append_event(
            SurveyEvent,
            campaign,
            action="draw",
            actor=actor,
            data={
                "unit": agency.code,
                "seed": seed,
                "frame": result.frame_size,
                "size": result.size,
                "strata": result.strata,
            },
            save=True,
        )
        return sample


def send_invitations(campaign: Campaign, *, actor: Any, reserve: bool = False) -> int:
    """Queue an SMS/e-mail link to every sampled person who agreed to be contacted and was not
    yet messaged (the letter itself is the printed PDF)."""
    require_home_affairs(actor, campaign.province_code)
    with transaction.atomic():
        campaign = events.lock(campaign)
        if not campaign.is_open:
            raise TransitionNotAllowed(_("Invitations go out while the campaign is collecting."))
        people = list(
            SampledPerson.objects.filter(
                sample__campaign=campaign,
                reserve=reserve,
                contact_ok=True,
                message_sent_at__isnull=True,
                status=SampledPerson.Status.PENDING,
            ).values_list("pk", flat=True)
        )
        for pk in people:
            jobs.send_invitation.enqueue(pk)
        events.append_event(
            SurveyEvent,
            campaign,
            action="invite",
            actor=actor,
            data={"queued": len(people), "reserve": reserve},
            save=True,
        )
        return len(people)


def publish_results(campaign: Campaign, *, actor: Any) -> Campaign:
    """Freeze the campaign's figures (they no longer change with later edits) and show them
    on the public transparency page."""
    from cchc.surveys.results import campaign_results

    require_home_affairs(actor, campaign.province_code)
    with transaction.atomic():
        campaign = events.lock(campaign)
        if not campaign.can_publish:
            raise TransitionNotAllowed(_("Close the campaign before publishing its results."))
        campaign.published_results = campaign_results(campaign)
        campaign.published_at = timezone.now()
        campaign.status = Campaign.Status.PUBLISHED
        events.append_event(
            SurveyEvent,
            campaign,
            action="publish",
            actor=actor,
            save=["published_results", "published_at", "status"],
        )
        return campaign
