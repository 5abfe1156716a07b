"""A campaign's settings and quotas: correcting its name, dates, questionnaire, modes and
target (`edit_campaign`: what may still change depends on its state) and the number of
questionnaires each unit should return (`set_quota`, `set_quotas` for the all-units page).
Permission-checked, row-locked, logged as SurveyEvent rows like every survey write; the
campaign's creation, transitions, samples and publication are in `cchc.surveys.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import events
from cchc.core.errors import TransitionNotAllowed, ValidationFailed
from cchc.surveys.methods import period_window
from cchc.surveys.models import Campaign, Mode, Quota, SurveyEvent
from cchc.surveys.policies import require_home_affairs


# -- settings -----------------------------------------------------------------------------
def check_window(period: str, date_from: dt.date, date_to: dt.date) -> None:
    """The transactions window is where the sample's frame is drawn from: the people who
    completed a transaction with the unit in the survey's reference period (domain.md §6,
    Hà Nội draws "this year's" applicants). A window outside the campaign's period rates
    another period's service; a window not begun yet holds nobody to draw."""
    window = period_window(period)
    if window is None:
        raise ValidationFailed(
            _(
                "“%(value)s” is not a period: write a year (2027), a quarter (2027-Q2) or a "
                "month (2027-05)."
            )
            % {"value": period},
            field="period",
        )
    first, last = window
    if date_from < first or date_to > last:
        raise ValidationFailed(
            _(
                "The transactions surveyed lie within the campaign's period %(period)s "
                "(%(first)s–%(last)s)."
            )
            % {"period": period, "first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"},
            field="date_from",
        )
    today = timezone.localdate()
    if date_from > today:
        raise ValidationFailed(
            _(
                "The transactions window begins after today (%(today)s): nobody has completed "
                "a transaction in it yet to be surveyed."
            )
            % {"today": f"{today:%d/%m/%Y}"},
            field="date_from",
        )


class _Keep:
    """An `edit_campaign` setting not given: left as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def check_editable(campaign: Campaign, changed: tuple[str, ...] | list[str] = ()) -> None:
    """Refuse, saying why, when the settings `changed` (any, when none are named) cannot
    change in the campaign's state."""
    from cchc.surveys.models import CAMPAIGN_FIELDS

    if not campaign.can_edit:
        raise TransitionNotAllowed(
            _(
                "The campaign is %(status)s: its settings no longer change, its answers are "
                "counted as they were collected."
            )
            % {"status": campaign.get_status_display()}
            if campaign.status == Campaign.Status.CLOSED
            else _("The results are published: the campaign's settings are final.")
        )
    if campaign.is_open:
        locked = [f for f in changed if f not in Campaign.EDITABLE_WHILE_OPEN]
        if locked:
            raise ValidationFailed(
                _(
                    "Collection has opened: %(fields)s can no longer change (answers have been "
                    "collected under them). While collecting, only the name, a later end "
                    "date and the target may change."
                )
                % {"fields": ", ".join(str(CAMPAIGN_FIELDS[f]) for f in locked)},
                field=locked[0],
            )


def edit_campaign(
    campaign: Campaign,
    *,
    actor: Any,
    name: Any = KEEP,
    questionnaire: Any = KEEP,
    period: Any = KEEP,
    date_from: Any = KEEP,
    date_to: Any = KEEP,
    modes: Any = KEEP,
    anonymous: Any = KEEP,
    target_index: Any = KEEP,
    note: str = "",
) -> list[str]:
    """Correct a campaign's settings (a typo in its name, its dates, its questionnaire and so
    its method, its target): anything while it is a draft; once collection has opened only
    the name, a later end date and the target (the answers collected keep their meaning);
    nothing once it is closed or published. A draft whose samples are drawn keeps the
    transactions window they were drawn from, except a later end date. One "edit" event
    records every setting changed, old and new. Returns the names of the settings changed
    (none: nothing is written)."""
    require_home_affairs(actor, campaign.province_code)
    given = {
        "name": name.strip() if isinstance(name, str) else name,
        "questionnaire": questionnaire,
        "period": period,
        "date_from": date_from,
        "date_to": date_to,
        "modes": modes,
        "anonymous": anonymous,
        "target_index": target_index,
    }
    with transaction.atomic():
        campaign = events.lock(campaign)
        before = {f: getattr(campaign, f) for f in given}
        after = {f: v for f, v in given.items() if v is not KEEP and v != before[f]}
        check_editable(campaign, list(after))
        if not after:
            return []
        if "name" in after and not after["name"]:
            raise ValidationFailed(_("A campaign has a name."), field="name")
        if "target_index" in after and after["target_index"] is not None:
            if not 0 <= after["target_index"] <= 100:
                raise ValidationFailed(
                    _("The target is a satisfaction index between 0 and 100 %."),
                    field="target_index",
                )
        if "questionnaire" in after and not after["questionnaire"].is_published:
            raise ValidationFailed(
                _("A campaign uses a published questionnaire."), field="questionnaire"
            )
        if "modes" in after:
            if not after["modes"]:
                raise ValidationFailed(_("Choose at least one mode of collection."), field="modes")
            if any(m not in Mode.values for m in after["modes"]):
                raise ValidationFailed(_("Unknown mode of collection."), field="modes")
        window = {"period", "date_from", "date_to"} & set(after)
        if window:
            new = {**{f: before[f] for f in ("period", "date_from", "date_to")}, **after}
            if new["date_from"] > new["date_to"]:
                raise ValidationFailed(_("The period ends before it starts."), field="date_to")
            later_end_only = window == {"date_to"} and new["date_to"] > before["date_to"]
            if campaign.is_open and not later_end_only:
                raise ValidationFailed(
                    _(
                        "While collecting, the end date only moves later (it is %(date)s): "
                        "people already sampled or answering completed their transactions "
                        "within it."
                    )
                    % {"date": f"{before['date_to']:%d/%m/%Y}"},
                    field="date_to",
                )
            if not later_end_only and campaign.samples.exists():
                raise ValidationFailed(
                    _(
                        "Samples have been drawn from the transactions of %(first)s–%(last)s: "
                        "that window stays (only its end may move later)."
                    )
                    % {
                        "first": f"{before['date_from']:%d/%m/%Y}",
                        "last": f"{before['date_to']:%d/%m/%Y}",
                    },
                    field=sorted(window)[0] if len(window) == 1 else "date_from",
                )
            check_window(new["period"], new["date_from"], new["date_to"])
        data = {
            "changes": events.changes(
                {f: str(v) if f == "questionnaire" else v for f, v in before.items() if f in after},
                {f: str(v) if f == "questionnaire" else v for f, v in after.items()},
            )
        }
        fields = list(after)
        for f, v in after.items():
            setattr(campaign, f, v)
        if "questionnaire" in after:
            campaign.method = after["questionnaire"].method
            fields.append("method")
        events.append_event(
            SurveyEvent, campaign, action="edit", actor=actor, data=data, note=note, save=fields
        )
        return list(after)


# -- quotas -------------------------------------------------------------------------------
MAX_QUOTA = 100_000


def require_preparing(campaign: Campaign) -> None:
    if not campaign.can_prepare:
        raise TransitionNotAllowed(
            _(
                "The campaign is %(status)s: samples and quotas are set before and during "
                "collection. Open the collection again first."
            )
            % {"status": campaign.get_status_display()}
            if campaign.status == Campaign.Status.CLOSED
            else _("The results are published: the campaign's samples and quotas are final.")
        )


def _check_quota(target: int) -> None:
    if target < 0:
        raise ValidationFailed(_("A quota is not negative."), field="target")
    if target > MAX_QUOTA:
        raise ValidationFailed(
            _("A unit's quota is at most %(n)s questionnaires.")
            % {"n": f"{MAX_QUOTA:,}".replace(",", ".")},
            field="target",
        )


class QuotasInvalid(ValidationFailed):
    """Some lines of a table of quotas are wrong: `lines` maps each wrong unit's code to why;
    nothing of the table was saved."""

    def __init__(self, lines: dict[str, str]) -> None:
        super().__init__(
            _("%(n)s lines of the table are wrong: nothing was saved.") % {"n": len(lines)}
            if len(lines) > 1
            else _("One line of the table is wrong: nothing was saved."),
            field="quotas",
        )
        self.lines = lines


def quota_errors(campaign: Campaign, targets: Mapping[Any, int]) -> dict[str, str]:
    """Why each line of a table of units' quotas (agency → target) would be refused, by the
    unit's code; empty when every line may be saved."""
    surveyed = set(campaign.units.values_list("agency_id", flat=True))
    errors: dict[str, str] = {}
    for agency, target in targets.items():
        if agency.pk not in surveyed:
            errors[agency.code] = _("This unit is not surveyed by the campaign.")
            continue
        try:
            _check_quota(target)
        except ValidationFailed as exc:
            errors[agency.code] = exc.message
    return errors


def set_quotas(campaign: Campaign, *, targets: Mapping[Any, int], actor: Any) -> list[Quota]:
    """Set many units' whole-unit quotas at once (Hà Nội: 52 units on one page), all or
    nothing: every line is checked first and `QuotasInvalid` names the wrong ones; each quota
    that changes is set by `set_quota` (its own event), in one transaction. Returns the quotas
    changed."""
    require_home_affairs(actor, campaign.province_code)
    errors = quota_errors(campaign, targets)
    if errors:
        raise QuotasInvalid(errors)
    with transaction.atomic():
        campaign = events.lock(campaign)
        require_preparing(campaign)
        current = dict(
            Quota.objects.filter(campaign=campaign, stratum="*").values_list("agency_id", "target")
        )
        return [
            set_quota(campaign, agency=agency, target=target, actor=actor)
            for agency, target in targets.items()
            if current.get(agency.pk) != target
        ]


def set_quota(
    campaign: Campaign, *, agency: Any, target: int, actor: Any, stratum: str = "*"
) -> Quota:
    require_home_affairs(actor, campaign.province_code)
    _check_quota(target)
    if not campaign.units.filter(agency=agency).exists():
        raise ValidationFailed(_("This unit is not surveyed by the campaign."), field="agency")
    with transaction.atomic():
        campaign = events.lock(campaign)
        require_preparing(campaign)
        quota, _created = Quota.objects.select_for_update().get_or_create(
            campaign=campaign, agency=agency, stratum=stratum, defaults={"target": target}
        )
        quota.target = target
        quota.save(update_fields=["target"])
        events.append_event(
            SurveyEvent,
            campaign,
            action="quota",
            actor=actor,
            data={"unit": agency.code, "stratum": stratum, "target": target},
            save=True,
        )
        return quota


# -- units ----------------------------------------------------------------------------------
def change_units(campaign: Campaign, *, add: Any = (), remove: Any = (), actor: Any) -> Campaign:
    """Add units to a draft campaign and remove units from it (Home Affairs). The units are
    fixed once it collects: its answers, quotas and samples are counted against them. A unit
    removed loses its quotas (set while preparing, nothing counted against them yet); a unit
    whose sample is drawn, or that has answers or keyed paper forms, is not removed: its
    sample's letters may have been sent. Logged as one "units" event naming the units added
    and removed. Returns the campaign."""
    from cchc.agencies.models import Agency
    from cchc.surveys.models import CampaignUnit, PaperForm, Response, Sample

    require_home_affairs(actor, campaign.province_code)
    add, remove = list(add), list(remove)
    with transaction.atomic():
        campaign = events.lock(campaign)
        if not campaign.is_draft:
            raise TransitionNotAllowed(
                _(
                    "The campaign is %(status)s: its units no longer change, its answers are "
                    "counted against them."
                )
                % {"status": campaign.get_status_display()}
            )
        surveyed = set(campaign.units.values_list("agency_id", flat=True))
        current = set(
            Agency.objects.current()
            .in_province(campaign.province_code)
            .filter(pk__in=[a.pk for a in add])
            .values_list("pk", flat=True)
        )
        wrong = [a for a in add if a.pk not in current]
        if wrong:
            raise ValidationFailed(
                _("Only current units of the province are surveyed: %(units)s.")
                % {"units": ", ".join(a.name for a in wrong)},
                field="add",
            )
        add = [a for a in add if a.pk not in surveyed]
        remove = [a for a in remove if a.pk in surveyed]
        both = {a.pk for a in add} & {a.pk for a in remove}
        if both:
            raise ValidationFailed(_("A unit is either added or removed, not both."))
        ids = [a.pk for a in remove]
        busy = (
            set(
                Sample.objects.filter(campaign=campaign, agency_id__in=ids).values_list(
                    "agency_id", flat=True
                )
            )
            | set(
                Response.objects.filter(campaign=campaign, agency_id__in=ids).values_list(
                    "agency_id", flat=True
                )
            )
            | set(
                PaperForm.objects.filter(campaign=campaign, agency_id__in=ids).values_list(
                    "agency_id", flat=True
                )
            )
        )
        if busy:
            raise ValidationFailed(
                _(
                    "A unit whose sample is drawn or that has answers stays in the campaign: "
                    "%(units)s."
                )
                % {"units": ", ".join(a.name for a in remove if a.pk in busy)},
                field="remove",
            )
        if len(surveyed) + len(add) - len(remove) < 1:
            raise ValidationFailed(
                _("A campaign surveys at least one unit: add another before removing the last."),
                field="remove",
            )
        if not add and not remove:
            return campaign
        CampaignUnit.objects.bulk_create(CampaignUnit(campaign=campaign, agency=a) for a in add)
        CampaignUnit.objects.filter(campaign=campaign, agency_id__in=ids).delete()
        quotas = Quota.objects.filter(campaign=campaign, agency_id__in=ids)
        dropped = sorted(set(quotas.values_list("agency__code", flat=True)))
        quotas.delete()
        events.append_event(
            SurveyEvent,
            campaign,
            action="units",
            actor=actor,
            data={
                "added": sorted(a.code for a in add),
                "removed": sorted(a.code for a in remove),
                "quotas_dropped": dropped,
            },
            save=True,
        )
        return campaign
