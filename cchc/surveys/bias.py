"""Exit-poll bias check (issue 13.8): desk figures (paper at the desk, kiosk, and the
per-dossier rating at the counter) next to the independent survey (post, household, phone,
face-to-face, online), per unit. A unit whose desk satisfaction exceeds the independent
figure by more than the margin (method rule `bias_margin`, in points) is flagged: people rate
higher in front of an office they must return to (Đà Nẵng: 98.76 % at the desk vs an audit
finding 100 % dissatisfied at one desk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cchc.surveys.models import DESK_MODES, Campaign
from cchc.surveys.results import unit_figures


def dossier_ratings(
    agency_ids: list[int], date_from: dt.date, date_to: dt.date
) -> dict[int, tuple[int, int]]:
    """(ratings 4-5, ratings) of dossiers finished at each unit in the window."""
    from django.db.models import Count, Q

    from cchc.core.calendar import LOCAL_TZ
    from cchc.dossiers.models import Dossier

    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    rows = (
        Dossier.objects.filter(
            receiving_agency_id__in=agency_ids,
            rating__isnull=False,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .values("receiving_agency_id")
        .annotate(n=Count("id"), good=Count("id", filter=Q(rating__gte=4)))
    )
    return {r["receiving_agency_id"]: (r["good"], r["n"]) for r in rows}


def survey_split(campaign: Campaign) -> dict[int, dict[str, Any]]:
    """Per unit: SIPAS and n valid of the desk modes and of the independent modes, by the
    method version in force, from the responses' scored texts (results.answer_matrix)."""
    import numpy as np

    from cchc.surveys.results import answer_matrix, campaign_reading, tally_matrix

    _method, spec, layout, base = campaign_reading(campaign)
    out: dict[int, dict[str, Any]] = {}
    for side, queryset in (
        ("desk", base.filter(mode__in=DESK_MODES)),
        ("independent", base.exclude(mode__in=DESK_MODES)),
    ):
        units, values = answer_matrix(spec, queryset, layout=layout)
        tallies = tally_matrix(spec, np.asarray(units, dtype=int), values)
        for agency_id, t in tallies.items():
            figures = unit_figures(spec, t)
            out.setdefault(int(agency_id), {})[side] = (figures["total"], figures["n_valid"])
    return out


def bias_margin(campaign: Campaign) -> float:
    """The points by which the desk figure may exceed the independent one before it is
    flagged: the method version's rule `bias_margin` (10 when it has none)."""
    from cchc.surveys.results import campaign_method

    return float(campaign_method(campaign).rule("bias_margin", 10))


def bias_check(
    campaign: Campaign,
    *,
    margin: float | None = None,
    split: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Per unit, desk and independent figures side by side. `split` is the survey's side of
    them (`survey_split`) when the caller has it already (the live figures, live.py); else it
    is computed, once per change of the campaign.

    The gap is the higher of the two desk figures (the survey's desk and kiosk answers, and
    the share of dossiers rated 4 or 5 at the counter) minus the independent survey's SIPAS,
    in percentage points; none when either side has no figure."""
    from cchc.surveys import live

    margin = float(margin if margin is not None else bias_margin(campaign))
    units = campaign.units_in_order()
    if split is None:
        split = live.cached(campaign, "bias", lambda: survey_split(campaign))
    ratings = dossier_ratings([u.agency_id for u in units], campaign.date_from, campaign.date_to)
    out = []
    for u in units:
        desk_total, desk_n = split.get(u.agency_id, {}).get("desk", (None, 0))
        independent, independent_n = split.get(u.agency_id, {}).get("independent", (None, 0))
        good, rated = ratings.get(u.agency_id, (0, 0))
        counter = 100.0 * good / rated if rated else None
        desk_values = [v for v in (desk_total, counter) if v is not None]
        desk_high = max(desk_values) if desk_values else None
        gap = (
            (desk_high - independent)
            if (desk_high is not None and independent is not None)
            else None
        )
        out.append(
            {
                "code": u.agency.code,
                "name": u.agency.name,
                "desk": desk_total,
                "desk_n": desk_n,
                "counter_rating": counter,
                "counter_n": rated,
                "independent": independent,
                "independent_n": independent_n,
                "gap": gap,
                "flagged": gap is not None and gap > margin,
            }
        )
    return out
