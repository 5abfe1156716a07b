"""Exit-poll bias check (issue 13.8): desk figures (paper at the desk, kiosk, and the
per-dossier rating at the counter) next to the independent survey (post, household, phone,
face-to-face, online), per unit. A unit whose desk satisfaction exceeds the independent
figure by more than the margin (method rule `bias_margin`, in points) is flagged: people rate
higher in front of an office they must return to (Đà Nẵng: 98.76 % at the desk vs an audit
finding 100 % dissatisfied at one desk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cchc.surveys.methods import MethodSpec
from cchc.surveys.models import DESK_MODES, Campaign, Response
from cchc.surveys.results import UnitTally, tally, unit_figures


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


def bias_check(campaign: Campaign, *, margin: float | None = None) -> list[dict[str, Any]]:
    spec = MethodSpec.load(campaign.method)
    margin = float(margin if margin is not None else campaign.method.rule("bias_margin", 10))
    units = list(campaign.units.select_related("agency").order_by("agency__code"))
    rows = list(
        Response.objects.filter(campaign=campaign)
        .exclude(review=Response.Review.REJECTED)
        .values_list("agency_id", "mode", "answers")
    )
    desk = tally(spec, ((a, ans) for a, mode, ans in rows if mode in DESK_MODES))
    independent = tally(spec, ((a, ans) for a, mode, ans in rows if mode not in DESK_MODES))
    ratings = dossier_ratings([u.agency_id for u in units], campaign.date_from, campaign.date_to)
    out = []
    for u in units:
        d = unit_figures(spec, desk.get(u.agency_id, UnitTally()))
        i = unit_figures(spec, independent.get(u.agency_id, UnitTally()))
        good, rated = ratings.get(u.agency_id, (0, 0))
        counter = 100.0 * good / rated if rated else None
        desk_values = [v for v in (d["total"], counter) if v is not None]
        desk_high = max(desk_values) if desk_values else None
        gap = (
            (desk_high - i["total"]) if (desk_high is not None and i["total"] is not None) else None
        )
        out.append(
            {
                "code": u.agency.code,
                "name": u.agency.name,
                "desk": d["total"],
                "desk_n": d["n_valid"],
                "counter_rating": counter,
                "counter_n": rated,
                "independent": i["total"],
                "independent_n": i["n_valid"],
                "gap": gap,
                "flagged": gap is not None and gap > margin,
            }
        )
    return out
