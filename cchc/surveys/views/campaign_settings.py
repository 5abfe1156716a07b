"""A campaign's settings after its creation (Home Affairs): correcting its name, dates,
questionnaire or target (`cchc.surveys.campaign_settings.edit_campaign` decides what may
still change), and every unit's whole-unit quota on one page (`set_quotas` there: all lines
or none)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc.core.errors import DomainError
from cchc.core.rendering import add_domain_error
from cchc.surveys import campaign_settings
from cchc.surveys.forms import CampaignEditForm, CampaignUnitsForm
from cchc.surveys.models import Campaign, Quota, Response
from cchc.surveys.policies import is_home_affairs

SETTINGS = (
    "name",
    "questionnaire",
    "period",
    "date_from",
    "date_to",
    "modes",
    "anonymous",
    "target_index",
)


def _campaign_of_home_affairs(request: HttpRequest, code: str) -> Campaign:
    campaign = get_object_or_404(
        Campaign.objects.select_related("method", "questionnaire"), code=code
    )
    if not is_home_affairs(request.user, campaign.province_code):
        raise PermissionDenied
    return campaign


@login_required
def campaign_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The campaign's settings, pre-filled; while collecting only what may still change is
    offered; a refusal is shown on the form with what was typed."""
    campaign = _campaign_of_home_affairs(request, code)
    refusal = None
    try:
        campaign_settings.check_editable(campaign)
    except DomainError as exc:
        refusal = exc.message
    posted_stage = request.POST.get("stage", "")
    stage = posted_stage if posted_stage in Campaign.Status.values else campaign.status
    form = CampaignEditForm(
        request.POST or None,
        campaign=campaign,
        stage=stage,
        initial={f: getattr(campaign, f) for f in SETTINGS},
    )
    if request.method == "POST" and form.is_valid():
        given = {f: v for f, v in form.cleaned_data.items() if f in SETTINGS}
        try:
            changed = campaign_settings.edit_campaign(campaign, actor=request.user, **given)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if changed:
                messages.success(request, _("The campaign's settings are changed."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("surveys:campaign", code=campaign.code)
    return render(
        request,
        "surveys/campaign_edit.html",
        {
            "campaign": campaign,
            "form": form if refusal is None or request.method == "POST" else None,
            "refusal": refusal,
            "heading": _("Settings of the campaign"),
        },
    )


_WHOLE_NUMBER = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)")


def _parse_quota(raw: str) -> int | None:
    """A quota as typed: digits, with or without the dots Vietnamese writes thousands with
    (1.200); a negative one is read, for the service to say why not; None when it is not a
    whole number."""
    raw = raw.strip().replace(" ", "")
    if not _WHOLE_NUMBER.fullmatch(raw):
        return None
    return int(raw.replace(".", ""))


@login_required
def quotas(request: HttpRequest, code: str) -> HttpResponse:
    """Every unit's whole-unit quota in one table, one input per unit, pre-filled. The table
    is checked as a whole: one wrong line and nothing is saved, the wrong lines marked and
    every line keeping what was typed."""
    from django.db.models import Count

    campaign = _campaign_of_home_affairs(request, code)
    units = [u.agency for u in campaign.units_in_order()]
    current = dict(
        Quota.objects.filter(campaign=campaign, stratum="*").values_list("agency_id", "target")
    )
    filled = dict(
        Quota.objects.filter(campaign=campaign, stratum="*").values_list("agency_id", "filled")
    )
    returns = dict(
        Response.objects.filter(campaign=campaign)
        .values("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
    )
    samples = {s.agency_id: s.size for s in campaign.samples.all()}
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        targets: dict[Any, int] = {}
        for agency in units:
            raw = request.POST.get(f"q_{agency.code}", "")
            typed[agency.code] = raw
            if not raw.strip():
                if agency.pk in current:
                    errors[agency.code] = _(
                        "A quota set is not emptied: write its number of questionnaires."
                    )
                continue
            target = _parse_quota(raw)
            if target is None:
                errors[agency.code] = _("The quota is a whole number of questionnaires.")
            else:
                targets[agency] = target
        try:
            if errors:  # every wrong line at once, the service's checks too
                errors.update(campaign_settings.quota_errors(campaign, targets))
                raise campaign_settings.QuotasInvalid(errors)
            changed = campaign_settings.set_quotas(campaign, targets=targets, actor=request.user)
        except campaign_settings.QuotasInvalid as exc:
            errors = exc.lines  # the page says how many lines, and marks them
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The quota of %(n)s unit is set.",
                    "The quotas of %(n)s units are set.",
                    len(changed),
                )
                % {"n": len(changed)}
                if changed
                else _("Nothing was changed."),
            )
            return redirect("surveys:campaign", code=campaign.code)
    lines = [
        {
            "agency": agency,
            "value": typed.get(agency.code, current.get(agency.pk, "")),
            "error": errors.get(agency.code, ""),
            "returns": returns.get(agency.pk, 0),
            "filled": filled.get(agency.pk),
            "sample": samples.get(agency.pk),
        }
        for agency in units
    ]
    return render(
        request,
        "surveys/quotas.html",
        {
            "campaign": campaign,
            "lines": lines,
            "wrong": sum(1 for line in lines if line["error"]),
            "max_quota": f"{campaign_settings.MAX_QUOTA:,}".replace(",", "."),
        },
    )


@login_required
def campaign_units(request: HttpRequest, code: str) -> HttpResponse:
    """The units a campaign surveys, with their quota, sample and answers; while it is a
    draft, units to add and to remove ticked in two filterable lists
    (campaign_settings.change_units refuses, saying why, a unit with a drawn sample). Once it
    collects the list is read-only and the page says why."""
    from django.db.models import Count

    campaign = _campaign_of_home_affairs(request, code)
    form = (
        CampaignUnitsForm(request.POST if request.method == "POST" else None, campaign=campaign)
        if campaign.is_draft
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        add, remove = list(form.cleaned_data["add"]), list(form.cleaned_data["remove"])
        try:
            campaign_settings.change_units(campaign, add=add, remove=remove, actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Units added: %(added)s; units removed: %(removed)s.")
                % {"added": len(add), "removed": len(remove)},
            )
            return redirect("surveys:campaign_units", code=campaign.code)
    quotas = dict(
        Quota.objects.filter(campaign=campaign, stratum="*").values_list("agency_id", "target")
    )
    samples = {s.agency_id: s.size for s in campaign.samples.all()}
    returns = dict(
        Response.objects.filter(campaign=campaign)
        .values("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
    )
    rows = [
        {
            "agency": u.agency,
            "quota": quotas.get(u.agency_id),
            "sample": samples.get(u.agency_id),
            "returns": returns.get(u.agency_id, 0),
        }
        for u in campaign.units_in_order()
    ]
    return render(
        request,
        "surveys/campaign_units.html",
        {
            "campaign": campaign,
            "form": form,
            "rows": rows,
            "heading": _("Units surveyed"),
        },
    )
